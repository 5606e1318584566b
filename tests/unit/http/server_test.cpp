// The HTTP transport against a tiny in-process Router, over real loopback sockets.
#include "http/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace bg::http {
namespace {

using bg::testing::Fetch;
using bg::testing::HttpConnection;
using bg::testing::HttpResponse;

uint64_t Fnv1a(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}
constexpr uint64_t kFnvSeed = 14695981039346656037ULL;

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 1000) % 26);
  return s;
}

// Counts the pieces the transport hands over and reports them in the response.
class CountingExchange : public Exchange {
 public:
  std::optional<Response> OnBody(std::string_view piece) override {
    EXPECT_FALSE(piece.empty());
    ++pieces_;
    bytes_ += piece.size();
    hash_ = Fnv1a(hash_, piece);
    return std::nullopt;
  }
  Response Finish() override {
    return Response::Text(200, "text/plain",
                          "pieces=" + std::to_string(pieces_) + " bytes=" + std::to_string(bytes_) +
                              " hash=" + std::to_string(hash_));
  }

 private:
  uint64_t pieces_ = 0, bytes_ = 0, hash_ = kFnvSeed;
};

// Answers on the first piece of the body.
class EarlyExchange : public Exchange {
 public:
  std::optional<Response> OnBody(std::string_view) override {
    return Response::Text(413, "text/plain", "too much\n");
  }
  Response Finish() override { return Response::Text(500, "text/plain", "unreachable\n"); }
};

class TestRouter : public Router {
 public:
  std::string file_path;
  std::atomic<int> finished{0};

  std::unique_ptr<Exchange> Route(const RequestHead& head) override {
    const std::string_view path = head.path();
    if (path == "/hello") {
      return MakeBuffered(head, 1024, [this](const RequestHead& h, const std::string&) {
        ++finished;
        Response r = Response::Text(200, "text/plain", "hello world");
        r.Set("X-Method", h.method);
        r.Set("X-Remote", h.remote_address);
        r.Set("X-Q", h.QueryParam("q").value_or("-"));
        r.Set("X-Seen-Header", std::string(h.Get("x-test").value_or("-")));
        if (h.method == "HEAD") r.head_only = true;
        return r;
      });
    }
    if (path == "/sink") return std::make_unique<CountingExchange>();
    if (path == "/early") return std::make_unique<EarlyExchange>();
    if (path == "/file") {
      return MakeBuffered(head, 0, [this](const RequestHead& h, const std::string&) {
        Response r;
        r.Set("Content-Type", "application/xml");
        r.file = FileBody{file_path, 10, 300000};
        if (h.method == "HEAD") r.head_only = true;
        return r;
      });
    }
    if (path == "/resume") {
      return MakeBuffered(head, 0, [](const RequestHead&, const std::string&) {
        Response r;
        r.status = 308;
        r.reason = "Resume Incomplete";
        r.Set("Range", "bytes=0-9");
        return r;
      });
    }
    return nullptr;
  }
};

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    router_.file_path = dir_.Join("data.bin");
    file_contents_ = Pattern(400000);
    ASSERT_TRUE(bg::testing::WriteFile(router_.file_path, file_contents_));
    server_ = std::make_unique<Server>(options, &router_);
    Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_NE(server_->port(), 0);
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
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

  bg::testing::TempDir dir_;
  TestRouter router_;
  std::string file_contents_;
  std::unique_ptr<Server> server_;
  std::string base_;
};

TEST_F(ServerTest, GetWithStringBody) {
  StartServer();
  HttpResponse r = Fetch("GET", base_ + "/hello?q=a%20b", {{"X-Test", "yes"}});
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "hello world");
  EXPECT_EQ(r.Header("content-length"), "11");
  EXPECT_EQ(r.Header("Content-Type"), "text/plain");
  EXPECT_EQ(r.Header("X-Method"), "GET");
  EXPECT_EQ(r.Header("X-Remote"), "127.0.0.1");
  EXPECT_EQ(r.Header("X-Q"), "a b");
  EXPECT_EQ(r.Header("X-Seen-Header"), "yes");
}

