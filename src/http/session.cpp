// One connection: [TLS handshake,] read a request head (bounded), ask the Router for an Exchange,
// stream the body into it piece by piece, write its Response, and loop while the connection is
// kept alive.
#include "http/session.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <exception>
#include <limits>
#include <type_traits>
#include <vector>

#include "common/signed_url.hpp"

namespace bg::http::internal {
namespace {

namespace bhttp = beast::http;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr size_t kBodyPiece = 128 * 1024;
// After an early response with body bytes still in flight, read and discard for a while before
// closing, so that the client sees the response instead of a connection reset.
constexpr size_t kDrainLimit = 4 << 20;
constexpr auto kDrainTime = std::chrono::seconds(2);
// A TLS close_notify exchange may take this long before the socket is closed regardless.
constexpr auto kTlsShutdownTime = std::chrono::seconds(1);

template <typename Stream>
constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

// The stream-specific steps, as overloads.
template <typename Stream>
Stream MakeStream(tcp::socket socket, ServerShared* shared) {
  if constexpr (kIsTls<Stream>) {
    return Stream(std::move(socket), *shared->tls);
  } else {
    return Stream(std::move(socket));
  }
}

asio::awaitable<beast::error_code> ServerHandshake(beast::tcp_stream&) {
  co_return beast::error_code{};
}

asio::awaitable<beast::error_code> ServerHandshake(TlsStream& stream) {
  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kAwait);
  co_return ec;
}

using RequestParser = bhttp::request_parser<bhttp::buffer_body>;

// What beast::http::async_read_some does (feed the buffered bytes to the parser, read more while
// it needs more), with the stream's own async_read_some as the only stream-typed operation:
// Beast's composed reads over the TLS stream made this file one of the slowest of the build.
template <typename Stream>
asio::awaitable<beast::error_code> ReadSome(Stream& stream, beast::flat_buffer& buffer,
                                            RequestParser& parser) {
  bool need_read = buffer.size() == 0;
  for (;;) {
    if (!need_read) {
      beast::error_code ec;
      const size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec != bhttp::error::need_more) co_return ec;
    }
    need_read = false;
    const size_t room = buffer.capacity() - buffer.size();
    const size_t size = std::min<size_t>(
        std::max<size_t>(room, 512), std::min<size_t>(65536, buffer.max_size() - buffer.size()));
    if (size == 0) co_return beast::error_code(bhttp::error::buffer_overflow);
    auto [rec, n] = co_await stream.async_read_some(buffer.prepare(size), kAwait);
    if (rec == asio::error::eof) {
      beast::error_code ec = bhttp::error::end_of_stream;
      if (parser.got_some()) parser.put_eof(ec);  // ec: cleared when the message is complete
      co_return ec;
    }
    if (rec) co_return rec;
    buffer.commit(n);
  }
}

// beast::http::async_read_header, the same way.
template <typename Stream>
asio::awaitable<beast::error_code> ReadHeader(Stream& stream, beast::flat_buffer& buffer,
                                              RequestParser& parser) {
  while (!parser.is_header_done()) {
    const beast::error_code ec = co_await ReadSome(stream, buffer, parser);
    if (ec) co_return ec;
  }
  co_return beast::error_code{};
}

// Plain TCP: half-close, so that the client sees the end of the response at once.
asio::awaitable<void> CloseSend(beast::tcp_stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  co_return;
}

// TLS: close_notify (the peer's answer is not waited for beyond kTlsShutdownTime).
asio::awaitable<void> CloseSend(TlsStream& stream) {
  beast::get_lowest_layer(stream).expires_after(kTlsShutdownTime);
  auto [ec] = co_await stream.async_shutdown(kAwait);
  (void)ec;
}

bool IsParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

Response InternalError() { return Response::Text(500, "text/plain", "internal error\n"); }

// The first read of a request (its head, usually all of it).
constexpr size_t kFirstRead = 4096;
constexpr size_t kBodyRead = 64 * 1024;  // the read buffer's room while a large body arrives

// Deadlines for reading a request body: never more than the idle timeout of silence, and (when a
// minimum rate is set) `received` bytes must have arrived by start + read_timeout + received /
// rate, the way Apache's mod_reqtimeout extends its body timeout by 1 s per MinRate bytes.
class BodyClock {
 public:
  explicit BodyClock(const ServerOptions& o)
      : start_(std::chrono::steady_clock::now()),
        idle_(std::chrono::seconds(o.idle_timeout_seconds)),
        grace_(std::chrono::seconds(o.read_timeout_seconds)),
        rate_(o.min_body_rate_bytes_per_second) {}

