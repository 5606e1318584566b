#include "ui/dashboard_service.hpp"

#include "ui/assets.hpp"
#include "ui/json_views.hpp"

namespace bg::ui {
namespace {

constexpr std::string_view kRoot = "/ui";
constexpr std::string_view kApiPrefix = "/ui/api/";
// API requests carry no body (a cancel is a bodiless POST): a little slack, no more.
constexpr uint64_t kMaxBodyBytes = 4096;

constexpr std::string_view kPagePolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

void SetCommonHeaders(http::Response& r) {
  r.Set("X-Content-Type-Options", "nosniff");
  r.Set("X-Frame-Options", "DENY");
  r.Set("Referrer-Policy", "no-referrer");
}

bool ListsETag(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "*" || item == etag) return true;
  }
  return false;
}

http::Response ServeAsset(const http::RequestHead& head, std::string_view name) {
  if (head.method != "GET" && head.method != "HEAD") {
    return http::Response::Text(405, "text/plain", "method not allowed\n")
        .Set("Allow", "GET, HEAD");
  }
  const Asset* asset = FindAsset(name);
  if (asset == nullptr) return http::Response::Text(404, "text/plain", "not found\n");
  http::Response r;
  r.head_only = head.method == "HEAD";
  r.Set("ETag", asset->etag);
  // Revalidated on every load (a 304 is cheap), so a new binary's page is never stale.
  r.Set("Cache-Control", "no-cache");
  if (std::optional<std::string_view> inm = head.Get("If-None-Match");
      inm && ListsETag(*inm, asset->etag)) {
    r.status = 304;
    r.head_only = true;
    return r;
  }
  r.Set("Content-Type", std::string(asset->content_type));
  if (name.ends_with(".html")) r.Set("Content-Security-Policy", std::string(kPagePolicy));
  r.body = std::string(asset->bytes);
  return r;
}

}  // namespace

DashboardService::DashboardService(DashboardOptions options, store::JobStore* store,
                                   engine::Scheduler* scheduler, const UrlSigner* signer)
    : indexer_(store),
      api_(options.access != nullptr ? options.access : &open_, store, scheduler, signer,
           &indexer_, options.index_wait, std::move(options.log)) {}

DashboardService::~DashboardService() { indexer_.Stop(); }

std::unique_ptr<http::Exchange> DashboardService::Route(const http::RequestHead& head) {
  const std::string_view path = head.path();
  if (path != kRoot && !path.starts_with("/ui/")) return nullptr;
  return http::MakeBuffered(
      head, kMaxBodyBytes,
      [this](const http::RequestHead& h, const std::string&) { return Handle(h); });
}

http::Response DashboardService::Handle(const http::RequestHead& head) {
  const std::string_view path = head.path();
  http::Response r;
  if (path.starts_with(kApiPrefix)) {
    r = api_.Handle(head);
  } else if (path == kRoot) {
    r = http::Response::Text(308, "text/plain", "/ui/\n");
    r.Set("Location", "/ui/");
  } else {
    std::string_view name = path.substr(kRoot.size() + 1);
    r = ServeAsset(head, name.empty() ? "index.html" : name);
  }
  SetCommonHeaders(r);
  return r;
}

}  // namespace bg::ui
