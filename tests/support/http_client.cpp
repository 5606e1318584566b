#include "support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <limits>

#include "support/tls_client.hpp"

namespace bg::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

bool IEquals(std::string_view a, std::string_view b) { return beast::iequals(a, b); }

bool HasName(const HeaderList& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (IEquals(n, name)) return true;
  }
  return false;
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (IEquals(n, name)) return v;
  }
  return "";
}

bool HttpResponse::HasHeader(std::string_view name) const { return HasName(headers, name); }

std::optional<ParsedUrl> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  constexpr std::string_view kTlsScheme = "https://";
  ParsedUrl out;
  if (url.substr(0, kScheme.size()) == kScheme) {
    url.remove_prefix(kScheme.size());
  } else if (url.substr(0, kTlsScheme.size()) == kTlsScheme) {
    url.remove_prefix(kTlsScheme.size());
    out.tls = true;
    out.port = "443";
  } else {
    return std::nullopt;
  }
  size_t slash = url.find_first_of("/?");
  std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos) {
    out.target = std::string(url.substr(slash));
    if (out.target[0] == '?') out.target = "/" + out.target;
  }
  if (authority.empty()) return std::nullopt;
  size_t colon = authority.rfind(':');
  if (!authority.empty() && authority.front() == '[') {  // [v6]:port
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      out.port = std::string(authority.substr(close + 2));
    }
  } else if (colon != std::string_view::npos) {
    out.host = std::string(authority.substr(0, colon));
    out.port = std::string(authority.substr(colon + 1));
  } else {
    out.host = std::string(authority);
  }
  if (out.host.empty() || out.port.empty()) return std::nullopt;
  return out;
}

struct HttpConnection::State {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  std::string port;

  // Runs one asynchronous operation to completion; tcp_stream's expiry bounds it.
  template <typename Start>
  beast::error_code Run(std::chrono::milliseconds timeout, Start start) {
    beast::error_code result = asio::error::would_block;
    stream.expires_after(timeout);
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }
};

HttpConnection::HttpConnection(std::unique_ptr<State> state, std::string host,
                               std::chrono::milliseconds timeout)
    : state_(std::move(state)), host_(std::move(host)), timeout_(timeout) {}

HttpConnection::~HttpConnection() {
  beast::error_code ec;
  state_->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  state_->stream.close();
}

std::unique_ptr<HttpConnection> HttpConnection::Connect(const std::string& host,
                                                        const std::string& port, std::string* error,
                                                        std::chrono::milliseconds timeout) {
  auto state = std::make_unique<State>();
  state->port = port;
  beast::error_code ec;
  tcp::resolver resolver(state->ioc);
  auto endpoints = resolver.resolve(host, port, ec);
  if (!ec) {
    ec = state->Run(
        timeout, [&](auto handler) { state->stream.async_connect(endpoints, std::move(handler)); });
  }
  if (ec) {
    if (error) *error = "connect " + host + ":" + port + ": " + ec.message();
    return nullptr;
  }
  return std::unique_ptr<HttpConnection>(new HttpConnection(std::move(state), host, timeout));
}

bool HttpConnection::WriteRaw(std::string_view bytes) {
  beast::error_code ec = state_->Run(timeout_, [&](auto handler) {
    asio::async_write(state_->stream, asio::buffer(bytes.data(), bytes.size()), std::move(handler));
  });
  return !ec;
}

HttpResponse HttpConnection::ReadResponse(bool head_request) {
  HttpResponse out;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(1 << 20);
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.skip(head_request);
  beast::error_code ec = state_->Run(timeout_, [&](auto handler) {
    bhttp::async_read(state_->stream, state_->buffer, parser, std::move(handler));
  });
  if (ec) {
    out.error = "read: " + ec.message();
    return out;
  }
  auto& res = parser.get();
  out.status = static_cast<int>(res.result_int());
  out.reason = std::string(res.reason());
  for (const auto& field : res) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(res.body());
  return out;
}

HttpResponse HttpConnection::Request(const std::string& method, const std::string& target,
                                     const HeaderList& headers, const std::string& body) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  for (const auto& [n, v] : headers) req.insert(n, v);
  if (!HasName(headers, "Host")) req.set(bhttp::field::host, host_ + ":" + state_->port);
  const bool wants_length = !body.empty() || method == "POST" || method == "PUT";
  if (wants_length && !HasName(headers, "Content-Length") &&
      !HasName(headers, "Transfer-Encoding")) {
    req.content_length(body.size());
  }
  req.body() = body;
  beast::error_code ec = state_->Run(
      timeout_, [&](auto handler) { bhttp::async_write(state_->stream, req, std::move(handler)); });
  if (ec) {
    HttpResponse out;
    out.error = "write: " + ec.message();
    return out;
  }
  for (;;) {
    HttpResponse r = ReadResponse(method == "HEAD");
    if (r.status >= 100 && r.status < 200) continue;  // interim (100 Continue)
    return r;
  }
}

bool HttpConnection::WaitForClose() {
  char sink[4096];
  for (;;) {
    size_t got = 0;
    beast::error_code ec = state_->Run(timeout_, [&](auto handler) {
      state_->stream.async_read_some(
          asio::buffer(sink),
          [&got, handler = std::move(handler)](beast::error_code e, size_t n) mutable {
            got = n;
            handler(e);
          });
    });
    if (ec == asio::error::eof || ec == asio::error::connection_reset) return true;
    if (ec) return false;  // timeout or another failure
    (void)got;
  }
}

HttpResponse Fetch(const std::string& method, const std::string& url, const HeaderList& headers,
                   const std::string& body, std::chrono::milliseconds timeout) {
  HttpResponse out;
  std::optional<ParsedUrl> parsed = ParseHttpUrl(url);
  if (!parsed) {
    out.error = "not an http URL: " + url;
    return out;
  }
  if (parsed->tls) {
    return FetchTls(method, *parsed, headers, body, timeout, GetTlsClientOptions());
  }
  std::string error;
  auto conn = HttpConnection::Connect(parsed->host, parsed->port, &error, timeout);
  if (!conn) {
    out.error = error;
    return out;
  }
  return conn->Request(method, parsed->target, headers, body);
}

}  // namespace bg::testing
