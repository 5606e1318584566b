// HttpClient over https:// against a real TLS server (`openssl s_server -WWW` on 127.0.0.1:0):
// the certificate is verified against --ca-file and against the URL's host.
#include "client/http_client.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "support/command.hpp"
#include "support/temp_dir.hpp"

namespace bg::client {
namespace {

constexpr const char* kOpenssl = "/usr/bin/openssl";

TEST(ParseUrlTest, SchemesHostsAndPorts) {
  Result<Url> a = ParseUrl("https://gw.example.com/api?x=1");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->tls);
  EXPECT_EQ(a->host, "gw.example.com");
  EXPECT_EQ(a->port, "443");
  EXPECT_EQ(a->target, "/api?x=1");
  Result<Url> b = ParseUrl("http://[::1]:8080");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, "8080");
  EXPECT_EQ(b->target, "/");
  EXPECT_FALSE(ParseUrl("ftp://x").ok());
  EXPECT_FALSE(ParseUrl("http://:80/").ok());
}

class HttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kOpenssl, X_OK) != 0) GTEST_SKIP() << "no " << kOpenssl;
    for (const char* name : {"good", "other"}) {
      testing::CommandResult r = testing::RunCommand(
          {kOpenssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
           "-nodes", "-keyout", dir_.Join(std::string(name) + ".key"), "-out",
           dir_.Join(std::string(name) + ".pem"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
           "subjectAltName=IP:127.0.0.1"});
      ASSERT_EQ(r.exit_code, 0) << r.Describe();
    }
    std::filesystem::create_directories(dir_.Join("www"));
    ASSERT_TRUE(testing::WriteFile(dir_.Join("www/results.xml"), "<mutateResponse/>"));
    // s_server -WWW serves files relative to its working directory: run it through a shell.
    server_ = std::make_unique<testing::Command>(std::vector<std::string>{
        "/bin/sh", "-c",
        "cd '" + dir_.Join("www") + "' && exec " + kOpenssl +
            " s_server -accept 127.0.0.1:0 -WWW -cert '" + dir_.Join("good.pem") + "' -key '" +
            dir_.Join("good.key") + "'"});
    ASSERT_TRUE(testing::PollUntil(std::chrono::seconds(10), [&] {
      std::string out = server_->Output();
      size_t at = out.find("ACCEPT 127.0.0.1:");
      if (at == std::string::npos || out.find('\n', at) == std::string::npos) return false;
      port_ = out.substr(at + 17, out.find('\n', at) - at - 17);
      return true;
    }));
  }
  std::string Url(const std::string& host = "127.0.0.1") {
    return "https://" + host + ":" + port_ + "/results.xml";
  }

  testing::TempDir dir_{"bg_tls_"};
  std::unique_ptr<testing::Command> server_;
  std::string port_;
};

TEST_F(HttpsTest, DownloadsWithTheServersCa) {
  HttpClientOptions o;
  o.ca_file = dir_.Join("good.pem");
  HttpClient http(o);
  Result<HttpResponse> r = http.Download(Url(), dir_.Join("got.xml"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(testing::ReadFile(dir_.Join("got.xml")), "<mutateResponse/>");
}

TEST_F(HttpsTest, RefusesACertificateOfAnotherCa) {
  HttpClientOptions o;
  o.ca_file = dir_.Join("other.pem");
  HttpClient http(o);
  Result<HttpResponse> r = http.Send("GET", Url(), {}, "");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("TLS handshake"), std::string::npos) << r.status().message();
}

TEST_F(HttpsTest, RefusesACertificateForAnotherHost) {
  HttpClientOptions o;
  o.ca_file = dir_.Join("good.pem");
  HttpClient http(o);
  Result<HttpResponse> r = http.Send("GET", Url("localhost"), {}, "");  // cert names 127.0.0.1
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("TLS handshake"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace bg::client
