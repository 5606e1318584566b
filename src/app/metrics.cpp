#include "app/metrics.hpp"

#include <charconv>
#include <cmath>
#include <tuple>

#include "model/job.hpp"

namespace bg::app {
namespace {

std::string EscapeLabel(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string FormatDouble(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return ec == std::errc() ? std::string(buf, end) : "0";
}

}  // namespace

void PromText::Family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  for (char c : help) out_ += c == '\n' ? std::string("\\n") : std::string(1, c);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void PromText::Head(std::string_view name, const Labels& labels) {
  out_ += name;
  if (!labels.empty()) {
    out_ += '{';
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) out_ += ',';
      out_ += labels[i].first;
      out_ += "=\"";
      out_ += EscapeLabel(labels[i].second);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
}

void PromText::Sample(std::string_view name, const Labels& labels, double value) {
  Head(name, labels);
  out_ += FormatDouble(value);
  out_ += '\n';
}

void PromText::Sample(std::string_view name, const Labels& labels, int64_t value) {
  Head(name, labels);
  out_ += std::to_string(value);
  out_ += '\n';
}

void Metrics::ObserveRequest(std::string_view route, std::string_view method, int status,
                             std::chrono::microseconds duration) {
  const double seconds = static_cast<double>(duration.count()) / 1e6;
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[std::make_tuple(std::string(route), std::string(method), status)];
  Histogram& h = latency_[std::string(route)];
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::AddUploadBytes(uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  upload_bytes_ += bytes;
}

void Metrics::CountTlsHandshakeFailure() {
  std::lock_guard<std::mutex> lock(mu_);
  ++tls_failures_;
}

std::string Metrics::Render(const MetricsSnapshot& s) const {
  PromText p;
  {
    std::lock_guard<std::mutex> lock(mu_);
    p.Family("batchgate_http_requests_total", "counter",
             "HTTP requests answered, by route, method and status code.");
    for (const auto& [key, n] : requests_) {
      const std::string code = std::to_string(std::get<2>(key));
      p.Sample("batchgate_http_requests_total",
               {{"route", std::get<0>(key)}, {"method", std::get<1>(key)}, {"code", code}},
               static_cast<int64_t>(n));
    }
    p.Family("batchgate_http_request_duration_seconds", "histogram",
             "Time from the first byte of a request to the end of its response, by route.");
    for (const auto& [route, h] : latency_) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        cumulative += h.buckets[i];
        const std::string le = FormatDouble(kLatencyBuckets[i]);
        p.Sample("batchgate_http_request_duration_seconds_bucket", {{"route", route}, {"le", le}},
                 static_cast<int64_t>(cumulative));
      }
      p.Sample("batchgate_http_request_duration_seconds_bucket", {{"route", route}, {"le", "+Inf"}},
               static_cast<int64_t>(h.count));
      p.Sample("batchgate_http_request_duration_seconds_sum", {{"route", route}}, h.sum);
      p.Sample("batchgate_http_request_duration_seconds_count", {{"route", route}},
               static_cast<int64_t>(h.count));
    }
    p.Family("batchgate_upload_bytes_total", "counter",
             "Upload body bytes of requests the upload endpoint accepted (200, 201 or 308).");
    p.Sample("batchgate_upload_bytes_total", {}, static_cast<int64_t>(upload_bytes_));
    p.Family("batchgate_tls_handshake_failures_total", "counter",
             "TLS handshakes that failed (protocol too old, bad client hello, timeout).");
    p.Sample("batchgate_tls_handshake_failures_total", {}, static_cast<int64_t>(tls_failures_));
  }

  const engine::ExecutorStats& e = s.executor;
  struct Counter {
    const char* name;
    const char* help;
    int64_t value;
  };
  const Counter counters[] = {
      {"batchgate_operations_executed_total", "Operations executed (results written).",
       e.operations},
      {"batchgate_operations_transient_failures_total",
       "Operation attempts that failed transiently (RateExceededError, TRANSIENT_ERROR).",
       e.transient_failures},
      {"batchgate_operations_retried_total", "Operation attempts made again after a backoff.",
       e.retries},
      {"batchgate_operations_retries_exhausted_total",
       "Operations whose result kept a transient error after the last retry.", e.retries_exhausted},
      {"batchgate_executor_batches_total", "Executor batches committed.", e.batches},
      {"batchgate_jobs_finished_total", "Jobs that reached DONE or CANCELED.", e.jobs_finished},
  };
  for (const Counter& c : counters) {
    p.Family(c.name, "counter", c.help);
    p.Sample(c.name, {}, c.value);
  }

  p.Family("batchgate_jobs", "gauge", "Jobs in the store, by status.");
  for (const auto& [status, n] : s.store.jobs_by_status) {
    p.Sample("batchgate_jobs", {{"status", model::JobStatusName(status)}}, n);
  }
  p.Family("batchgate_stored_operations", "gauge",
           "Operations of the jobs in the store, by outcome (failed: executed with an error).");
  p.Sample("batchgate_stored_operations", {{"outcome", "succeeded"}}, s.store.operations_succeeded);
  p.Sample("batchgate_stored_operations", {{"outcome", "failed"}}, s.store.operations_failed);
  p.Family("batchgate_upload_sessions_open", "gauge",
           "Resumable upload sessions started and not yet complete or expired.");
  p.Sample("batchgate_upload_sessions_open", {}, s.store.upload_sessions_open);
  p.Family("batchgate_store_bytes", "gauge", "Bytes on disk in the data directory, by part.");
  p.Sample("batchgate_store_bytes", {{"part", "database"}}, s.store.database_bytes);
  p.Sample("batchgate_store_bytes", {{"part", "uploads"}}, s.store.upload_bytes);
  p.Sample("batchgate_store_bytes", {{"part", "results"}}, s.store.results_bytes);
  p.Family("batchgate_store_up", "gauge", "1 when the store answered this scrape.");
  p.Sample("batchgate_store_up", {}, static_cast<int64_t>(s.store_ok ? 1 : 0));
  p.Family("batchgate_ready", "gauge", "1 when /readyz answers 200.");
  p.Sample("batchgate_ready", {}, static_cast<int64_t>(s.ready ? 1 : 0));
  p.Family("batchgate_start_time_seconds", "gauge", "Unix time the process started serving.");
  p.Sample("batchgate_start_time_seconds", {}, s.start_time_seconds);
  return p.text();
}

}  // namespace bg::app
