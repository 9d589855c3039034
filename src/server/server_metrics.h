// ServerMetrics: what GET /metrics shows, in Prometheus text format 0.0.4.
//
//   edgeloop_server_requests_total{method,route,code}   counter, per route pattern (not per
//                                                        path, so ids do not blow up the labels)
//   edgeloop_server_request_duration_seconds{route}     histogram of handler latency
//   edgeloop_server_<gauge>                              gauges read at scrape time (bundles,
//                                                        events, devices, ...)
//
// Requests refused before routing (an unknown path, a body over the transport limit) are not
// counted. Thread-safe: Observe and Render may run on any thread; AddGauge only before serving.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "base/status.h"

namespace edgeloop::server {

class ServerMetrics {
 public:
  // Upper bounds of the latency buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 9> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,  0.1,    0.5,   2.5};

  void Observe(std::string_view method, std::string_view route, int status, int64_t latency_ns);

  // `name` without the edgeloop_server_ prefix, e.g. "devices"; a failing read is left out of
  // that scrape.
  void AddGauge(std::string name, std::string help, std::function<Result<int64_t>()> read);

  std::string Render() const;

 private:
  struct Latency {
    std::array<int64_t, kBuckets.size()> buckets{};  // non-cumulative counts
    int64_t count = 0;
    double sum_seconds = 0;
  };
  struct Gauge {
    std::string name;
    std::string help;
    std::function<Result<int64_t>()> read;
  };

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, int64_t> requests_;
  std::map<std::string, Latency> latency_;
  std::vector<Gauge> gauges_;
};

}  // namespace edgeloop::server
