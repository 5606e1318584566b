#include "client/http_client.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fstream>
#include <limits>
#include <optional>

namespace bg::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr size_t kErrorBodyLimit = 64 * 1024;
constexpr size_t kDownloadBuffer = 256 * 1024;

bool HasName(const HeaderList& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (beast::iequals(n, name)) return true;
  }
  return false;
}

Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }

template <typename Message>
void CopyHeaders(const Message& m, HttpResponse* out) {
  out->status = static_cast<int>(m.result_int());
  for (const auto& field : m) {
    out->headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
}

}  // namespace

Result<Url> ParseUrl(std::string_view url) {
  Url out;
  if (url.substr(0, 7) == "http://") {
    url.remove_prefix(7);
    out.port = "80";
  } else if (url.substr(0, 8) == "https://") {
    url.remove_prefix(8);
    out.tls = true;
    out.port = "443";
  } else {
    return InvalidArgument("not an http:// or https:// URL: " + std::string(url));
  }
  size_t slash = url.find_first_of("/?");
  std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos) {
    out.target = std::string(url.substr(slash));
    if (out.target[0] == '?') out.target = "/" + out.target;
  }
  if (!authority.empty() && authority.front() == '[') {  // [v6]:port
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgument("bad IPv6 host in URL");
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return InvalidArgument("bad port in URL");
      out.port = std::string(authority.substr(close + 2));
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    out.host = std::string(authority.substr(0, colon));
    out.port = std::string(authority.substr(colon + 1));
  } else {
    out.host = std::string(authority);
  }
  if (out.host.empty() || out.port.empty()) return InvalidArgument("URL without host or port");
  return out;
}

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (beast::iequals(n, name)) return v;
  }
  return "";
}

bool HttpResponse::HasHeader(std::string_view name) const { return HasName(headers, name); }

// The HTTP framing is done here, not by Beast's composed operations: requests are formatted as
// text and responses fed to Beast's parser from `buffer`, so that the only operations
// instantiated per stream type (plain or TLS) are one read_some and one write. (Beast's composed
// reads and writes over both streams made this file one of the slowest of the build.)
struct HttpClient::Connection {
  asio::io_context ioc;
  std::unique_ptr<ssl::context> ssl_ctx;
  std::unique_ptr<beast::tcp_stream> tcp;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  std::string key;  // scheme://host:port it is connected to
  std::string host_header;
  bool used = false;  // carried a complete exchange already (a keep-alive reuse may be stale)

  beast::tcp_stream& Lowest() { return tls ? beast::get_lowest_layer(*tls) : *tcp; }

