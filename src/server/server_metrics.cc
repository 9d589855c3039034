#include "server/server_metrics.h"

#include "base/strings.h"

namespace edgeloop::server {
namespace {

constexpr char kPrefix[] = "edgeloop_server_";

std::string LabelValue(std::string_view v) {
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

void ServerMetrics::Observe(std::string_view method, std::string_view route, int status,
                            int64_t latency_ns) {
  const double seconds = static_cast<double>(latency_ns < 0 ? 0 : latency_ns) / 1e9;
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{std::string(method), std::string(route), status}];
  Latency& l = latency_[std::string(route)];
  ++l.count;
  l.sum_seconds += seconds;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++l.buckets[i];
      break;
    }
  }
}

void ServerMetrics::AddGauge(std::string name, std::string help,
                             std::function<Result<int64_t>()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_.push_back(Gauge{std::move(name), std::move(help), std::move(read)});
}

std::string ServerMetrics::Render() const {
  std::string out;
  std::vector<Gauge> gauges;
  std::unique_lock<std::mutex> lock(mu_);
  gauges = gauges_;
  const std::string requests = std::string(kPrefix) + "requests_total";
  out += "# HELP " + requests + " Requests answered, by method, route pattern and status code.\n";
  out += "# TYPE " + requests + " counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, code] = key;
    out += requests + "{method=\"" + LabelValue(method) + "\",route=\"" + LabelValue(route) +
           "\",code=\"" + std::to_string(code) + "\"} " + std::to_string(count) + "\n";
  }
  const std::string duration = std::string(kPrefix) + "request_duration_seconds";
  out += "# HELP " + duration + " Time from routing to the handler's response, by route.\n";
  out += "# TYPE " + duration + " histogram\n";
  for (const auto& [route, l] : latency_) {
    const std::string label = "route=\"" + LabelValue(route) + "\"";
    int64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += l.buckets[i];
      out += duration + "_bucket{" + label + ",le=\"" + FormatDouble(kBuckets[i]) + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += duration + "_bucket{" + label + ",le=\"+Inf\"} " + std::to_string(l.count) + "\n";
    out += duration + "_sum{" + label + "} " + FormatDouble(l.sum_seconds) + "\n";
    out += duration + "_count{" + label + "} " + std::to_string(l.count) + "\n";
  }
  // Gauges may read the database; the lock is not held meanwhile so requests are not blocked.
  lock.unlock();
  for (const Gauge& g : gauges) {
    Result<int64_t> value = g.read();
    if (!value.ok()) continue;
    const std::string name = kPrefix + g.name;
    out += "# HELP " + name + " " + g.help + "\n# TYPE " + name + " gauge\n";
    out += name + " " + std::to_string(*value) + "\n";
  }
  return out;
}

}  // namespace edgeloop::server
