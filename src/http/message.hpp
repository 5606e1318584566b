// HTTP request/response values exchanged between the transport (http/server) and the handlers of
// soap/, upload/ and results/. No AdWords knowledge lives in http/.
//
// The transport reads the request head first, asks the Router for an Exchange, streams the body
// into it piece by piece (so uploads never sit whole in memory), then writes the Response the
// Exchange returns. Plain values; not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.hpp"

namespace bg::http {

struct Header {
  std::string name;
  std::string value;
};

// Case-insensitive ASCII comparison of header names.
bool HeaderNameEquals(std::string_view a, std::string_view b);

struct RequestHead {
  std::string method;  // "GET", "POST", "PUT", "DELETE", "HEAD", ...
  std::string target;  // raw request-target: path plus optional "?query"
  std::vector<Header> headers;
  std::optional<uint64_t> content_length;
  std::string remote_address;  // peer IP, for logs
  bool secure = false;         // arrived over TLS
  std::string request_id;      // 32 lowercase hex, unique per request (set by the transport)

  std::string_view path() const;   // target without the query
  std::string_view query() const;  // after '?', empty when none
  // First header with that name (case-insensitive), or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  // Value of query parameter `name` (percent-decoded); nullopt when absent. A bare key ("?wsdl")
  // yields an empty string.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

// A body that the transport streams from a file (downloads). `length` bytes from `offset`.
struct FileBody {
  std::string path;
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct Response {
  int status = 200;
  std::vector<Header> headers;   // Content-Length is set by the transport
  std::string body;              // used when file is empty
  std::optional<FileBody> file;  // streamed from disk when set
  bool head_only = false;        // HEAD: send headers (with the full length) but no body
  std::string reason;            // reason phrase; empty: the standard one for `status`

  Response& Set(std::string name, std::string value);
  static Response Text(int status, std::string content_type, std::string body);
};

// One request/response exchange. Created by a Router after the head has been read.
class Exchange {
 public:
  virtual ~Exchange() = default;
  // Called for each piece of the body, in order; never after a non-OK return. Returning a
  // Response (instead of nullopt) stops reading the body and sends that response at once (the
  // connection is then closed if body bytes remain).
  virtual std::optional<Response> OnBody(std::string_view piece) = 0;
  // Called once the whole body has been received.
  virtual Response Finish() = 0;
};

// An Exchange that collects the body in memory (up to `limit` bytes, else 413) and calls `fn`.
template <typename Fn>
class BufferedExchange : public Exchange {
 public:
  BufferedExchange(RequestHead head, uint64_t limit, Fn fn)
      : head_(std::move(head)), limit_(limit), fn_(std::move(fn)) {}
  std::optional<Response> OnBody(std::string_view piece) override {
    if (body_.size() + piece.size() > limit_) {
      return Response::Text(413, "text/plain", "request body too large\n");
    }
    body_.append(piece);
    return std::nullopt;
  }
  Response Finish() override { return fn_(head_, body_); }

 private:
  RequestHead head_;
  uint64_t limit_;
  Fn fn_;
  std::string body_;
};

template <typename Fn>
std::unique_ptr<Exchange> MakeBuffered(RequestHead head, uint64_t limit, Fn fn) {
  return std::make_unique<BufferedExchange<Fn>>(std::move(head), limit, std::move(fn));
}

// An Exchange whose answer is known from the head alone (an error, a GET): it answers at the first
// body byte without reading further (the transport then closes the connection), or at Finish.
std::unique_ptr<Exchange> MakeImmediate(Response response);

// Routes a request head to an Exchange. Implemented by app/ (which knows every handler).
// Must be thread-safe: the transport calls it from several threads.
class Router {
 public:
  virtual ~Router() = default;
  virtual std::unique_ptr<Exchange> Route(const RequestHead& head) = 0;
};

}  // namespace bg::http
