// HttpClient: the client side of HTTP/1.1 for `batchgate replay|submit` (Boost.Beast over Asio,
// OpenSSL for https:// URLs) — SOAP calls, resumable-upload requests and streamed downloads.
//
// Why not the server's http/ module: that one is a server only. This is a small blocking client:
// one keep-alive connection at a time (reused while scheme, host and port stay the same, reopened
// after the server closes it), every network step bounded by `timeout`, `Expect`-free requests,
// interim 1xx responses skipped. Download() streams a response body to a file in fixed-size
// pieces, so a results file of any size never sits in memory.
//
// https: the server certificate is verified against `ca_file` (PEM) when set, else against the
// system's trust store, and its name against the URL's host.
//
// Owns its connection. Not thread-safe: one HttpClient per thread (each replayed job has its own).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.hpp"

namespace bg::client {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Url {
  bool tls = false;          // https
  std::string host;          // without brackets for IPv6
  std::string port;          // "80" / "443" when the URL has none
  std::string target = "/";  // path plus query
};
// Parses http(s)://host[:port][/path][?query]; InvalidArgument for anything else.
Result<Url> ParseUrl(std::string_view url);

struct HttpResponse {
  int status = 0;
  HeaderList headers;  // in wire order
  std::string body;    // Download(): only for a status other than 200/206 (its first 64 KiB)

  // The first header of that name (case-insensitive), "" when absent.
  std::string Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

struct HttpClientOptions {
  std::chrono::milliseconds timeout{60000};  // per connect / write / read step
  std::string ca_file;                       // PEM trust anchors for https ("" = system store)
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One request; Host and Content-Length are added. A transport failure is kUnavailable (the
  // caller decides about retrying; a request that failed on a reused connection before any byte
  // of the answer arrived is retried once here on a fresh one).
  Result<HttpResponse> Send(std::string_view method, std::string_view url,
                            const HeaderList& headers, std::string_view body);

  // GET `url`, the body of a 200 written to `path` (truncated first). `progress(done, total)` is
  // called as bytes arrive (total 0 when unknown).
  Result<HttpResponse> Download(std::string_view url, const std::string& path,
                                const std::function<void(uint64_t, uint64_t)>& progress = {});

 private:
  struct Connection;
  Result<Connection*> Connect(const Url& url);
  void Drop();

  HttpClientOptions options_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace bg::client
