#include "bundle/bundle_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <zstd.h>

#include <cstdlib>
#include <vector>

#include "base/file_system.h"
#include "bundle/bundle_writer.h"
#include "bundle/testing/tar_extract.h"

namespace edgeloop::bundle {
namespace {

BundleFiles SampleFiles() {
  return {{"model.json", "{\"learner\": {}}"},
          {"golden.csv", "a,score\n1,0.5\n"},
          {"empty.txt", ""},
          {"manifest.json", "{}\n"}};
}

struct RawEntry {
  RawEntry(std::string p, std::string c, unsigned t = AE_IFREG, std::string l = "")
      : path(std::move(p)), content(std::move(c)), type(t), link(std::move(l)) {}
  std::string path;
  std::string content;
  unsigned type = AE_IFREG;
  std::string link;
};

std::string Zstd(const std::string& data, bool checksum) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, checksum ? 1 : 0);
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress2(cctx, out.data(), out.size(), data.data(), data.size());
  ZSTD_freeCCtx(cctx);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

la_ssize_t Append(archive*, void* out, const void* buffer, size_t length) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

// A tar archive with whatever entries a hostile bundle might hold.
std::string RawTar(const std::vector<RawEntry>& entries) {
  std::string tar;
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_open(a, &tar, nullptr, Append, nullptr);
  for (const RawEntry& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.path.c_str());
    archive_entry_set_filetype(entry, e.type);
    archive_entry_set_perm(entry, 0644);
    if (!e.link.empty()) archive_entry_set_symlink(entry, e.link.c_str());
    archive_entry_set_size(entry, e.type == AE_IFREG ? e.content.size() : 0);
    archive_write_header(a, entry);
    if (e.type == AE_IFREG && !e.content.empty()) {
      archive_write_data(a, e.content.data(), e.content.size());
    }
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
  return tar;
}

TEST(BundleReader, UnpacksWhatPackWrote) {
  Result<std::string> bytes = PackBundle(SampleFiles(), 1'767'225'600);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  Result<BundleFiles> files = UnpackBundle(*bytes);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(*files, SampleFiles());
}

TEST(BundleWriter, SameFilesGiveSameBytes) {
  std::string a = std::move(PackBundle(SampleFiles(), 100)).value();
  std::string b = std::move(PackBundle(SampleFiles(), 100)).value();
  EXPECT_EQ(a, b);
  EXPECT_NE(a, std::move(PackBundle(SampleFiles(), 101)).value());
  EXPECT_FALSE(PackBundle({{"../escape", "x"}}, 0).ok());
  EXPECT_FALSE(PackBundle(SampleFiles(), -1).ok());
}

TEST(BundleWriter, StandardTarWithZstdExtractsIt) {
  if (!testing::TarWithZstdAvailable()) {
    GTEST_SKIP() << "needs /usr/bin/tar and /usr/bin/zstd for tar --zstd";
  }
  char tmpl[] = "/tmp/el_bundle_tar_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  PosixFileSystem fs;
  ASSERT_TRUE(fs.WriteFileAtomic(dir + "/b.bundle", *PackBundle(SampleFiles(), 100)).ok());
  ASSERT_TRUE(fs.CreateDirs(dir + "/out").ok());
  ASSERT_EQ(testing::TarExtract(dir + "/b.bundle", dir + "/out"), 0);
  for (const auto& [path, content] : SampleFiles()) {
    Result<std::string> extracted = fs.ReadFile(dir + "/out/" + path);
    ASSERT_TRUE(extracted.ok()) << path;
    EXPECT_EQ(*extracted, content) << path;
  }
}

TEST(BundleReader, RejectsPathTraversalAndAbsolutePaths) {
  for (const char* path : {"../evil", "/etc/evil", "a/../../evil", "./model.json"}) {
    Result<BundleFiles> r = UnpackBundle(Zstd(RawTar({{path, "x"}}), true));
    ASSERT_FALSE(r.ok()) << path;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
    EXPECT_NE(r.status().message().find("unsafe entry path"), std::string::npos) << path;
  }
}

TEST(BundleReader, RejectsDuplicatesLinksAndDirectories) {
  Result<BundleFiles> dup = UnpackBundle(Zstd(RawTar({{"a", "1"}, {"a", "2"}}), true));
  EXPECT_NE(dup.status().message().find("duplicate entry 'a'"), std::string::npos);
  Result<BundleFiles> link =
      UnpackBundle(Zstd(RawTar({{"model.json", "", AE_IFLNK, "/etc/passwd"}}), true));
  EXPECT_NE(link.status().message().find("not a regular file"), std::string::npos);
  Result<BundleFiles> dir = UnpackBundle(Zstd(RawTar({{"d", "", AE_IFDIR}}), true));
  // libarchive names a directory "d/", which is already refused as a path.
  EXPECT_EQ(dir.status().code(), StatusCode::kDataLoss);
  Result<BundleFiles> fifo = UnpackBundle(Zstd(RawTar({{"p", "", AE_IFIFO}}), true));
  EXPECT_NE(fifo.status().message().find("not a regular file"), std::string::npos);
}

TEST(BundleReader, EnforcesSizeAndEntryLimits) {
  std::string big(4096, 'x');
  std::string bytes = Zstd(RawTar({{"a", big}, {"b", big}}), true);
  UnpackLimits limits;
  limits.max_total_bytes = 6000;
  Result<BundleFiles> r = UnpackBundle(bytes, limits);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("entry 'b'"), std::string::npos) << r.status().message();
  UnpackLimits few;
  few.max_entries = 1;
  EXPECT_EQ(UnpackBundle(bytes, few).status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(UnpackBundle(bytes).ok());
}

TEST(BundleReader, RejectsNonZstdTruncatedUnchecksummedAndTrailingBytes) {
  std::string good = std::move(PackBundle(SampleFiles(), 0)).value();
  EXPECT_NE(UnpackBundle(RawTar({{"a", "1"}})).status().message().find("not a zstd stream"),
            std::string::npos);
  EXPECT_NE(UnpackBundle(Zstd(RawTar({{"a", "1"}}), false)).status().message().find("checksum"),
            std::string::npos);
  EXPECT_EQ(UnpackBundle(good.substr(0, good.size() - 3)).status().code(), StatusCode::kDataLoss);
  Result<BundleFiles> trailing = UnpackBundle(good + "x");
  EXPECT_NE(trailing.status().message().find("after the zstd frame"), std::string::npos);
  EXPECT_FALSE(UnpackBundle("").ok());
}

}  // namespace
}  // namespace edgeloop::bundle
