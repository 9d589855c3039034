#include "bundle/bundle_seal.h"

#include <cstdint>

#include "base/sha256.h"

namespace edgeloop::bundle {
namespace {

constexpr uint32_t kSkippableMagic = 0x184D2A5E;
constexpr uint32_t kFrameSize = 84;
constexpr std::string_view kSealTag = "ELS1";
constexpr size_t kKeyIdChars = 16;

std::string LittleEndian32(uint32_t value) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  return out;
}

std::string SealMessage(std::string_view archive) {
  return "edgeloop-bundle-seal-v1\n" + Sha256Hex(archive);
}

}  // namespace

std::string SealBundle(std::string_view archive, const SigningKey& key) {
  std::string out(archive);
  out += LittleEndian32(kSkippableMagic);
  out += LittleEndian32(kFrameSize);
  out += kSealTag;
  out += key.key_id();
  out += key.Sign(SealMessage(archive));
  return out;
}

Result<SealedBundle> SplitSeal(std::string_view bytes) {
  if (bytes.size() < kSealBytes) return DataLoss("bundle file is too short to carry a seal");
  std::string_view seal = bytes.substr(bytes.size() - kSealBytes);
  if (seal.substr(0, 4) != LittleEndian32(kSkippableMagic) ||
      seal.substr(4, 4) != LittleEndian32(kFrameSize) || seal.substr(8, 4) != kSealTag) {
    return DataLoss("bundle file does not end with an edgeloop seal frame");
  }
  SealedBundle out;
  out.archive = bytes.substr(0, bytes.size() - kSealBytes);
  out.key_id = std::string(seal.substr(12, kKeyIdChars));
  out.signature = std::string(seal.substr(12 + kKeyIdChars));
  return out;
}

bool SealedBundle::VerifiedBy(const PublicKey& key) const {
  return key.key_id() == key_id && key.Verify(SealMessage(archive), signature);
}

}  // namespace edgeloop::bundle
