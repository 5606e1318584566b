// Metrics: the process's Prometheus series (text exposition format 0.0.4) for GET /metrics.
//
// Metrics itself keeps what only the transport sees: requests by route, method and status code,
// request latency histograms by route, upload bytes accepted, failed TLS handshakes. Everything
// else is a snapshot taken at scrape time (MetricsSnapshot: executor counters, store counts and
// sizes, readiness) and rendered next to them. docs/operations.md lists every series.
//
// PromText writes the format: one `# HELP` and `# TYPE` per family, samples with escaped label
// values, integers without a fraction.
//
// Thread-safe: Observe*/Count* from the HTTP threads, Render from any thread.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/executor.hpp"
#include "store/job_store.hpp"

namespace bg::app {

class PromText {
 public:
  using Labels = std::vector<std::pair<std::string_view, std::string_view>>;
  // Starts a family: `type` is counter, gauge or histogram.
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, const Labels& labels, double value);
  void Sample(std::string_view name, const Labels& labels, int64_t value);
  const std::string& text() const { return out_; }

 private:
  void Head(std::string_view name, const Labels& labels);
  std::string out_;
};

// What /metrics reads from the rest of the process at scrape time.
struct MetricsSnapshot {
  engine::ExecutorStats executor;
  bool store_ok = false;  // the store answered; when false `store` is empty
  store::StoreStats store;
  bool ready = false;
  double start_time_seconds = 0;  // Unix time of start-up
};

class Metrics {
 public:
  // Upper bounds of the latency histogram buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 14> kLatencyBuckets = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

  // One finished exchange. `route` is a fixed label (soap, wsdl, upload, ...); `method` is
  // bounded by the caller.
  void ObserveRequest(std::string_view route, std::string_view method, int status,
                      std::chrono::microseconds duration);
  void AddUploadBytes(uint64_t bytes);
  void CountTlsHandshakeFailure();

  std::string Render(const MetricsSnapshot& snapshot) const;

 private:
  struct Histogram {
    std::array<uint64_t, kLatencyBuckets.size()> buckets{};  // non-cumulative
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  uint64_t upload_bytes_ = 0;
  uint64_t tls_failures_ = 0;
};

}  // namespace bg::app
