#include "edgeloop/cmd_bundle.h"

#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "bundle/bundle_reader.h"
#include "bundle/bundle_seal.h"
#include "bundle/key_file.h"
#include "bundle/manifest.h"
#include "bundle/signing_key.h"
#include "bundle/validation.h"
#include "bundle/verifier.h"
#include "edgeloop/exit_code.h"
#include "pipeline/bundle_job.h"

namespace edgeloop::app {
namespace {

using nlohmann::json;

json ManifestJson(const bundle::Manifest& m) {
  json files = json::object();
  for (const auto& [path, d] : m.files) files[path] = {{"sha256", d.sha256}, {"size", d.size}};
  return {{"name", m.name},
          {"version", m.version},
          {"model_kind", m.model_kind},
          {"input_schema", m.input_schema},
          {"feature_spec_digest", m.feature_spec_digest},
          {"threshold", m.threshold},
          {"alert_policy", {{"k", m.alert_policy.k}, {"n", m.alert_policy.n},
                            {"cooldown", FormatDuration(m.alert_policy.cooldown_ms)}}},
          {"lineage", {{"run_id", m.lineage.run_id}, {"dataset_digest", m.lineage.dataset_digest},
                       {"model_digest", m.lineage.model_digest},
                       {"model_version", m.lineage.model_version}}},
          {"reference_histograms", m.reference_histograms.size()},
          {"created", FormatTimestamp(m.created_ms)},
          {"files", files}};
}

void PrintManifest(std::FILE* out, const bundle::Manifest& m) {
  std::fprintf(out, "model         %s version %lld (%s)\n", m.name.c_str(),
               static_cast<long long>(m.version), m.model_kind.c_str());
  std::fprintf(out, "inputs        %zu features, spec %s\n", m.input_schema.size(),
               ShortDigest(m.feature_spec_digest).c_str());
  std::fprintf(out, "alerts        score >= %s, %d of %d windows, cooldown %s\n",
               FormatDouble(m.threshold).c_str(), m.alert_policy.k, m.alert_policy.n,
               FormatDuration(m.alert_policy.cooldown_ms).c_str());
  std::fprintf(out, "lineage       run %s, model %s, dataset %s\n",
               m.lineage.run_id.empty() ? "-" : m.lineage.run_id.c_str(),
               ShortDigest(m.lineage.model_digest).c_str(),
               m.lineage.dataset_digest.empty() ? "-"
                                                : ShortDigest(m.lineage.dataset_digest).c_str());
  std::fprintf(out, "created       %s\n", FormatTimestamp(m.created_ms).c_str());
  for (const auto& [path, d] : m.files) {
    std::fprintf(out, "file          %-20s %10lld bytes  sha256 %s\n", path.c_str(),
                 static_cast<long long>(d.size), ShortDigest(d.sha256).c_str());
  }
}

}  // namespace

int RunKeysGenerate(const AppContext& context, const KeysGenerateFlags& flags) {
  if (flags.out.empty()) return ReportFailure(InvalidArgument("--out PATH is required"), context.err);
  Status dirs = context.fs->CreateDirs(DirName(flags.out));
  if (!dirs.ok()) return ReportFailure(dirs, context.err);
  const std::string secret_path = flags.out + ".key";
  const std::string public_path = flags.out + ".pub";
  if (context.fs->Exists(secret_path) || context.fs->Exists(public_path)) {
    return ReportFailure(AlreadyExists(secret_path + " or " + public_path +
                                       " exists; keys are never overwritten"),
                         context.err);
  }
  bundle::SigningKey key = bundle::SigningKey::Generate();
  Status s = bundle::SaveSigningKey(key, secret_path);
  if (s.ok()) s = bundle::SavePublicKey(*context.fs, key.public_key(), public_path);
  if (!s.ok()) return ReportFailure(s, context.err);
  if (flags.json) {
    json doc = {{"key_id", key.key_id()}, {"secret_key", secret_path}, {"public_key", public_path}};
    std::fprintf(context.out, "%s\n", doc.dump(2).c_str());
    return kExitOk;
  }
  std::fprintf(context.out, "key id        %s\n", key.key_id().c_str());
  std::fprintf(context.out, "secret key    %s (mode 0600: keep it on the build machine)\n",
               secret_path.c_str());
  std::fprintf(context.out, "public key    %s (give it to devices and to `bundle verify --trust`)\n",
               public_path.c_str());
  return kExitOk;
}

int RunBundleBuild(const AppContext& context, const BundleBuildFlags& flags) {
  Result<bundle::SigningKey> key = bundle::LoadSigningKey(*context.fs, flags.key);
  if (!key.ok()) return ReportFailure(key.status(), context.err);
  Result<OpenedWorkspace> opened = OpenWorkspace(context, /*create=*/false);
  if (!opened.ok()) return ReportFailure(opened.status(), context.err);
  Result<pipeline::BuiltBundle> built = pipeline::BuildBundleForVersion(
      flags.model, *key, *opened->workspace, *opened->registry);
  if (!built.ok()) return ReportFailure(built.status(), context.err);
  Status written = context.fs->WriteFileAtomic(flags.output, built->bytes);
  if (!written.ok()) return ReportFailure(written, context.err);
  const registry::ModelVersion& v = built->version;
  if (flags.json) {
    json doc = {{"file", flags.output}, {"digest", built->digest}, {"bytes", built->bytes.size()},
                {"model", v.model}, {"version", v.version}, {"key_id", key->key_id()}};
    std::fprintf(context.out, "%s\n", doc.dump(2).c_str());
    return kExitOk;
  }
  std::fprintf(context.out, "bundle        %s (%zu bytes)\n", built->digest.c_str(),
               built->bytes.size());
  std::fprintf(context.out, "model         %s version %d, signed by key %s\n", v.model.c_str(),
               v.version, key->key_id().c_str());
  std::fprintf(context.out, "written to    %s (also stored in the workspace under its digest)\n",
               flags.output.c_str());
  return kExitOk;
}

int RunBundleVerify(const AppContext& context, const BundleVerifyFlags& flags) {
  if (flags.trust.empty()) {
    return ReportFailure(InvalidArgument("--trust PUBKEY is required (a bundle is only as good "
                                         "as the key that signed it)"),
                         context.err);
  }
  std::vector<bundle::PublicKey> trusted;
  for (const std::string& path : flags.trust) {
    Result<bundle::PublicKey> key = bundle::LoadPublicKey(*context.fs, path);
    if (!key.ok()) return ReportFailure(key.status(), context.err);
    trusted.push_back(*key);
  }
  Result<std::string> bytes = context.fs->ReadFile(flags.file);
  if (!bytes.ok()) return ReportFailure(bytes.status(), context.err);
  Result<bundle::VerifiedBundle> verified = bundle::VerifyBundle(*bytes, trusted);
  if (!verified.ok()) {
    if (flags.json) {
      json doc = {{"file", flags.file}, {"verified", false},
                  {"error", verified.status().message()}};
      std::fprintf(context.out, "%s\n", doc.dump(2).c_str());
    }
    return ReportFailure(verified.status().WithContext(flags.file), context.err);
  }
  if (flags.json) {
    json doc = {{"file", flags.file},
                {"verified", true},
                {"digest", verified->digest},
                {"signer_key_id", verified->signer_key_id},
                {"manifest", ManifestJson(verified->manifest)}};
    std::fprintf(context.out, "%s\n", doc.dump(2).c_str());
    return kExitOk;
  }
  std::fprintf(context.out, "bundle        %s\n", verified->digest.c_str());
  std::fprintf(context.out, "verified      signature and seal by trusted key %s; every file's "
                            "sha256 matches; golden outputs reproduce\n",
               verified->signer_key_id.c_str());
  PrintManifest(context.out, verified->manifest);
  return kExitOk;
}

namespace {

Result<std::vector<bundle::PublicKey>> LoadTrustedKeys(FileSystem& fs,
                                                       const std::vector<std::string>& paths) {
  if (paths.empty()) {
    return InvalidArgument("--trust PUBKEY is required (a bundle is only as good as the key "
                           "that signed it)");
  }
  std::vector<bundle::PublicKey> trusted;
  for (const std::string& path : paths) {
    EL_ASSIGN_OR_RETURN(bundle::PublicKey key, bundle::LoadPublicKey(fs, path));
    trusted.push_back(std::move(key));
  }
  return trusted;
}

// Records the report against the manifest's model version; the reason when it cannot.
Status RecordReport(const AppContext& context, const bundle::ValidationReport& report) {
  if (!report.verified) return FailedPrecondition("the bundle did not verify");
  EL_ASSIGN_OR_RETURN(OpenedWorkspace opened, OpenWorkspace(context, /*create=*/false));
  Result<registry::ValidationRecord> recorded = opened.registry->RecordValidation(
      report.model, static_cast<int>(report.version), report.bundle_digest, report.passed,
      report.ToJson(), context.clock->NowMillis());
  return recorded.ok() ? Status::Ok() : recorded.status();
}

}  // namespace

int RunBundleValidate(const AppContext& context, const BundleValidateFlags& flags) {
  Result<std::vector<bundle::PublicKey>> trusted = LoadTrustedKeys(*context.fs, flags.trust);
  if (!trusted.ok()) return ReportFailure(trusted.status(), context.err);
  bundle::ValidationGates gates;
  if (!flags.gates.empty()) {
    Result<std::string> text = context.fs->ReadFile(flags.gates);
    if (!text.ok()) return ReportFailure(text.status(), context.err);
    Result<bundle::ValidationGates> parsed = bundle::ParseValidationGates(*text, flags.gates);
    if (!parsed.ok()) return ReportFailure(parsed.status(), context.err);
    gates = *parsed;
  }
  if (flags.latency_iterations < 1) {
    return ReportFailure(InvalidArgument("--iterations must be at least 1"), context.err);
  }
  Result<std::string> bytes = context.fs->ReadFile(flags.file);
  if (!bytes.ok()) return ReportFailure(bytes.status(), context.err);
  bundle::ValidationOptions options;
  options.latency_iterations = flags.latency_iterations;
  Result<bundle::ValidationReport> report =
      bundle::ValidateBundle(*bytes, *trusted, gates, *context.clock, options);
  if (!report.ok()) return ReportFailure(report.status().WithContext(flags.file), context.err);

  if (flags.json) {
    std::fprintf(context.out, "%s\n", report->ToJson().c_str());
  } else {
    std::fprintf(context.out, "%s", bundle::RenderReport(*report).c_str());
  }
  if (!flags.no_record && report->verified) {
    Status recorded = RecordReport(context, *report);
    const std::string target =
        report->model + " version " + std::to_string(report->version);
    if (recorded.ok()) {
      std::fprintf(context.err, "recorded the report against %s\n", target.c_str());
    } else {
      std::fprintf(context.err, "did not record the report against %s: %s\n", target.c_str(),
                   recorded.message().c_str());
    }
  }
  if (!report->verified) {
    // Exit 4 only when no trusted key signed the manifest; a broken seal under a trusted
    // signature means changed bytes, which is corruption (exit 6) like every other check.
    const Status& failure = report->verification;
    const bool untrusted = failure.code() == StatusCode::kPermissionDenied &&
                           StartsWith(report->failed_check, "manifest signature");
    const Status shown = untrusted ? failure : DataLoss(failure.message());
    return ReportFailure(shown.WithContext(flags.file), context.err);
  }
  if (!report->passed) {
    std::vector<std::string> failed;
    for (const bundle::GateResult& g : report->gates) {
      if (!g.passed) failed.push_back(g.name);
    }
    std::fprintf(context.err, "edgeloop: %s: gate failed: %s\n", flags.file.c_str(),
                 Join(failed, ", ").c_str());
    return kExitCheckFailed;
  }
  return kExitOk;
}

int RunBundleInspect(const AppContext& context, const BundleInspectFlags& flags) {
  Result<std::string> bytes = context.fs->ReadFile(flags.file);
  if (!bytes.ok()) return ReportFailure(bytes.status(), context.err);
  const std::string digest = Sha256Hex(*bytes);
  Result<bundle::SealedBundle> sealed = bundle::SplitSeal(*bytes);
  if (!sealed.ok()) return ReportFailure(sealed.status().WithContext(flags.file), context.err);
  Result<bundle::BundleFiles> files = bundle::UnpackBundle(sealed->archive);
  if (!files.ok()) return ReportFailure(files.status().WithContext(flags.file), context.err);
  auto manifest_file = files->find("manifest.json");
  if (manifest_file == files->end()) {
    return ReportFailure(DataLoss(flags.file + ": no manifest.json in the bundle"), context.err);
  }
  Result<bundle::Manifest> manifest = bundle::Manifest::Parse(manifest_file->second);
  if (!manifest.ok()) return ReportFailure(manifest.status().WithContext(flags.file), context.err);
  if (flags.json) {
    json doc = {{"file", flags.file}, {"digest", digest}, {"signed_by_key", sealed->key_id},
                {"verified", false}, {"manifest", ManifestJson(*manifest)}};
    std::fprintf(context.out, "%s\n", doc.dump(2).c_str());
    return kExitOk;
  }
  std::fprintf(context.out, "bundle        %s\n", digest.c_str());
  std::fprintf(context.out, "signed by     key %s (not checked here: use `edgeloop bundle verify "
                            "--trust KEY.pub`)\n",
               sealed->key_id.c_str());
  PrintManifest(context.out, *manifest);
  return kExitOk;
}

}  // namespace edgeloop::app
