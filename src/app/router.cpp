#include "app/router.hpp"

#include <algorithm>

namespace bg::app {

void PrefixRouter::AddExact(std::string path, Handler handler) {
  exact_.push_back({std::move(path), std::move(handler)});
}

void PrefixRouter::AddPrefix(std::string prefix, Handler handler) {
  prefixes_.push_back({std::move(prefix), std::move(handler)});
  std::stable_sort(prefixes_.begin(), prefixes_.end(),
                   [](const Entry& a, const Entry& b) { return a.path.size() > b.path.size(); });
}

std::unique_ptr<http::Exchange> PrefixRouter::Route(const http::RequestHead& head) {
  const std::string_view path = head.path();
  for (const Entry& e : exact_) {
    if (path == e.path) return e.handler(head);
  }
  for (const Entry& e : prefixes_) {
    if (path.substr(0, e.path.size()) == e.path) return e.handler(head);
  }
  return nullptr;
}

std::unique_ptr<http::Exchange> HealthzExchange(const http::RequestHead& head) {
  return http::MakeBuffered(head, 0, [](const http::RequestHead& h, const std::string&) {
    if (h.method != "GET" && h.method != "HEAD") {
      return http::Response::Text(405, "text/plain", "method not allowed\n")
          .Set("Allow", "GET, HEAD");
    }
    http::Response r = http::Response::Text(200, "text/plain", "ok\n");
    r.head_only = h.method == "HEAD";
    return r;
  });
}

}  // namespace bg::app
