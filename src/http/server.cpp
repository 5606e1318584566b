// Server::Impl: binds the listener, runs one io_context per thread (`threads` of them; the
// acceptor lives on the first), and shuts down gracefully (stop accepting, close idle
// connections, let in-flight exchanges finish).
#include "http/server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
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
  std::vector<std::unique_ptr<asio::io_context>> iocs;  // one per thread
  // Keep every io_context's run() going while it has no connection yet.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
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
  d.acceptor.reset();  // before the io_context it uses (a Start() after a Stop())
  d.iocs.clear();
  for (int i = 0; i < o.threads; ++i) d.iocs.push_back(std::make_unique<asio::io_context>(1));
  asio::io_context& first = *d.iocs.front();
  boost::system::error_code ec;
  tcp::resolver resolver(first);
  auto results = resolver.resolve(o.host, std::to_string(o.port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return InvalidArgument("cannot resolve listen host '" + o.host + "': " + ec.message());
  }
  tcp::endpoint endpoint = results.begin()->endpoint();
  d.acceptor.emplace(first);
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
  std::vector<asio::any_io_executor> executors;
  for (auto& ioc : d.iocs) executors.push_back(ioc->get_executor());
  asio::co_spawn(first, internal::AcceptLoop(*d.acceptor, &d.shared, std::move(executors)),
                 [](std::exception_ptr) {});
  d.running = true;
  d.work.clear();
  for (auto& ioc : d.iocs) {
    d.work.push_back(asio::make_work_guard(*ioc));
    d.threads.emplace_back([ctx = ioc.get()] { ctx->run(); });
  }
  return Status::Ok();
}

uint16_t Server::port() const { return impl_->port; }

void Server::Stop() {
  Impl& d = *impl_;
  if (!d.running) return;
  d.running = false;
  d.shared.stopping.store(true);
  asio::post(*d.iocs.front(), [&d] {
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
  d.work.clear();
  for (auto& ioc : d.iocs) ioc->stop();
  for (auto& t : d.threads) t.join();
  d.threads.clear();
}

}  // namespace bg::http
