// Transport limits against hostile clients, over real loopback sockets: a slowloris client that
// trickles its head or its body is cut off after the read timeout / below the minimum body rate,
// while an honest client at a decent rate is served; oversized heads and the connection cap are
// covered in server_test.cpp.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "http/server.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace bg::http {
namespace {

using bg::testing::HttpConnection;
using bg::testing::HttpResponse;
using Clock = std::chrono::steady_clock;

// Echoes the number of body bytes it was handed.
class CountExchange : public Exchange {
 public:
  std::optional<Response> OnBody(std::string_view piece) override {
    bytes_ += piece.size();
    return std::nullopt;
  }
  Response Finish() override {
    return Response::Text(200, "text/plain", "bytes=" + std::to_string(bytes_));
  }

 private:
  uint64_t bytes_ = 0;
};

class SinkRouter : public Router {
 public:
  std::unique_ptr<Exchange> Route(const RequestHead&) override {
    return std::make_unique<CountExchange>();
  }
};

class LimitsTest : public ::testing::Test {
 protected:
  void Start(ServerOptions o) {
    o.host = "127.0.0.1";
    o.port = 0;
    server_ = std::make_unique<Server>(o, &router_);
    ASSERT_TRUE(server_->Start().ok());
  }
  std::unique_ptr<HttpConnection> Connect() {
    std::string error;
    auto c = HttpConnection::Connect("127.0.0.1", std::to_string(server_->port()), &error,
                                     std::chrono::seconds(10));
    EXPECT_NE(c, nullptr) << error;
    return c;
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  // Writes `bytes` one byte per `interval` (the slowloris pace) until the server has cut the
  // connection (a write fails) or `deadline` passes. Returns how long the connection lived, or
  // nullopt when it was never cut.
  static std::optional<Clock::duration> Trickle(HttpConnection* conn, const std::string& bytes,
                                                std::chrono::milliseconds interval,
                                                std::chrono::seconds deadline) {
    const auto start = Clock::now();
    size_t i = 0;
    bool cut = bg::testing::PollUntil(
        deadline,
        [&] {
          const char c = i < bytes.size() ? bytes[i++] : 'x';
          return !conn->WriteRaw(std::string_view(&c, 1));
        },
        interval);
    if (!cut) return std::nullopt;
    return Clock::now() - start;
  }

  SinkRouter router_;
  std::unique_ptr<Server> server_;
};

TEST_F(LimitsTest, SlowlorisHeadIsCutOffAfterReadTimeout) {
  ServerOptions o;
  o.idle_timeout_seconds = 60;  // each byte comes well within the idle timeout...
  o.read_timeout_seconds = 1;   // ...but the whole head must arrive within 1 s
  Start(o);
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  std::string head = "GET /x HTTP/1.1\r\nHost: x\r\n";
  head += "X-Pad: " + std::string(500, 'a');  // never ends
  auto lived = Trickle(conn.get(), head, std::chrono::milliseconds(100), std::chrono::seconds(15));
  ASSERT_TRUE(lived.has_value()) << "a client trickling its head was never cut off";
  EXPECT_GE(*lived, std::chrono::milliseconds(900));
  EXPECT_LT(*lived, std::chrono::seconds(8));
  // The server still serves others.
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->Request("PUT", "/x", {}, "abc").status, 200);
}

TEST_F(LimitsTest, SlowlorisBodyIsCutOffBelowMinimumRate) {
  ServerOptions o;
  o.idle_timeout_seconds = 60;
  o.read_timeout_seconds = 1;
  o.min_body_rate_bytes_per_second = 100;  // the client below sends ~10 B/s
  Start(o);
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->WriteRaw("PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"));
  auto lived = Trickle(conn.get(), std::string(1000, 'b'), std::chrono::milliseconds(100),
                       std::chrono::seconds(15));
  ASSERT_TRUE(lived.has_value()) << "a client trickling its body was never cut off";
  EXPECT_LT(*lived, std::chrono::seconds(8));
}

TEST_F(LimitsTest, BodyAboveMinimumRateIsServed) {
  ServerOptions o;
  o.idle_timeout_seconds = 60;
  o.read_timeout_seconds = 1;
  o.min_body_rate_bytes_per_second = 100;
  Start(o);
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->WriteRaw("PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n"));
  // 3000 bytes over ~1.5 s (2000 B/s): well above the minimum, though longer than the grace.
  int sent = 0;
  EXPECT_TRUE(bg::testing::PollUntil(
      std::chrono::seconds(10),
      [&] {
        if (!conn->WriteRaw(std::string(200, 'c'))) return true;  // cut: fails below
        sent += 200;
        return sent >= 3000;
      },
      std::chrono::milliseconds(100)));
  EXPECT_EQ(sent, 3000);
  HttpResponse r = conn->ReadResponse();
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "bytes=3000");
}

TEST_F(LimitsTest, SilentClientBetweenRequestsWaitsForIdleTimeoutNotReadTimeout) {
  ServerOptions o;
  o.idle_timeout_seconds = 60;
  o.read_timeout_seconds = 1;
  Start(o);
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_EQ(conn->Request("PUT", "/x", {}, "abc").status, 200);
  // Silent for longer than the read timeout: still open (keep-alive waits for idle_timeout).
  const auto until = Clock::now() + std::chrono::milliseconds(1500);
  bg::testing::PollUntil(std::chrono::seconds(3), [&] { return Clock::now() >= until; });
  HttpResponse r = conn->Request("PUT", "/x", {}, "abcd");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "bytes=4");
}

}  // namespace
}  // namespace bg::http
