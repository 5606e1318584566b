#include "app/observability.hpp"

namespace bg::app {
namespace {

// GET/HEAD only: 405 for the rest, else the response `make` builds.
template <typename Make>
std::unique_ptr<http::Exchange> ReadOnly(const http::RequestHead& head, Make make) {
  if (head.method != "GET" && head.method != "HEAD") {
    return http::MakeImmediate(
        http::Response::Text(405, "text/plain", "method not allowed\n").Set("Allow", "GET, HEAD"));
  }
  http::Response r = make();
  r.head_only = head.method == "HEAD";
  r.Set("Cache-Control", "no-store");
  return http::MakeImmediate(std::move(r));
}

}  // namespace

std::string_view RouteLabel(const http::RequestHead& head) {
  const std::string_view path = head.path();
  if (path == "/healthz") return "healthz";
  if (path == "/readyz") return "readyz";
  if (path == "/metrics") return "metrics";
  if (path.starts_with("/api/adwords/")) return head.QueryParam("wsdl") ? "wsdl" : "soap";
  if (path.starts_with("/batchjob/upload/")) return "upload";
  if (path.starts_with("/batchjob/results/")) return "download";
  return "other";
}

std::string_view MethodLabel(std::string_view method) {
  for (std::string_view m : {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
    if (method == m) return m;
  }
  return "other";
}

std::unique_ptr<http::Exchange> ReadyzExchange(const http::RequestHead& head,
                                               const std::function<Status()>& check) {
  return ReadOnly(head, [&check] {
    Status s = check();
    if (s.ok()) return http::Response::Text(200, "text/plain", "ready\n");
    return http::Response::Text(503, "text/plain", "not ready: " + s.message() + "\n");
  });
}

std::unique_ptr<http::Exchange> MetricsExchange(const http::RequestHead& head,
                                                const std::function<std::string()>& render) {
  return ReadOnly(head, [&render] {
    return http::Response::Text(200, "text/plain; version=0.0.4; charset=utf-8", render());
  });
}

}  // namespace bg::app
