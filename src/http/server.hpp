// Server: the HTTP/1.1 transport (Boost.Beast over Asio), loopback or any address.
//
// Accepts connections, reads request heads within `header_limit`, asks the Router for an
// Exchange, streams the body into it, writes the Response (string or file body, HEAD and
// keep-alive handled), enforces idle/read timeouts (a whole head within read_timeout_seconds,
// bodies at min_body_rate_bytes_per_second: a slowloris client is cut off) and a connection cap,
// answers `Expect: 100-continue`. Knows nothing about AdWords.
//
// Threading: Start() runs the io_context on `threads` threads; handlers run on those threads and
// may block briefly (fsync, SQLite). Stop() closes the listener and waits for in-flight exchanges.
// Start/Stop must be called from one controlling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.hpp"
#include "http/message.hpp"

namespace bg::http {

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
  // Called after each response (any thread): for access logs. Optional.
  std::function<void(const RequestHead& head, int status, uint64_t body_bytes)> access_log;
};

class Server {
 public:
  Server(ServerOptions options, Router* router);  // router is not owned; must outlive the server
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts serving in background threads.
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