TEST_F(ServerTest, UnknownRouteIs404) {
  StartServer();
  HttpResponse r = Fetch("GET", base_ + "/nowhere");
  EXPECT_EQ(r.status, 404) << r.error;
  EXPECT_EQ(r.Header("Content-Type"), "text/plain");
}

TEST_F(ServerTest, PutBodyArrivesInPiecesInOrder) {
  StartServer();
  const std::string body = Pattern(5 * 1024 * 1024 + 123);
  HttpResponse r = Fetch("PUT", base_ + "/sink", {{"Content-Type", "application/xml"}}, body);
  ASSERT_EQ(r.status, 200) << r.error;
  const std::string want_tail =
      " bytes=" + std::to_string(body.size()) + " hash=" + std::to_string(Fnv1a(kFnvSeed, body));
  EXPECT_NE(r.body.find(want_tail), std::string::npos) << r.body;
  // Multi-MB bodies are never handed over in one piece.
  const uint64_t pieces = std::stoull(r.body.substr(r.body.find('=') + 1));
  EXPECT_GE(pieces, 5u) << r.body;
}

TEST_F(ServerTest, ChunkedRequestBodyIsDecoded) {
  StartServer();
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(
      conn->WriteRaw("PUT /sink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  HttpResponse r = conn->ReadResponse();
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_NE(r.body.find("bytes=11 hash=" + std::to_string(Fnv1a(kFnvSeed, "hello world"))),
            std::string::npos)
      << r.body;
}

TEST_F(ServerTest, ExpectContinueGetsInterimResponseBeforeBody) {
  StartServer();
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  const std::string body = Pattern(300000);
  ASSERT_TRUE(conn->WriteRaw("PUT /sink HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n"));
  HttpResponse interim = conn->ReadResponse();
  ASSERT_EQ(interim.status, 100) << interim.error;
  ASSERT_TRUE(conn->WriteRaw(body));
  HttpResponse r = conn->ReadResponse();
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_NE(r.body.find("bytes=300000 "), std::string::npos) << r.body;
}

TEST_F(ServerTest, HeadSendsFullLengthWithoutBody) {
  StartServer();
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  HttpResponse head = conn->Request("HEAD", "/file");
  ASSERT_EQ(head.status, 200) << head.error;
  EXPECT_EQ(head.Header("Content-Length"), "300000");
  EXPECT_TRUE(head.body.empty());
  HttpResponse head_str = conn->Request("HEAD", "/hello");
  ASSERT_EQ(head_str.status, 200) << head_str.error;
  EXPECT_EQ(head_str.Header("Content-Length"), "11");
  // No stray body bytes were sent: the next response on the connection parses cleanly.
  HttpResponse get = conn->Request("GET", "/hello");
  ASSERT_EQ(get.status, 200) << get.error;
  EXPECT_EQ(get.body, "hello world");
}

TEST_F(ServerTest, FileBodyStreamsTheRequestedRange) {
  StartServer();
  HttpResponse r = Fetch("GET", base_ + "/file");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.Header("Content-Length"), "300000");
  EXPECT_EQ(r.Header("Content-Type"), "application/xml");
  EXPECT_TRUE(r.body == file_contents_.substr(10, 300000));
}

TEST_F(ServerTest, MissingFileIs500) {
  StartServer();
  router_.file_path = dir_.Join("missing.bin");
  HttpResponse r = Fetch("GET", base_ + "/file");
  EXPECT_EQ(r.status, 500) << r.error;
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  StartServer();
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  HttpResponse a = conn->Request("GET", "/hello");
  HttpResponse b = conn->Request("PUT", "/sink", {}, "abc");
  ASSERT_EQ(a.status, 200) << a.error;
  ASSERT_EQ(b.status, 200) << b.error;
  EXPECT_NE(b.body.find("bytes=3 "), std::string::npos);
  EXPECT_NE(a.Header("Connection"), "close");
}

TEST_F(ServerTest, CustomReasonPhraseIsSent) {
  StartServer();
  HttpResponse r = Fetch("PUT", base_ + "/resume");
  ASSERT_EQ(r.status, 308) << r.error;
  EXPECT_EQ(r.reason, "Resume Incomplete");
  EXPECT_EQ(r.Header("Range"), "bytes=0-9");
  EXPECT_FALSE(r.HasHeader("Location"));
}

TEST_F(ServerTest, EarlyResponseFromOnBodyIsSentAndConnectionCloses) {
  StartServer();
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  HttpResponse r = conn->Request("POST", "/early", {}, Pattern(3 * 1024 * 1024));
  ASSERT_EQ(r.status, 413) << r.error;
  EXPECT_EQ(r.body, "too much\n");
  EXPECT_EQ(r.Header("Connection"), "close");
  EXPECT_TRUE(conn->WaitForClose());
}

TEST_F(ServerTest, OversizedHeadIsRejected) {
  ServerOptions o;
  o.header_limit = 1024;
  StartServer(o);
  HttpResponse r = Fetch("GET", base_ + "/hello", {{"X-Big", std::string(4000, 'x')}});
  EXPECT_EQ(r.status, 431) << r.error;
  // A head under the limit still works.
  EXPECT_EQ(Fetch("GET", base_ + "/hello").status, 200);
}

TEST_F(ServerTest, MalformedRequestIs400) {
  StartServer();
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->WriteRaw("this is not http\r\n\r\n"));
  HttpResponse r = conn->ReadResponse();
  EXPECT_EQ(r.status, 400) << r.error;
  EXPECT_TRUE(conn->WaitForClose());
}