  std::chrono::steady_clock::time_point Deadline(uint64_t received) const {
    auto deadline = std::chrono::steady_clock::now() + idle_;
    if (rate_ > 0) {
      const auto earned = std::chrono::milliseconds(
          static_cast<int64_t>(std::min<uint64_t>(received / rate_, 1ULL << 40) * 1000 +
                               received % rate_ * 1000 / rate_));
      deadline = std::min(deadline, start_ + grace_ + earned);
    }
    return deadline;
  }

 private:
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::duration idle_;
  std::chrono::steady_clock::duration grace_;
  uint64_t rate_;
};

}  // namespace

template <typename Stream>
void Session<Stream>::Launch(tcp::socket socket, ServerShared* shared) {
  std::shared_ptr<Session> self(new Session(std::move(socket), shared));
  {
    std::lock_guard<std::mutex> lock(shared->mu);
    self->id_ = shared->next_id++;
    shared->sessions[self->id_] = self;
  }
  auto executor = self->stream_.get_executor();
  asio::co_spawn(executor, Main(std::move(self)), [](std::exception_ptr) {});
}

// The coroutine that owns the session: `self` lives in its frame.
template <typename Stream>
asio::awaitable<void> Session<Stream>::Main(std::shared_ptr<Session> self) {
  co_await self->Run();
}

template <typename Stream>
Session<Stream>::Session(tcp::socket socket, ServerShared* shared)
    : stream_(MakeStream<Stream>(std::move(socket), shared)), shared_(shared) {
  beast::error_code ec;
  auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
  if (!ec) remote_ = ep.address().to_string();
}

template <typename Stream>
Session<Stream>::~Session() {
  std::lock_guard<std::mutex> lock(shared_->mu);
  shared_->sessions.erase(id_);
  shared_->cv.notify_all();
}

template <typename Stream>
void Session<Stream>::Shutdown() {
  asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
    if (self->idle_) beast::get_lowest_layer(self->stream_).cancel();
  });
}

template <typename Stream>
asio::awaitable<bool> Session<Stream>::Handshake() {
  // The whole handshake within the read timeout, like a request head (slowloris).
  beast::get_lowest_layer(stream_).expires_after(
      std::chrono::seconds(shared_->options.read_timeout_seconds));
  const beast::error_code ec = co_await ServerHandshake(stream_);
  if (!ec) co_return true;
  if (shared_->options.tls_error_log && !shared_->stopping.load()) {
    try {
      shared_->options.tls_error_log(remote_, ec.message());
    } catch (const std::exception&) {
    }
  }
  co_return false;
}

template <typename Stream>
asio::awaitable<void> Session<Stream>::Close() {
  auto& tcp_layer = beast::get_lowest_layer(stream_);
  // Plain TCP half-closes before draining; TLS drains first and sends close_notify after.
  if (!kIsTls<Stream>) co_await CloseSend(stream_);
  if (unread_body_) {
    // Lingering close: discard what the client is still sending, bounded in time and bytes.
    std::vector<char> sink(64 * 1024);
    size_t drained = 0;
    tcp_layer.expires_after(kDrainTime);
    while (drained < kDrainLimit) {
      auto [rec, n] = co_await stream_.async_read_some(asio::buffer(sink), kAwait);
      if (rec) break;
      drained += n;
    }
  }
  if (kIsTls<Stream>) co_await CloseSend(stream_);
  tcp_layer.close();
}

template <typename Stream>
asio::awaitable<void> Session<Stream>::Run() {
  // GCC 12 miscompiles `co_await` inside the condition of an `if` in a class template's
  // coroutine (`this` is lost): results go through local variables here.
  const bool handshaken = co_await Handshake();
  if (handshaken) {
    while (!shared_->stopping.load()) {
      const bool keep = co_await ServeOne();
      if (!keep) break;
    }
    co_await Close();
  } else {
    beast::get_lowest_layer(stream_).close();
  }
}

template <typename Stream>
asio::awaitable<bool> Session<Stream>::SendSimple(int status, std::string body, unsigned version) {
  Response r = Response::Text(status, "text/plain", std::move(body));
  WriteOutcome out =
      co_await WriteResponse(stream_, r, version, /*keep_alive=*/false,
                             /*head_request=*/false, shared_->options.idle_timeout_seconds);
  (void)out;
  co_return false;
}

