#include "bundle/validation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "base/strings.h"
#include "bundle/golden.h"
#include "bundle/verifier.h"

namespace edgeloop::bundle {
namespace {

// VerifyBundle words failures "bundle <digest>: <check>[: <detail>| (<detail>)]".
std::string FailedCheckName(const std::string& message) {
  std::string_view text = message;
  if (StartsWith(text, "bundle ")) {
    const size_t colon = text.find(": ");
    if (colon != std::string_view::npos) text.remove_prefix(colon + 2);
  }
  const size_t end = std::min(text.find(": "), text.find(" ("));
  return std::string(text.substr(0, end));
}

// Nearest-rank percentile of sorted samples.
double Percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]);
}

double AbsError(double expected, double actual) {
  if (std::isnan(expected) && std::isnan(actual)) return 0;
  if (std::isnan(expected) || std::isnan(actual)) return std::numeric_limits<double>::infinity();
  return std::fabs(expected - actual);
}

GateResult AtMost(std::string name, double value, double limit, std::string unit) {
  return GateResult{std::move(name), value <= limit, value, limit, std::move(unit), "<="};
}

GateResult AtLeast(std::string name, double value, double limit, std::string unit) {
  return GateResult{std::move(name), value >= limit, value, limit, std::move(unit), ">="};
}

// Times single-row and batch scoring of the golden rows; results in microseconds.
void ProfileLatency(const models::Scorer& scorer, const GoldenSet& golden, const Clock& clock,
                    int iterations, ValidationReport* report) {
  const size_t width = scorer.num_features();
  std::vector<double> flat;
  for (const auto& row : golden.rows) flat.insert(flat.end(), row.begin(), row.end());
  const size_t n_rows = golden.rows.size();
  std::vector<int64_t> samples;
  samples.reserve(static_cast<size_t>(iterations) * n_rows);
  volatile double sink = 0;  // keeps the scoring from being optimised away
  for (int i = 0; i < iterations; ++i) {
    for (size_t r = 0; r < n_rows; ++r) {
      const int64_t start = clock.MonotonicNanos();
      const double score = scorer.Score(flat.data() + r * width);
      const int64_t end = clock.MonotonicNanos();
      sink = sink + score;
      samples.push_back(end - start);
    }
  }
  std::sort(samples.begin(), samples.end());
  report->p50_latency_us = Percentile(samples, 0.50) / 1000.0;
  report->p99_latency_us = Percentile(samples, 0.99) / 1000.0;

  std::vector<double> out(n_rows);
  const int64_t start = clock.MonotonicNanos();
  for (int i = 0; i < iterations; ++i) {
    scorer.ScoreBatch(flat.data(), n_rows, out.data());
    sink = sink + out[0];
  }
  const int64_t elapsed = clock.MonotonicNanos() - start;
  const double rows_scored = static_cast<double>(iterations) * static_cast<double>(n_rows);
  report->batch_per_row_us =
      rows_scored > 0 ? static_cast<double>(elapsed) / rows_scored / 1000.0 : 0;
}

}  // namespace

Result<ValidationReport> ValidateBundle(std::string_view bytes,
                                        const std::vector<PublicKey>& trusted,
                                        const ValidationGates& gates, const Clock& clock,
                                        const ValidationOptions& options) {
  const auto read_memory = options.read_memory ? options.read_memory : ReadProcessMemory;
  ValidationReport report;
  report.bundle_digest = Sha256Hex(bytes);
  report.bundle_bytes = static_cast<int64_t>(bytes.size());

  EL_ASSIGN_OR_RETURN(ProcessMemory before, read_memory());
  Result<VerifiedBundle> verified = VerifyBundle(bytes, trusted, options.limits);
  if (!verified.ok()) {
    report.verification = verified.status();
    report.failed_check = FailedCheckName(verified.status().message());
    return report;
  }
  report.verified = true;
  report.model = verified->manifest.name;
  report.version = verified->manifest.version;
  report.model_kind = verified->manifest.model_kind;
  report.signer_key_id = verified->signer_key_id;
  const models::Scorer& scorer = *verified->scorer;

  // VerifyBundle has parsed this file already; it parses again here for the measurements.
  Result<GoldenSet> golden = GoldenSet::Parse(verified->files.at(verified->manifest.golden_file));
  if (!golden.ok()) return golden.status();
  report.golden_rows = static_cast<int64_t>(golden->rows.size());
  for (size_t r = 0; r < golden->rows.size(); ++r) {
    report.golden_max_abs_error =
        std::max(report.golden_max_abs_error,
                 AbsError(golden->scores[r], scorer.Score(golden->rows[r].data())));
  }
  report.latency_iterations = std::max(1, options.latency_iterations);
  ProfileLatency(scorer, *golden, clock, report.latency_iterations, &report);

  EL_ASSIGN_OR_RETURN(ProcessMemory after, read_memory());
  report.memory_bytes = std::max<int64_t>(0, after.rss_bytes - before.rss_bytes);
  report.peak_rss_bytes = after.peak_rss_bytes;

  report.gates = {
      AtMost("golden_error", report.golden_max_abs_error, gates.golden_tolerance, ""),
      AtLeast("golden_rows", static_cast<double>(report.golden_rows),
              static_cast<double>(gates.min_golden_rows), "rows"),
      AtMost("p50_latency", report.p50_latency_us, static_cast<double>(gates.max_p50_latency_us),
             "us"),
      AtMost("p99_latency", report.p99_latency_us, static_cast<double>(gates.max_p99_latency_us),
             "us"),
      AtMost("memory", static_cast<double>(report.memory_bytes),
             static_cast<double>(gates.max_memory_bytes), "bytes"),
      AtMost("bundle_size", static_cast<double>(report.bundle_bytes),
             static_cast<double>(gates.max_bundle_bytes), "bytes"),
  };
  report.passed = std::all_of(report.gates.begin(), report.gates.end(),
                              [](const GateResult& g) { return g.passed; });
  return report;
}