TEST_F(ServerTest, IdleConnectionTimesOut) {
  ServerOptions o;
  o.idle_timeout_seconds = 1;
  StartServer(o);
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_EQ(conn->Request("GET", "/hello").status, 200);
  EXPECT_TRUE(conn->WaitForClose());  // the client's own timeout is 10 s
}

TEST_F(ServerTest, ConnectionsOverTheCapGet503) {
  ServerOptions o;
  o.max_connections = 1;
  StartServer(o);
  auto first = Connect();
  ASSERT_NE(first, nullptr);
  ASSERT_EQ(first->Request("GET", "/hello").status, 200);  // now surely registered
  HttpResponse second = Fetch("GET", base_ + "/hello");
  EXPECT_EQ(second.status, 503) << second.error;
  first.reset();
  EXPECT_TRUE(bg::testing::PollUntil(std::chrono::seconds(10),
                                     [&] { return Fetch("GET", base_ + "/hello").status == 200; }));
}

TEST_F(ServerTest, StopClosesIdleConnectionsPromptly) {
  StartServer();
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_EQ(conn->Request("GET", "/hello").status, 200);
  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(conn->WaitForClose());
  EXPECT_NE(Fetch("GET", base_ + "/hello", {}, "", std::chrono::seconds(2)).status, 200);
}

TEST_F(ServerTest, ConcurrentClients) {
  ServerOptions o;
  o.threads = 4;
  StartServer(o);
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&] {
      for (int j = 0; j < 10; ++j) {
        if (Fetch("PUT", base_ + "/sink", {}, Pattern(70000)).status == 200) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 80);
}

TEST(ServerStartTest, BindFailureIsReported) {
  TestRouter router;
  ServerOptions o;
  o.port = 0;
  Server first(o, &router);
  ASSERT_TRUE(first.Start().ok());
  o.port = first.port();
  Server second(o, &router);
  // SO_REUSEADDR does not allow two listeners on one port.
  EXPECT_FALSE(second.Start().ok());
  first.Stop();
}

}  // namespace
}  // namespace bg::http