  // Runs the operation that `start` begins to completion within `timeout`.
  template <typename Start>
  beast::error_code Run(std::chrono::milliseconds timeout, Start start) {
    beast::error_code result = asio::error::would_block;
    Lowest().expires_after(timeout);
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  // Writes all of `bytes`.
  beast::error_code Write(std::chrono::milliseconds timeout, std::string_view bytes) {
    beast::error_code result = asio::error::would_block;
    auto done = [&result](beast::error_code ec, size_t) { result = ec; };
    Lowest().expires_after(timeout);
    const asio::const_buffer b(bytes.data(), bytes.size());
    if (tls) {
      asio::async_write(*tls, b, done);
    } else {
      asio::async_write(*tcp, b, done);
    }
    ioc.restart();
    ioc.run();
    return result;
  }

  // Reads what the peer has sent so far (at least one byte) into `buffer`.
  beast::error_code ReadMore(std::chrono::milliseconds timeout) {
    beast::error_code result = asio::error::would_block;
    size_t got = 0;
    auto done = [&](beast::error_code ec, size_t n) {
      result = ec;
      got = n;
    };
    Lowest().expires_after(timeout);
    const auto room = buffer.prepare(
        std::clamp<size_t>(buffer.capacity() - buffer.size(), 4096, kDownloadBuffer));
    if (tls) {
      tls->async_read_some(room, done);
    } else {
      tcp->async_read_some(room, done);
    }
    ioc.restart();
    ioc.run();
    if (!result) buffer.commit(got);
    return result;
  }

  // Feeds `parser` until it has the whole header (`header_only`) or message, or, for a
  // buffer_body, until its buffer is full (bhttp::error::need_buffer).
  template <typename Parser>
  beast::error_code Read(std::chrono::milliseconds timeout, Parser& parser, bool header_only) {
    for (;;) {
      if (header_only ? parser.is_header_done() : parser.is_done()) return {};
      if (buffer.size() > 0) {
        beast::error_code ec;
        const size_t used = parser.put(buffer.data(), ec);
        buffer.consume(used);
        if (ec && ec != bhttp::error::need_more) return ec;
        if (!ec && used > 0) continue;
      }
      beast::error_code ec = ReadMore(timeout);
      if (ec == asio::error::eof) {
        ec = bhttp::error::end_of_stream;
        if (parser.got_some()) parser.put_eof(ec);  // cleared when the message is complete
        return ec;
      }
      if (ec) return ec;
    }
  }
};

namespace {

// The request line and headers of an HTTP/1.1 request.
std::string FormatRequest(std::string_view method, std::string_view target,
                          const HeaderList& headers, const std::string& host_header,
                          std::optional<size_t> content_length) {
  std::string head;
  head.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  for (const auto& [n, v] : headers) head.append(n).append(": ").append(v).append("\r\n");
  if (!HasName(headers, "Host")) head.append("Host: ").append(host_header).append("\r\n");
  if (content_length) {
    head.append("Content-Length: ").append(std::to_string(*content_length)).append("\r\n");
  }
  head.append("\r\n");
  return head;
}

}  // namespace

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {}

HttpClient::~HttpClient() { Drop(); }

void HttpClient::Drop() {
  if (!conn_) return;
  beast::error_code ec;
  conn_->Lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
  conn_->Lowest().close();
  conn_.reset();
}

Result<HttpClient::Connection*> HttpClient::Connect(const Url& url) {
  std::string key = (url.tls ? "https://" : "http://") + url.host + ":" + url.port;
  if (conn_ && conn_->key == key) return conn_.get();
  Drop();
  auto c = std::make_unique<Connection>();
  c->key = key;
  c->host_header =
      (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) + ":" + url.port;
  beast::error_code ec;
  tcp::resolver resolver(c->ioc);
  auto endpoints = resolver.resolve(url.host, url.port, ec);
  if (ec) return Unavailable("cannot resolve " + url.host + ": " + ec.message());
  if (url.tls) {
    c->ssl_ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    c->ssl_ctx->set_options(ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                            ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    c->ssl_ctx->set_verify_mode(ssl::verify_peer);
    if (options_.ca_file.empty()) {
      c->ssl_ctx->set_default_verify_paths(ec);
    } else {
      c->ssl_ctx->load_verify_file(options_.ca_file, ec);
    }
    if (ec) return InvalidArgument("CA file " + options_.ca_file + ": " + ec.message());
    c->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(c->ioc, *c->ssl_ctx);
    c->tls->set_verify_callback(ssl::host_name_verification(url.host));
    SSL_set_tlsext_host_name(c->tls->native_handle(), url.host.c_str());
  } else {
    c->tcp = std::make_unique<beast::tcp_stream>(c->ioc);
  }
  ec = c->Run(options_.timeout,
              [&](auto handler) { c->Lowest().async_connect(endpoints, std::move(handler)); });
  if (ec) return Unavailable("cannot connect to " + key + ": " + ec.message());
  if (c->tls) {
    ec = c->Run(options_.timeout, [&](auto handler) {
      c->tls->async_handshake(ssl::stream_base::client, std::move(handler));
    });
    if (ec) return Unavailable("TLS handshake with " + key + ": " + ec.message());
  }
  conn_ = std::move(c);
  return conn_.get();
}

Result<HttpResponse> HttpClient::Send(std::string_view method, std::string_view url_text,
                                      const HeaderList& headers, std::string_view body) {
  BG_ASSIGN_OR_RETURN(Url url, ParseUrl(url_text));
  for (int attempt = 0;; ++attempt) {
    BG_ASSIGN_OR_RETURN(Connection * c, Connect(url));
    const bool reused = c->used;
    std::optional<size_t> length;
    if (!HasName(headers, "Content-Length")) {
      if (!body.empty() || method == "POST" || method == "PUT") length = body.size();
    }
    std::string request = FormatRequest(method, url.target, headers, c->host_header, length);
    request.append(body);
    beast::error_code ec = c->Write(options_.timeout, request);
    std::optional<bhttp::response_parser<bhttp::string_body>> parser;
    while (!ec) {  // interim 1xx responses are skipped
      parser.emplace();
      parser->header_limit(1 << 20);
      parser->body_limit(std::numeric_limits<uint64_t>::max());
      parser->skip(method == "HEAD");
      ec = c->Read(options_.timeout, *parser, /*header_only=*/false);
      if (ec || parser->get().result_int() >= 200) break;
    }
    if (ec) {
      const bool nothing = !parser || !parser->got_some();
      Drop();
      if (reused && nothing && attempt == 0) continue;  // a stale keep-alive connection
      return Unavailable(std::string(method) + " " + url.host + ":" + url.port + ": " +
                         ec.message());
    }
    c->used = true;
    auto& res = parser->get();
    HttpResponse out;
    CopyHeaders(res, &out);
    out.body = std::move(res.body());
    if (!res.keep_alive()) Drop();
    return out;
  }
}

Result<HttpResponse> HttpClient::Download(std::string_view url_text, const std::string& path,
                                          const std::function<void(uint64_t, uint64_t)>& progress) {
  BG_ASSIGN_OR_RETURN(Url url, ParseUrl(url_text));
  for (int attempt = 0;; ++attempt) {
    BG_ASSIGN_OR_RETURN(Connection * c, Connect(url));
    const bool reused = c->used;
    beast::error_code ec =
        c->Write(options_.timeout, FormatRequest("GET", url.target, {}, c->host_header, {}));
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.header_limit(1 << 20);
    parser.body_limit(std::numeric_limits<uint64_t>::max());
    if (!ec) {
      ec = c->Read(options_.timeout, parser, /*header_only=*/true);
    }
    if (ec) {
      const bool nothing = !parser.got_some();
      Drop();
      if (reused && nothing && attempt == 0) continue;
      return Unavailable("GET " + url.host + ":" + url.port + ": " + ec.message());
    }
    HttpResponse out;
    CopyHeaders(parser.get(), &out);
    const bool ok = out.status == 200 || out.status == 206;
    std::ofstream file;
    if (ok) {
      file.open(path, std::ios::binary | std::ios::trunc);
      if (!file) return Internal("cannot write " + path);
    }
    const uint64_t total = parser.content_length().value_or(0);
    uint64_t done = 0;
    std::vector<char> buf(kDownloadBuffer);
    while (!parser.is_done()) {
      parser.get().body().data = buf.data();
      parser.get().body().size = buf.size();
      ec = c->Read(options_.timeout, parser, /*header_only=*/false);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) {
        Drop();
        return Unavailable("reading the body of " + url.target.substr(0, url.target.find('?')) +
                           ": " + ec.message());
      }
      const size_t n = buf.size() - parser.get().body().size;
      if (ok) {
        file.write(buf.data(), static_cast<std::streamsize>(n));
        if (!file) return Internal("cannot write " + path);
      } else if (out.body.size() < kErrorBodyLimit) {
        out.body.append(buf.data(), std::min(n, kErrorBodyLimit - out.body.size()));
      }
      done += n;
      if (progress) progress(done, total);
    }
    if (ok) {
      file.close();
      if (!file) return Internal("cannot write " + path);
    }
    c->used = true;
    if (!parser.keep_alive()) Drop();
    return out;
  }
}

}  // namespace bg::client