template <typename Stream>
asio::awaitable<bool> Session<Stream>::ServeOne() {
  const auto timeout = std::chrono::seconds(shared_->options.idle_timeout_seconds);
  auto& tcp_layer = beast::get_lowest_layer(stream_);
  idle_ = true;
  RequestParser parser;
  parser.header_limit(static_cast<std::uint32_t>(std::min<uint64_t>(
      shared_->options.header_limit, std::numeric_limits<std::uint32_t>::max())));
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // Exchanges enforce their own
  if (buffer_.size() == 0) {
    // Between requests the client may stay silent for the idle timeout...
    tcp_layer.expires_after(timeout);
    auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kFirstRead), kAwait);
    if (ec) co_return false;  // closed, timed out or canceled
    buffer_.commit(n);
  }
  const auto started = std::chrono::steady_clock::now();
  // ...but once its first byte is here, the whole head must follow within the read timeout,
  // however slowly it trickles in (slowloris).
  tcp_layer.expires_after(std::chrono::seconds(shared_->options.read_timeout_seconds));
  {
    const beast::error_code ec = co_await ReadHeader(stream_, buffer_, parser);
    idle_ = false;
    if (ec == bhttp::error::header_limit) {
      co_return co_await SendSimple(431, "request header fields too large\n", 11);
    }
    if (ec && IsParseError(ec)) co_return co_await SendSimple(400, "bad request\n", 11);
    if (ec) co_return false;  // closed, timed out or canceled
  }

  auto& req = parser.get();
  RequestHead head;
  head.method = std::string(req.method_string());
  head.target = std::string(req.target());
  for (const auto& field : req) {
    head.headers.push_back(Header{std::string(field.name_string()), std::string(field.value())});
  }
  if (auto cl = parser.content_length()) head.content_length = *cl;
  head.remote_address = remote_;
  head.secure = kIsTls<Stream>;
  head.request_id = UniqueHex(16);  // unique, not secret: a per-thread generator
  const unsigned version = req.version();
  const bool head_request = req.method() == bhttp::verb::head;
  bool keep_alive = req.keep_alive();

  std::unique_ptr<Exchange> exchange;
  std::optional<Response> response;
  uint64_t received = 0;
  try {
    exchange = shared_->router->Route(head);
  } catch (const std::exception&) {
    response = InternalError();
  }
  if (!response && !exchange) response = Response::Text(404, "text/plain", "not found\n");

  if (!response && !parser.is_done()) {
    auto expect = req[bhttp::field::expect];
    if (version >= 11 && beast::iequals(expect, "100-continue")) {
      Response cont;
      cont.status = 100;
      const WriteOutcome sent =
          co_await WriteResponse(stream_, cont, version, /*keep_alive=*/true,
                                 /*head_request=*/false, shared_->options.idle_timeout_seconds);
      if (!sent.ok) co_return false;
    }
    // The session's body buffer, reused by every request (uninitialized: zeroing 128 KiB per
    // request was most of a small request's cost); small bodies get a small one.
    const size_t want =
        std::clamp<uint64_t>(head.content_length.value_or(kBodyPiece), 1024, kBodyPiece);
    if (piece_size_ < want) {
      piece_.reset(new char[want]);
      piece_size_ = want;
    }
    std::string_view piece(piece_.get(), piece_size_);
    // Beast reads as much as the read buffer has room for: a 4 KiB buffer (the first read's)
    // meant ~65 recv calls per 256 KiB upload chunk. Room for 64 KiB reads for large bodies.
    if (want > kFirstRead && buffer_.capacity() < kBodyRead) buffer_.reserve(kBodyRead);
    BodyClock clock(shared_->options);
    while (!parser.is_done()) {
      req.body().data = piece_.get();
      req.body().size = piece.size();
      // Fill the piece read by read, each read under a deadline that keeps the minimum rate.
      beast::error_code ec;
      while (!parser.is_done() && req.body().size > 0) {
        tcp_layer.expires_at(clock.Deadline(received + (piece.size() - req.body().size)));
        ec = co_await ReadSome(stream_, buffer_, parser);
        if (ec == bhttp::error::need_buffer) ec = {};
        if (ec) break;
      }
      const size_t got = piece.size() - req.body().size;
      received += got;
      if (got > 0) {
        try {
          response = exchange->OnBody(std::string_view(piece.data(), got));
        } catch (const std::exception&) {
          response = InternalError();
        }
        if (response) break;
      }
      if (ec && IsParseError(ec)) co_return co_await SendSimple(400, "bad request body\n", version);
      if (ec) co_return false;
    }
  }
  if (!response) {
    try {
      response = exchange->Finish();
    } catch (const std::exception&) {
      response = InternalError();
    }
  }

  if (!parser.is_done()) {
    keep_alive = false;
    unread_body_ = true;
  }
  for (const Header& h : response->headers) {
    if (HeaderNameEquals(h.name, "Connection") && beast::iequals(h.value, "close")) {
      keep_alive = false;
    }
  }
  if (shared_->stopping.load()) keep_alive = false;

  const int status = response->status;
  WriteOutcome out = co_await WriteResponse(stream_, *response, version, keep_alive, head_request,
                                            shared_->options.idle_timeout_seconds);
  if (shared_->options.access_log) {
    try {
      shared_->options.access_log(AccessRecord{
          head, status, received, out.body_bytes,
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                started)});
    } catch (const std::exception&) {
    }
  }
  co_return out.ok&& keep_alive;
}

template class Session<beast::tcp_stream>;
template class Session<TlsStream>;

}  // namespace bg::http::internal
