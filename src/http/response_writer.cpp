// Writes a Response: string body, or a byte range of a file streamed in pieces (never the whole
// file in memory). Content-Length always comes from here, never from the handler.
//
// The status line and headers are formatted here, not by Beast's serializer, and everything that
// decides what to send is plain (non-template) code over a two-method Sink: the only code that is
// instantiated per stream type is one asio::async_write. (Beast's serializers over the TLS stream
// made this file the slowest of the build: minutes under ASan.)
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "http/session.hpp"

namespace bg::http::internal {
namespace {

namespace bhttp = beast::http;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr size_t kFilePiece = 128 * 1024;

// Closes a POSIX fd on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Where the bytes go: the connection's stream, seen through the two things the writer needs.
class Sink {
 public:
  virtual ~Sink() = default;
  // (Re)starts the send timeout.
  virtual void Arm(int seconds) = 0;
  // Writes `head` then `body` (either may be empty) in full; false when the connection failed.
  virtual asio::awaitable<bool> Write(asio::const_buffer head, asio::const_buffer body) = 0;
};

template <typename Stream>
class StreamSink final : public Sink {
 public:
  explicit StreamSink(Stream& stream) : stream_(stream) {}
  void Arm(int seconds) override {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(seconds));
  }
  asio::awaitable<bool> Write(asio::const_buffer head, asio::const_buffer body) override {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      // One gathered write: one send, however the body is split from the head.
      const std::array<asio::const_buffer, 2> pieces{head, body};
      auto [ec, n] = co_await asio::async_write(stream_, pieces, kAwait);
      co_return !ec;
    } else {
      // A gathered write of head + a large body over Boost 1.81's ssl_stream sent the head only
      // (tests/integration/tls_test.cpp fetches a WSDL that way): one buffer per write here.
      for (asio::const_buffer piece : {head, body}) {
        if (piece.size() == 0) continue;
        auto [ec, n] = co_await asio::async_write(stream_, piece, kAwait);
        if (ec) co_return false;
      }
      co_return true;
    }
  }

 private:
  Stream& stream_;
};

// The status line and header block; Content-Length when `length` is set (never for 1xx, 204 and
// 304, which have no body). The transport owns framing and connection management, so the
// handler's Content-Length, Transfer-Encoding and Connection headers are dropped.
std::string FormatHead(const Response& r, unsigned version, bool keep_alive,
                       std::optional<uint64_t> length) {
  std::string head;
  head.reserve(256);
  head.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  head.append(std::to_string(r.status));
  head.push_back(' ');
  if (!r.reason.empty()) {
    head.append(r.reason);
  } else {
    auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(r.status));
    head.append(reason.data(), reason.size());
  }
  head.append("\r\n");
  for (const Header& h : r.headers) {
    if (HeaderNameEquals(h.name, "Content-Length") ||
        HeaderNameEquals(h.name, "Transfer-Encoding") || HeaderNameEquals(h.name, "Connection")) {
      continue;
    }
    head.append(h.name).append(": ").append(h.value).append("\r\n");
  }
  if (version == 10 && keep_alive) head.append("Connection: keep-alive\r\n");
  if (version != 10 && !keep_alive) head.append("Connection: close\r\n");
  if (length) head.append("Content-Length: ").append(std::to_string(*length)).append("\r\n");
  head.append("\r\n");
  return head;
}

asio::awaitable<WriteOutcome> WriteString(Sink& sink, const Response& r, unsigned version,
                                          bool keep_alive, bool head_request) {
  std::string head = FormatHead(r, version, keep_alive, r.body.size());
  asio::const_buffer body = head_request ? asio::const_buffer() : asio::buffer(r.body);
  const bool ok = co_await sink.Write(asio::buffer(head), body);
  co_return WriteOutcome{ok, ok ? body.size() : 0};
}

asio::awaitable<WriteOutcome> WriteFile(Sink& sink, const Response& r, unsigned version,
                                        bool keep_alive, bool head_request, int timeout_seconds) {
  const FileBody& f = *r.file;
  Fd fd{::open(f.path.c_str(), O_RDONLY | O_CLOEXEC)};
  struct stat st {};
  if (fd.fd < 0 || ::fstat(fd.fd, &st) != 0 ||
      static_cast<uint64_t>(st.st_size) < f.offset + f.length) {
    // Nothing sent yet: a clean error is still possible.
    Response err = Response::Text(500, "text/plain", "internal error\n");
    WriteOutcome out = co_await WriteString(sink, err, version, keep_alive, false);
    co_return WriteOutcome{out.ok, 0};
  }
  std::string head = FormatHead(r, version, keep_alive, f.length);
  if (!co_await sink.Write(asio::buffer(head), {})) co_return WriteOutcome{false, 0};
  if (head_request) co_return WriteOutcome{true, 0};

  std::vector<char> buf(std::min<uint64_t>(kFilePiece, std::max<uint64_t>(f.length, 1)));
  uint64_t sent = 0;
  while (sent < f.length) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), f.length - sent));
    ssize_t got = ::pread(fd.fd, buf.data(), want, static_cast<off_t>(f.offset + sent));
    if (got <= 0) co_return WriteOutcome{false, sent};  // file shrank: the framing is broken
    sink.Arm(timeout_seconds);
    if (!co_await sink.Write({}, asio::buffer(buf.data(), static_cast<size_t>(got)))) {
      co_return WriteOutcome{false, sent};
    }
    sent += static_cast<uint64_t>(got);
  }
  co_return WriteOutcome{true, sent};
}

asio::awaitable<WriteOutcome> WriteTo(Sink& sink, const Response& response, unsigned version,
                                      bool keep_alive, bool head_request, int timeout_seconds) {
  sink.Arm(timeout_seconds);
  head_request = head_request || response.head_only;
  const int status = response.status;
  if (status < 200 || status == 204 || status == 304) {  // never a body, no Content-Length
    std::string head = FormatHead(response, version, keep_alive, std::nullopt);
    const bool ok = co_await sink.Write(asio::buffer(head), {});
    co_return WriteOutcome{ok, 0};
  }
  if (response.file) {
    co_return co_await WriteFile(sink, response, version, keep_alive, head_request,
                                 timeout_seconds);
  }
  co_return co_await WriteString(sink, response, version, keep_alive, head_request);
}

}  // namespace

template <typename Stream>
asio::awaitable<WriteOutcome> WriteResponse(Stream& stream, Response& response, unsigned version,
                                            bool keep_alive, bool head_request,
                                            int timeout_seconds) {
  StreamSink<Stream> sink(stream);
  co_return co_await WriteTo(sink, response, version, keep_alive, head_request, timeout_seconds);
}

template asio::awaitable<WriteOutcome> WriteResponse<beast::tcp_stream>(beast::tcp_stream&,
                                                                        Response&, unsigned, bool,
                                                                        bool, int);
template asio::awaitable<WriteOutcome> WriteResponse<TlsStream>(TlsStream&, Response&, unsigned,
                                                                bool, bool, int);

}  // namespace bg::http::internal
