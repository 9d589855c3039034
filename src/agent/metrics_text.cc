#include "agent/metrics_text.h"

#include "api/records.h"

namespace edgeloop::agent {
namespace {

void Metric(std::string* out, const std::string& name, const char* type, const char* help,
            int64_t value, const std::string& labels = "") {
  *out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  *out += name + (labels.empty() ? "" : "{" + labels + "}") + " " + std::to_string(value) + "\n";
}

std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string RenderPrometheus(const AgentSnapshot& s, int64_t rss_bytes, int64_t peak_rss_bytes) {
  std::string out;
  const std::string p = "edgeloop_agent_";
  Metric(&out, p + "rows_total", "counter", "Readings rows received from all sources.", s.rows_total);
  Metric(&out, p + "bursts_total", "counter", "Waveform bursts received.", s.bursts_total);
  Metric(&out, p + "rows_rejected_total", "counter",
         "Rows refused by the window extractor (time going backwards, late).", s.rows_rejected);
  Metric(&out, p + "rows_without_model_total", "counter",
         "Rows that arrived before any bundle was installed.", s.rows_without_model);
  Metric(&out, p + "windows_total", "counter", "Feature windows closed.", s.windows_total);
  Metric(&out, p + "scores_total", "counter", "Windows scored.", s.scores_total);
  Metric(&out, p + "score_errors_total", "counter", "Scores that were not finite.", s.score_errors_total);
  Metric(&out, p + "alerts_raised_total", "counter", "Alerts raised.", s.alerts_raised_total);
  Metric(&out, p + "alerts_open", "gauge", "Alerts currently open.", s.alerts_open);
  Metric(&out, p + "sensor_faults_open", "gauge", "Signals currently flagged unhealthy.",
         s.sensor_faults_open);
  Metric(&out, p + "source_errors_total", "counter", "Failed source polls.", s.source_errors_total);
  Metric(&out, p + "assets", "gauge", "Assets seen.", s.assets);
  out += "# HELP " + p + "score_latency_seconds Scoring latency over the last 1024 windows.\n";
  out += "# TYPE " + p + "score_latency_seconds summary\n";
  out += p + "score_latency_seconds{quantile=\"0.5\"} " +
         std::to_string(static_cast<double>(s.score_latency_p50_ns) / 1e9) + "\n";
  out += p + "score_latency_seconds{quantile=\"0.99\"} " +
         std::to_string(static_cast<double>(s.score_latency_p99_ns) / 1e9) + "\n";
  out += "# HELP " + p + "outbox_pending_records Records waiting to be synced, by kind.\n";
  out += "# TYPE " + p + "outbox_pending_records gauge\n";
  for (int k = 0; k < api::kNumRecordKinds; ++k) {
    out += p + "outbox_pending_records{kind=\"" +
           std::string(api::RecordKindName(static_cast<api::RecordKind>(k))) + "\"} " +
           std::to_string(s.outbox.pending_by_kind[k]) + "\n";
  }
  out += "# HELP " + p + "outbox_dropped_total Records dropped to stay under the disk quota.\n";
  out += "# TYPE " + p + "outbox_dropped_total counter\n";
  for (int k = 0; k < api::kNumRecordKinds; ++k) {
    out += p + "outbox_dropped_total{kind=\"" +
           std::string(api::RecordKindName(static_cast<api::RecordKind>(k))) + "\"} " +
           std::to_string(s.outbox.dropped_by_kind[k]) + "\n";
  }
  Metric(&out, p + "outbox_pending_bytes", "gauge", "Stored bytes of pending records.",
         s.outbox.pending_bytes);
  Metric(&out, p + "outbox_last_seq", "gauge", "Highest sequence number written.", s.outbox.last_seq);
  Metric(&out, p + "outbox_acked_seq", "gauge", "Highest sequence number acknowledged.",
         s.outbox.acked_through);
  Metric(&out, p + "bundle_switches_total", "counter", "Bundle switches.", s.bundle_switches);
  Metric(&out, p + "bundle_rollbacks_total", "counter", "Rollbacks after failed probation.", s.rollbacks);
  Metric(&out, p + "bundle_probation", "gauge", "1 while the running bundle is on probation.",
         s.on_probation ? 1 : 0);
  if (!s.bundle_digest.empty()) {
    Metric(&out, p + "bundle_info", "gauge", "The running bundle.", 1,
           "name=\"" + Escape(s.bundle_name) + "\",version=\"" + std::to_string(s.bundle_version) +
               "\",digest=\"" + s.bundle_digest + "\"");
  }
  if (rss_bytes >= 0) {
    Metric(&out, "process_resident_memory_bytes", "gauge", "Resident memory.", rss_bytes);
    Metric(&out, p + "peak_resident_memory_bytes", "gauge", "Peak resident memory.", peak_rss_bytes);
  }
  return out;
}

}  // namespace edgeloop::agent
