// Server::Impl: binds the listener, runs the io_context on `threads` threads, and shuts down
// gracefully (stop accepting, close idle connections, let in-flight exchanges finish).
#include "http/server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "http/session.hpp"

namespace bg::http {

using internal::asio::ip::tcp;
namespace asio = internal::asio;

class Server::Impl {
 public:
  // Declared first: sessions destroyed with the io_context still unregister here.
  internal::ServerShared shared;
  asio::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  uint16_t port = 0;
  bool running = false;
};

Server::Server(ServerOptions options, Router* router) : impl_(std::make_unique<Impl>()) {
  impl_->shared.options = std::move(options);
  impl_->shared.router = router;
}

Server::~Server() {
  Stop();
  // Any coroutine still suspended (past the grace period) is destroyed with the io_context.
}

Status Server::Start() {
  Impl& d = *impl_;
  if (d.running) return FailedPrecondition("server already started");
  const ServerOptions& o = d.shared.options;
  if (o.threads < 1) return InvalidArgument("http threads must be >= 1");
  if (o.tls.enabled) {
    BG_ASSIGN_OR_RETURN(d.shared.tls, internal::MakeTlsContext(o.tls));
  }
  boost::system::error_code ec;
  tcp::resolver resolver(d.ioc);
  auto results = resolver.resolve(o.host, std::to_string(o.port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return InvalidArgument("cannot resolve listen host '" + o.host + "': " + ec.message());
  }
  tcp::endpoint endpoint = results.begin()->endpoint();
  d.acceptor.emplace(d.ioc);
  if (d.acceptor->open(endpoint.protocol(), ec); ec) return Internal("open: " + ec.message());
  if (d.acceptor->set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return Internal("setsockopt: " + ec.message());
  }
  if (d.acceptor->bind(endpoint, ec); ec) {
    return Status(StatusCode::kUnavailable,
                  "cannot bind " + o.host + ":" + std::to_string(o.port) + ": " + ec.message());
  }
  if (d.acceptor->listen(asio::socket_base::max_listen_connections, ec); ec) {
    return Internal("listen: " + ec.message());
  }
  d.port = d.acceptor->local_endpoint().port();
  asio::co_spawn(d.ioc, internal::AcceptLoop(*d.acceptor, &d.shared), [](std::exception_ptr) {});
  d.running = true;
  for (int i = 0; i < o.threads; ++i) {
    d.threads.emplace_back([&d] { d.ioc.run(); });
  }
  return Status::Ok();
}

uint16_t Server::port() const { return impl_->port; }

void Server::Stop() {
  Impl& d = *impl_;
  if (!d.running) return;
  d.running = false;
  d.shared.stopping.store(true);
  asio::post(d.ioc, [&d] {
    boost::system::error_code ec;
    d.acceptor->close(ec);
  });
  std::vector<std::shared_ptr<internal::SessionBase>> live;
  {
    std::lock_guard<std::mutex> lock(d.shared.mu);
    for (auto& [id, weak] : d.shared.sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->Shutdown();
  live.clear();  // outside the lock: this may run a session's destructor
  {
    std::unique_lock<std::mutex> lock(d.shared.mu);
    d.shared.cv.wait_for(lock, std::chrono::seconds(d.shared.options.shutdown_grace_seconds),
                         [&d] { return d.shared.sessions.empty(); });
  }
  d.ioc.stop();
  for (auto& t : d.threads) t.join();
  d.threads.clear();
}

}  // namespace bg::http
