#include "support/tls_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <limits>
#include <mutex>

namespace bg::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

std::mutex g_mu;
TlsClientOptions g_options;

struct Connection {
  asio::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;

  // Runs one asynchronous operation to completion under the tcp_stream's expiry.
  template <typename Start>
  beast::error_code Run(std::chrono::milliseconds timeout, Start start) {
    beast::error_code result = asio::error::would_block;
    beast::get_lowest_layer(*stream).expires_after(timeout);
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }
};

std::string Describe(const char* step, const beast::error_code& ec) {
  return std::string(step) + ": " + ec.message();
}

// Connects to host:port (through `resolve`) and handshakes, verifying the certificate for
// `host`. "" on success.
std::string Open(Connection& c, const std::string& host, const std::string& port,
                 const TlsClientOptions& o, std::chrono::milliseconds timeout) {
  SSL_CTX* native = c.ctx.native_handle();
  if (o.allow_legacy) SSL_CTX_set_security_level(native, 0);
  if (o.min_version != 0) SSL_CTX_set_min_proto_version(native, o.min_version);
  if (o.max_version != 0) SSL_CTX_set_max_proto_version(native, o.max_version);
  beast::error_code ec;
  if (o.verify) {
    c.ctx.set_verify_mode(ssl::verify_peer);
    if (!o.ca_file.empty()) {
      c.ctx.load_verify_file(o.ca_file, ec);
      if (ec) return Describe("load CA", ec);
    }
  } else {
    c.ctx.set_verify_mode(ssl::verify_none);
  }
  c.stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(c.ioc, c.ctx);
  SSL* ssl_handle = c.stream->native_handle();
  beast::error_code ip_ec;
  const bool is_ip = !asio::ip::make_address(host, ip_ec).is_unspecified() && !ip_ec;
  if (is_ip) {  // no SNI for addresses; the certificate must carry the IP
    if (o.verify) X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_handle), host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl_handle, host.c_str());
    if (o.verify) SSL_set1_host(ssl_handle, host.c_str());
  }
  std::string address = host;
  for (const auto& [name, ip] : o.resolve) {
    if (name == host) address = ip;
  }
  tcp::resolver resolver(c.ioc);
  auto endpoints = resolver.resolve(address, port, ec);
  if (ec) return Describe("resolve", ec);
  ec = c.Run(timeout, [&](auto handler) {
    beast::get_lowest_layer(*c.stream).async_connect(endpoints, std::move(handler));
  });
  if (ec) return Describe("connect", ec);
  ec = c.Run(timeout, [&](auto handler) {
    c.stream->async_handshake(ssl::stream_base::client, std::move(handler));
  });
  if (ec) return Describe("handshake", ec);
  return "";
}

}  // namespace

void SetTlsClientOptions(TlsClientOptions options) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_options = std::move(options);
}

TlsClientOptions GetTlsClientOptions() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_options;
}

HttpResponse FetchTls(const std::string& method, const ParsedUrl& url, const HeaderList& headers,
                      const std::string& body, std::chrono::milliseconds timeout,
                      const TlsClientOptions& options) {
  HttpResponse out;
  Connection c;
  out.error = Open(c, url.host, url.port, options, timeout);
  if (!out.error.empty()) return out;
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(url.target);
  req.version(11);
  bool has_host = false, has_length = false;
  for (const auto& [n, v] : headers) {
    req.insert(n, v);
    has_host |= beast::iequals(n, "Host");
    has_length |= beast::iequals(n, "Content-Length") || beast::iequals(n, "Transfer-Encoding");
  }
  if (!has_host) req.set(bhttp::field::host, url.host + ":" + url.port);
  if (!has_length && (!body.empty() || method == "POST" || method == "PUT")) {
    req.content_length(body.size());
  }
  req.set(bhttp::field::connection, "close");
  req.body() = body;
  beast::error_code ec =
      c.Run(timeout, [&](auto handler) { bhttp::async_write(*c.stream, req, std::move(handler)); });
  if (ec) {
    out.error = Describe("write", ec);
    return out;
  }
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(1 << 20);
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser.skip(method == "HEAD");
    ec = c.Run(timeout, [&](auto handler) {
      bhttp::async_read(*c.stream, buffer, parser, std::move(handler));
    });
    if (ec) {
      out.error = Describe("read", ec);
      return out;
    }
    auto& res = parser.get();
    if (res.result_int() >= 100 && res.result_int() < 200) continue;
    out.status = static_cast<int>(res.result_int());
    out.reason = std::string(res.reason());
    for (const auto& field : res) {
      out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(res.body());
    break;
  }
  c.Run(std::chrono::seconds(2),
        [&](auto handler) { c.stream->async_shutdown(std::move(handler)); });
  return out;
}

std::string TlsHandshakeError(const std::string& host, const std::string& port,
                              const TlsClientOptions& options, std::chrono::milliseconds timeout) {
  Connection c;
  std::string error = Open(c, host, port, options, timeout);
  if (error.empty()) {
    c.Run(std::chrono::seconds(2),
          [&](auto handler) { c.stream->async_shutdown(std::move(handler)); });
  }
  return error;
}

}  // namespace bg::testing