std::string ValidationReport::ToJson() const {
  using nlohmann::json;
  auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  json gate_list = json::array();
  for (const GateResult& g : gates) {
    gate_list.push_back({{"name", g.name},
                         {"passed", g.passed},
                         {"value", number(g.value)},
                         {"limit", number(g.limit)},
                         {"unit", g.unit},
                         {"comparison", g.comparison}});
  }
  json verification_doc = {{"passed", verified}};
  if (!verified) {
    verification_doc["code"] = std::string(StatusCodeName(verification.code()));
    verification_doc["check"] = failed_check;
    verification_doc["message"] = verification.message();
  } else {
    verification_doc["signer_key_id"] = signer_key_id;
  }
  json doc = {{"bundle_digest", bundle_digest},
              {"bundle_bytes", bundle_bytes},
              {"verification", verification_doc},
              {"passed", passed},
              {"gates", gate_list}};
  if (verified) {
    doc["model"] = model;
    doc["version"] = version;
    doc["model_kind"] = model_kind;
    doc["measurements"] = {{"golden_rows", golden_rows},
                           {"golden_max_abs_error", number(golden_max_abs_error)},
                           {"latency_iterations", latency_iterations},
                           {"p50_latency_us", number(p50_latency_us)},
                           {"p99_latency_us", number(p99_latency_us)},
                           {"batch_per_row_us", number(batch_per_row_us)},
                           {"memory_bytes", memory_bytes},
                           {"peak_rss_bytes", peak_rss_bytes}};
  }
  return doc.dump();
}

std::string RenderReport(const ValidationReport& report) {
  std::string out;
  auto line = [&out](const std::string& label, const std::string& text) {
    std::string padded = label;
    padded.resize(std::max<size_t>(label.size() + 1, 14), ' ');
    out += padded + text + "\n";
  };
  line("bundle", report.bundle_digest + " (" + std::to_string(report.bundle_bytes) + " bytes)");
  if (!report.verified) {
    line("verification", "FAILED: " + report.failed_check);
    line("", report.verification.message());
    line("result", "FAILED");
    return out;
  }
  line("model", report.model + " version " + std::to_string(report.version) + " (" +
                    report.model_kind + ")");
  line("verification", "passed (signed by trusted key " + report.signer_key_id + ")");
  line("golden", std::to_string(report.golden_rows) + " rows, max |error| " +
                     FormatDouble(report.golden_max_abs_error));
  char buf[160];
  std::snprintf(buf, sizeof(buf),
                "p50 %.2f us, p99 %.2f us single-row (%d passes); batch %.3f us/row",
                report.p50_latency_us, report.p99_latency_us, report.latency_iterations,
                report.batch_per_row_us);
  line("latency", buf);
  std::snprintf(buf, sizeof(buf), "%.1f KiB for bundle and scorer; process peak %.1f MiB",
                static_cast<double>(report.memory_bytes) / 1024.0,
                static_cast<double>(report.peak_rss_bytes) / (1024.0 * 1024.0));
  line("memory", buf);
  for (const GateResult& g : report.gates) {
    line("gate", std::string(g.passed ? "pass  " : "FAIL  ") + g.name + " " +
                     FormatDouble(g.value) + (g.unit.empty() ? "" : " " + g.unit) + " " +
                     g.comparison + " " + FormatDouble(g.limit));
  }
  line("result", report.passed ? "passed" : "FAILED");
  return out;
}

}  // namespace edgeloop::bundle
