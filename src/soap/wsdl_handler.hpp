// WsdlHandler: serves `GET|HEAD /api/adwords/cm/{version}/{Service}?wsdl` (DESIGN.md ②) — the
// WSDLs the client libraries fetch before they call a service (the Python upload builder fetches
// those of the operation-owning services; PHP fetches BatchJobService's).
//
// The text comes from schema::GenerateWsdl (the Registry of the version), with soap:address at
// the base URL the caller passes (the configured public base URL, else scheme + Host of the
// request), so a client posts back to the gateway it fetched the WSDL from. Generated texts are
// cached per (version, service, base URL); the cache is bounded because the Host header is
// client-controlled.
//
// Thread-safe: Serve() may be called concurrently (the cache is guarded by a mutex).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace bg::soap {

class WsdlHandler {
 public:
  static constexpr size_t kMaxCacheEntries = 256;

  // True for a GET or HEAD request that carries the `wsdl` query parameter.
  static bool IsWsdlRequest(const http::RequestHead& head);

  // 200 text/xml with the WSDL (HEAD: headers only), 404 for an unknown version or service.
  http::Response Serve(const http::RequestHead& head, std::string_view base_url);

  size_t cached_for_test() const;

 private:
  std::shared_ptr<const std::string> Lookup(const std::string& version, const std::string& service,
                                            std::string_view base);

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const std::string>, std::less<>> cache_;
};

}  // namespace bg::soap
