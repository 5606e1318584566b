// The accept loop: connections dealt out to the I/O threads' io_contexts in turn, a cap on live
// connections (over the cap a client gets a short 503 and the connection is closed; on a TLS
// listener it is closed without a word, since plain bytes are no use to a TLS client), plain or
// TLS sessions.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>

#include "http/session.hpp"

namespace bg::http::internal {
namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

asio::awaitable<void> Reject(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  stream.expires_after(std::chrono::seconds(2));
  static constexpr char kBusy[] =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n"
      "Connection: close\r\n\r\nserver busy\r\n";
  co_await asio::async_write(stream, asio::buffer(kBusy, sizeof(kBusy) - 1), kAwait);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream.close();
}

}  // namespace

asio::awaitable<void> AcceptLoop(tcp::acceptor& acceptor, ServerShared* shared,
                                 std::vector<asio::any_io_executor> executors) {
  size_t next = 0;
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(executors[next], kAwait);
    next = (next + 1) % executors.size();
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      // Out of descriptors or similar: back off instead of spinning.
      asio::steady_timer timer(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await timer.async_wait(kAwait);
      continue;
    }
    if (shared->stopping.load()) co_return;
    tcp::socket conn(std::move(socket));
    // Responses go out as soon as they are written (one send each); no Nagle delay on keep-alive.
    beast::error_code nodelay_ec;
    conn.set_option(tcp::no_delay(true), nodelay_ec);
    if (shared->live_count() >= shared->options.max_connections) {
      if (shared->tls) {
        beast::error_code ignored;
        conn.close(ignored);
        continue;
      }
      auto ex = conn.get_executor();
      asio::co_spawn(ex, Reject(std::move(conn)), [](std::exception_ptr) {});
      continue;
    }
    if (shared->tls) {
      Session<TlsStream>::Launch(std::move(conn), shared);
    } else {
      Session<beast::tcp_stream>::Launch(std::move(conn), shared);
    }
  }
}

}  // namespace bg::http::internal
