#include "soap/wsdl_handler.hpp"

#include "schema/registry.hpp"
#include "schema/wsdl_writer.hpp"

namespace bg::soap {
namespace {

constexpr std::string_view kCmPrefix = "/api/adwords/cm/";

}  // namespace

bool WsdlHandler::IsWsdlRequest(const http::RequestHead& head) {
  return (head.method == "GET" || head.method == "HEAD") && head.QueryParam("wsdl").has_value();
}

http::Response WsdlHandler::Serve(const http::RequestHead& head, std::string_view base_url) {
  std::string_view path = head.path();
  auto not_found = [] { return http::Response::Text(404, "text/plain", "not found\n"); };
  if (!path.starts_with(kCmPrefix)) return not_found();
  path.remove_prefix(kCmPrefix.size());
  size_t slash = path.find('/');
  if (slash == std::string_view::npos) return not_found();
  std::string version(path.substr(0, slash)), service(path.substr(slash + 1));
  if (service.empty() || service.find('/') != std::string::npos) return not_found();

  std::shared_ptr<const std::string> wsdl = Lookup(version, service, base_url);
  if (!wsdl) return not_found();
  http::Response r = http::Response::Text(200, "text/xml; charset=UTF-8", *wsdl);
  r.head_only = head.method == "HEAD";
  return r;
}

std::shared_ptr<const std::string> WsdlHandler::Lookup(const std::string& version,
                                                       const std::string& service,
                                                       std::string_view base) {
  const schema::Registry* registry = schema::Registry::Get(version);
  if (!registry || !registry->FindService(service)) return nullptr;
  std::string key = version + '\n' + service + '\n' + std::string(base);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  // Generated outside the lock: two threads may both generate the same text; either copy is fine.
  Result<std::string> text = schema::GenerateWsdl(*registry, service, base);
  if (!text.ok()) return nullptr;
  auto shared = std::make_shared<const std::string>(std::move(text).value());
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();  // many Host values: start over
  cache_.emplace(std::move(key), shared);
  return shared;
}

size_t WsdlHandler::cached_for_test() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cache_.size();
}

}  // namespace bg::soap
