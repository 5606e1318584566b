// Internal to http/: the pieces Server is made of (not part of the module's interface).
//
//   listener.cpp        accept loop; enforces max_connections; plain or TLS sessions
//   session.cpp         one connection: [TLS handshake] read head -> Router -> stream body ->
//                       write response, loop
//   response_writer.cpp writes a Response (string or file body, HEAD) with Content-Length
//   tls.cpp             the server's OpenSSL context (certificate, key, protocol floor)
//   server.cpp          Server::Impl: one io_context per thread, Start/Stop
//
// Each connection runs as one coroutine on the io_context of one thread (connections are dealt
// out round-robin at accept), so no strand is needed: a session's handlers never run
// concurrently. Session and WriteResponse are templates over the stream (beast::tcp_stream, or
// TlsStream over it), instantiated for both in their .cpp files. ServerShared is owned by
// Server::Impl and outlives every session; its members
// are thread-safe as documented below.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "common/status.hpp"
#include "http/message.hpp"
#include "http/server.hpp"

namespace bg::http::internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// What Server::Stop needs of a live session, whatever its stream.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Asks the session to finish: an idle connection closes at once, a busy one after its
  // current response. Safe to call from any thread.
  virtual void Shutdown() = 0;
};

// State shared by the listener, the sessions and Server::Impl.
struct ServerShared {
  ServerOptions options;
  Router* router = nullptr;
  std::shared_ptr<asio::ssl::context> tls;  // set when options.tls.enabled (immutable)

  std::atomic<bool> stopping{false};

  // Live sessions (guarded by mu); cv is notified whenever one ends.
  std::mutex mu;
  std::condition_variable cv;
  uint64_t next_id = 0;
  std::unordered_map<uint64_t, std::weak_ptr<SessionBase>> sessions;

  int live_count() {
    std::lock_guard<std::mutex> lock(mu);
    return static_cast<int>(sessions.size());
  }
};

// The OpenSSL context of a TLS server: certificate chain, key, TLS >= min_version.
Result<std::shared_ptr<asio::ssl::context>> MakeTlsContext(const TlsOptions& options);

template <typename Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  // Registers the session and starts its coroutine on the socket's (single-threaded) executor.
  static void Launch(tcp::socket socket, ServerShared* shared);
  ~Session() override;
  void Shutdown() override;

 private:
  Session(tcp::socket socket, ServerShared* shared);
  static asio::awaitable<void> Main(std::shared_ptr<Session> self);
  asio::awaitable<void> Run();
  asio::awaitable<bool> Handshake();  // TLS only; true when the connection may proceed
  asio::awaitable<void> Close();
  // One request/response exchange; returns false when the connection must close.
  asio::awaitable<bool> ServeOne();
  asio::awaitable<bool> SendSimple(int status, std::string body, unsigned version);

  Stream stream_;
  beast::flat_buffer buffer_;
  std::unique_ptr<char[]> piece_;  // request body pieces (see ServeOne)
  size_t piece_size_ = 0;
  ServerShared* shared_;
  uint64_t id_ = 0;
  std::string remote_;
  bool unread_body_ = false;  // the last request's body was not read to its end
  bool idle_ = true;  // waiting for the next request head (only touched on the session's thread)
};

// Writes `response` to `stream`. Content-Length is computed here (the full length even when no
// body is sent: HEAD). Returns the number of body bytes sent, or an error when the connection
// is no longer usable. `keep_alive` decides the Connection header.
struct WriteOutcome {
  bool ok = false;
  uint64_t body_bytes = 0;
};
template <typename Stream>
asio::awaitable<WriteOutcome> WriteResponse(Stream& stream, Response& response, unsigned version,
                                            bool keep_alive, bool head_request,
                                            int timeout_seconds);

// Accepts connections until the acceptor is closed.
// Accepts connections and deals them out to `executors` in turn (one per I/O thread).
asio::awaitable<void> AcceptLoop(tcp::acceptor& acceptor, ServerShared* shared,
                                 std::vector<asio::any_io_executor> executors);

}  // namespace bg::http::internal
