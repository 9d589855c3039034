// Key files: where signing keys live on disk, one key per file as the text of signing_key.h.
//
// A secret key file is created with mode 0600 (never wider, not even for a moment) and never
// overwrites an existing file; a public key file is written atomically with the FileSystem.
// Errors: AlreadyExists when the secret key file is there, IoError from the OS, and on load
// InvalidArgument "<path>: <what was expected>" for a malformed file.
#pragma once

#include <string>

#include "base/file_system.h"
#include "base/status.h"
#include "bundle/signing_key.h"

namespace edgeloop::bundle {

Status SaveSigningKey(const SigningKey& key, const std::string& path);
Result<SigningKey> LoadSigningKey(FileSystem& file_system, const std::string& path);

Status SavePublicKey(FileSystem& file_system, const PublicKey& key, const std::string& path);
Result<PublicKey> LoadPublicKey(FileSystem& file_system, const std::string& path);

}  // namespace edgeloop::bundle
