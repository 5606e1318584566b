#include "client/http_client.hpp"

#include <openssl/ssl.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
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

  // Calls f with the stream requests go over.
  template <typename F>
  auto With(F&& f) {
    return tls ? f(*tls) : f(*tcp);
  }

  // Runs one asynchronous operation to completion within `timeout`.
  template <typename Start>
  beast::error_code Run(std::chrono::milliseconds timeout, Start start) {
    beast::error_code result = asio::error::would_block;
    Lowest().expires_after(timeout);
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }
};

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
    bhttp::request<bhttp::span_body<const char>> req;
    req.method_string(beast::string_view(method.data(), method.size()));
    req.target(url.target);
    req.version(11);
    for (const auto& [n, v] : headers) req.insert(n, v);
    if (!HasName(headers, "Host")) req.set(bhttp::field::host, c->host_header);
    req.body() = {body.data(), body.size()};
    if (!HasName(headers, "Content-Length")) {
      if (!body.empty() || method == "POST" || method == "PUT") req.content_length(body.size());
    }
    beast::error_code ec = c->Run(options_.timeout, [&](auto handler) {
      c->With([&](auto& s) { bhttp::async_write(s, req, std::move(handler)); });
    });
    std::optional<bhttp::response_parser<bhttp::string_body>> parser;
    while (!ec) {  // interim 1xx responses are skipped
      parser.emplace();
      parser->header_limit(1 << 20);
      parser->body_limit(std::numeric_limits<uint64_t>::max());
      parser->skip(method == "HEAD");
      ec = c->Run(options_.timeout, [&](auto handler) {
        c->With([&](auto& s) { bhttp::async_read(s, c->buffer, *parser, std::move(handler)); });
      });
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
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, url.target, 11};
    req.set(bhttp::field::host, c->host_header);
    beast::error_code ec = c->Run(options_.timeout, [&](auto handler) {
      c->With([&](auto& s) { bhttp::async_write(s, req, std::move(handler)); });
    });
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.header_limit(1 << 20);
    parser.body_limit(std::numeric_limits<uint64_t>::max());
    if (!ec) {
      ec = c->Run(options_.timeout, [&](auto handler) {
        c->With(
            [&](auto& s) { bhttp::async_read_header(s, c->buffer, parser, std::move(handler)); });
      });
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
      ec = c->Run(options_.timeout, [&](auto handler) {
        c->With([&](auto& s) { bhttp::async_read(s, c->buffer, parser, std::move(handler)); });
      });
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
