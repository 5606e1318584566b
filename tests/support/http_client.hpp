// A small synchronous HTTP/1.1 client for tests (Boost.Beast). Every network step has a
// deadline, so a test can fail but never hang.
//
// Fetch() is one request on a fresh connection. HttpConnection keeps one connection open for
// keep-alive, pipelining-free sequences and for raw-bytes tests (interim 100 Continue,
// malformed heads). Not thread-safe: one object per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bg::testing {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;  // 0: no response (see error)
  std::string reason;
  HeaderList headers;  // in wire order
  std::string body;
  std::string error;  // transport failure, empty on success

  // First header of that name (case-insensitive), or "" when absent.
  std::string Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

struct ParsedUrl {
  std::string host;
  std::string port = "80";
  std::string target = "/";  // path plus query
  bool tls = false;          // https:// (default port 443)
};
// Parses http[s]://host[:port][/path][?query]. nullopt for anything else.
std::optional<ParsedUrl> ParseHttpUrl(std::string_view url);

constexpr std::chrono::seconds kDefaultHttpTimeout{30};

// One request on a new connection. Adds Host and (for non-empty bodies, POST and PUT)
// Content-Length unless given in `headers`. https:// URLs go through support/tls_client.hpp with
// its process-wide TlsClientOptions.
HttpResponse Fetch(const std::string& method, const std::string& url,
                   const HeaderList& headers = {}, const std::string& body = "",
                   std::chrono::milliseconds timeout = kDefaultHttpTimeout);

class HttpConnection {
 public:
  // nullptr (with *error set) when the connection fails.
  static std::unique_ptr<HttpConnection> Connect(
      const std::string& host, const std::string& port, std::string* error = nullptr,
      std::chrono::milliseconds timeout = kDefaultHttpTimeout);
  ~HttpConnection();

  // Sends a complete request (Host/Content-Length added as in Fetch) and reads the final
  // response; interim 1xx responses are skipped.
  HttpResponse Request(const std::string& method, const std::string& target,
                       const HeaderList& headers = {}, const std::string& body = "");
  // Raw access: write bytes as they are; read exactly one response (1xx included). Set
  // `head_request` when the response answers a HEAD (no body follows).
  bool WriteRaw(std::string_view bytes);
  HttpResponse ReadResponse(bool head_request = false);
  // True when the server closed the connection (EOF or reset) within the timeout.
  bool WaitForClose();

  const std::string& host() const { return host_; }

 private:
  struct State;
  HttpConnection(std::unique_ptr<State> state, std::string host, std::chrono::milliseconds timeout);
  std::unique_ptr<State> state_;
  std::string host_;
  std::chrono::milliseconds timeout_;
};

}  // namespace bg::testing
