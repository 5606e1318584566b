// Writes a Response: string body, or a byte range of a file streamed in pieces (never the whole
// file in memory). Content-Length always comes from here, never from the handler.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
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

template <typename Fields>
void FillHeaders(Fields& fields, const Response& r) {
  for (const Header& h : r.headers) {
    // The transport owns framing and connection management.
    if (HeaderNameEquals(h.name, "Content-Length") ||
        HeaderNameEquals(h.name, "Transfer-Encoding") || HeaderNameEquals(h.name, "Connection")) {
      continue;
    }
    fields.insert(h.name, h.value);
  }
}

template <typename Message>
void FillStatus(Message& m, const Response& r, unsigned version, bool keep_alive) {
  m.version(version);
  m.result(static_cast<unsigned>(r.status));
  if (!r.reason.empty()) m.reason(r.reason);
  FillHeaders(m, r);
  m.keep_alive(keep_alive);
}

// The status line and header block of a response with a body of `length` bytes, formatted here
// rather than by Beast's serializer (a tenth of its cost for the small responses that most
// requests get): what FillStatus + content_length would produce.
std::string FormatHead(const Response& r, unsigned version, bool keep_alive, uint64_t length) {
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
  head.append("Content-Length: ").append(std::to_string(length)).append("\r\n\r\n");
  return head;
}

template <typename Stream>
asio::awaitable<WriteOutcome> WriteHeadOnly(Stream& stream, const Response& r, uint64_t length,
                                            unsigned version, bool keep_alive) {
  bhttp::response<bhttp::empty_body> res;
  FillStatus(res, r, version, keep_alive);
  res.content_length(length);
  bhttp::response_serializer<bhttp::empty_body> sr(res);
  auto [ec, n] = co_await bhttp::async_write_header(stream, sr, kAwait);
  co_return WriteOutcome{!ec, 0};
}

template <typename Stream>
asio::awaitable<WriteOutcome> WriteFile(Stream& stream, Response& r, unsigned version,
                                        bool keep_alive, bool head_request, int timeout_seconds) {
  const FileBody& f = *r.file;
  Fd fd{::open(f.path.c_str(), O_RDONLY | O_CLOEXEC)};
  struct stat st {};
  if (fd.fd < 0 || ::fstat(fd.fd, &st) != 0 ||
      static_cast<uint64_t>(st.st_size) < f.offset + f.length) {
    // Nothing sent yet: a clean error is still possible.
    Response err = Response::Text(500, "text/plain", "internal error\n");
    bhttp::response<bhttp::string_body> res;
    FillStatus(res, err, version, keep_alive);
    res.body() = err.body;
    res.prepare_payload();
    auto [ec, n] = co_await bhttp::async_write(stream, res, kAwait);
    co_return WriteOutcome{!ec, 0};
  }
  if (head_request) co_return co_await WriteHeadOnly(stream, r, f.length, version, keep_alive);

  bhttp::response<bhttp::buffer_body> res;
  FillStatus(res, r, version, keep_alive);
  res.content_length(f.length);
  res.body().data = nullptr;
  res.body().more = true;
  bhttp::response_serializer<bhttp::buffer_body> sr(res);
  {
    auto [ec, n] = co_await bhttp::async_write_header(stream, sr, kAwait);
    if (ec) co_return WriteOutcome{false, 0};
  }
  std::vector<char> buf(std::min<uint64_t>(kFilePiece, std::max<uint64_t>(f.length, 1)));
  uint64_t sent = 0;
  while (sent < f.length) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), f.length - sent));
    ssize_t got = ::pread(fd.fd, buf.data(), want, static_cast<off_t>(f.offset + sent));
    if (got <= 0) co_return WriteOutcome{false, sent};  // file shrank: the framing is broken
    res.body().data = buf.data();
    res.body().size = static_cast<size_t>(got);
    res.body().more = true;
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(timeout_seconds));
    auto [ec, n] = co_await bhttp::async_write(stream, sr, kAwait);
    if (ec && ec != bhttp::error::need_buffer) co_return WriteOutcome{false, sent};
    sent += static_cast<uint64_t>(got);
  }
  res.body().data = nullptr;
  res.body().size = 0;
  res.body().more = false;
  auto [ec, n] = co_await bhttp::async_write(stream, sr, kAwait);
  co_return WriteOutcome{!ec, sent};
}

}  // namespace

template <typename Stream>
asio::awaitable<WriteOutcome> WriteResponse(Stream& stream, Response& response, unsigned version,
                                            bool keep_alive, bool head_request,
                                            int timeout_seconds) {
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(timeout_seconds));
  head_request = head_request || response.head_only;
  const int status = response.status;
  if (status < 200 || status == 204 || status == 304) {  // never a body, no Content-Length
    bhttp::response<bhttp::empty_body> res;
    FillStatus(res, response, version, keep_alive);
    auto [ec, n] = co_await bhttp::async_write(stream, res, kAwait);
    co_return WriteOutcome{!ec, 0};
  }
  if (response.file) {
    co_return co_await WriteFile(stream, response, version, keep_alive, head_request,
                                 timeout_seconds);
  }
  if (head_request) {
    co_return co_await WriteHeadOnly(stream, response, response.body.size(), version, keep_alive);
  }
  std::string head = FormatHead(response, version, keep_alive, response.body.size());
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
    // One gathered write: one send, however the body is split from the head.
    const std::array<asio::const_buffer, 2> pieces{asio::buffer(head),
                                                  asio::buffer(response.body)};
    auto [ec, n] = co_await asio::async_write(stream, pieces, kAwait);
    co_return WriteOutcome{!ec, response.body.size()};
  } else {
    // A gathered write of head + a large body over the TLS stream sent the head only (seen with
    // Boost 1.81's ssl_stream; tests/integration/tls_test.cpp fetches a WSDL that way), so the
    // TLS response goes out as one buffer.
    head.append(response.body);
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(head), kAwait);
    co_return WriteOutcome{!ec, response.body.size()};
  }
}

template asio::awaitable<WriteOutcome> WriteResponse<beast::tcp_stream>(beast::tcp_stream&,
                                                                        Response&, unsigned, bool,
                                                                        bool, int);
template asio::awaitable<WriteOutcome> WriteResponse<TlsStream>(TlsStream&, Response&, unsigned,
                                                                bool, bool, int);

}  // namespace bg::http::internal
