// Server: the HTTP/1.1 transport (Boost.Beast over Asio), loopback or any address.
//
// Accepts connections, reads request heads within `header_limit`, asks the Router for an
// Exchange, streams the body into it, writes the Response (string or file body, HEAD and
// keep-alive handled), enforces idle/read timeouts (a whole head within read_timeout_seconds,
// bodies at min_body_rate_bytes_per_second: a slowloris client is cut off) and a connection cap,
// answers `Expect: 100-continue`. With TlsOptions::enabled every connection is HTTPS (TLS 1.2 or
// newer, OpenSSL through Boost.Beast's ssl_stream; the handshake must finish within
// read_timeout_seconds) and RequestHead::secure is set. Every request gets a random request id
// (RequestHead::request_id) that the access log carries. Knows nothing about AdWords.
//
// Threading: Start() runs the io_context on `threads` threads; handlers run on those threads and
// may block briefly (fsync, SQLite). Stop() closes the listener and waits for in-flight exchanges.
// Start/Stop must be called from one controlling thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.hpp"
#include "http/message.hpp"

namespace bg::http {

struct TlsOptions {
  bool enabled = false;
  std::string cert_file;            // PEM: the server certificate, then any intermediates
  std::string key_file;             // PEM private key of that certificate
  std::string min_version = "1.2";  // "1.2" or "1.3"
};

// What the access log hears about one finished exchange.
struct AccessRecord {
  const RequestHead& head;
  int status = 0;
  uint64_t request_body_bytes = 0;        // body bytes received
  uint64_t response_body_bytes = 0;       // body bytes sent
  std::chrono::microseconds duration{0};  // first byte of the request to the response written
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = pick a free port
  int threads = 2;
  uint64_t header_limit = 16 * 1024;  // bytes of request head
  int idle_timeout_seconds = 120;     // silence between requests / while reading a body
  // Slowloris defence. A request head must arrive completely within this many seconds of its
  // first byte; a body must keep the minimum rate below once this grace period has passed (a
  // body of B bytes gets read_timeout_seconds + B / min_body_rate seconds). Either violation
  // closes the connection.
  int read_timeout_seconds = 30;
  uint64_t min_body_rate_bytes_per_second = 1024;  // 0: no rate check (idle timeout only)
  int max_connections = 1024;
  // Stop() waits this long for in-flight exchanges before it closes every connection.
  int shutdown_grace_seconds = 10;
  TlsOptions tls;
  // Called after each response (any thread): access logs and metrics. Optional; must not throw.
  std::function<void(const AccessRecord&)> access_log;
  // Called when a TLS handshake fails (any thread; `what` is OpenSSL's reason). Optional.
  std::function<void(const std::string& remote, const std::string& what)> tls_error_log;
};

class Server {
 public:
  Server(ServerOptions options, Router* router);  // router is not owned; must outlive the server
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts serving in background threads. With TLS, loads the certificate and key
  // first: a missing, unreadable or mismatched file fails here, naming the file.
  Status Start();
  // The bound port (after Start).
  uint16_t port() const;
  // Stops accepting, closes idle connections, joins the threads.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bg::http
