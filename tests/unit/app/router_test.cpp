#include "app/router.hpp"

#include <gtest/gtest.h>

#include "app/app.hpp"
#include "app/logging.hpp"

namespace bg::app {
namespace {

http::RequestHead Head(std::string method, std::string target) {
  http::RequestHead h;
  h.method = std::move(method);
  h.target = std::move(target);
  return h;
}

PrefixRouter::Handler Tag(std::string tag) {
  return [tag](const http::RequestHead& head) {
    return http::MakeBuffered(head, 0, [tag](const http::RequestHead&, const std::string&) {
      return http::Response::Text(200, "text/plain", tag);
    });
  };
}

std::string RouteTo(PrefixRouter& r, const std::string& method, const std::string& target) {
  auto ex = r.Route(Head(method, target));
  if (!ex) return "404";
  return ex->Finish().body;
}

TEST(PrefixRouterTest, ExactThenLongestPrefix) {
  PrefixRouter r;
  r.AddPrefix("/batchjob/", Tag("batchjob"));
  r.AddPrefix("/batchjob/upload/", Tag("upload"));
  r.AddPrefix("/api/adwords/", Tag("soap"));
  r.AddExact("/healthz", Tag("health"));
  EXPECT_EQ(RouteTo(r, "PUT", "/batchjob/upload/1/2?sig=x"), "upload");
  EXPECT_EQ(RouteTo(r, "GET", "/batchjob/results/1/2.xml"), "batchjob");
  EXPECT_EQ(RouteTo(r, "POST", "/api/adwords/cm/v201702/BatchJobService"), "soap");
  EXPECT_EQ(RouteTo(r, "GET", "/healthz?x=1"), "health");
  EXPECT_EQ(RouteTo(r, "GET", "/healthzz"), "404");
  EXPECT_EQ(RouteTo(r, "GET", "/api/adwords"), "404");
}

TEST(HealthzTest, GetHeadAndOtherMethods) {
  auto get = HealthzExchange(Head("GET", "/healthz"))->Finish();
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "ok\n");
  auto head = HealthzExchange(Head("HEAD", "/healthz"))->Finish();
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.head_only);
  EXPECT_EQ(HealthzExchange(Head("POST", "/healthz"))->Finish().status, 405);
}

TEST(LoggingTest, RedactsSignaturesAndSessionIds) {
  EXPECT_EQ(RedactTarget("/batchjob/upload/1/2?expires=9&sig=abcdef&upload_id=0123"),
            "/batchjob/upload/1/2?expires=9&sig=REDACTED&upload_id=REDACTED");
  EXPECT_EQ(RedactTarget("/healthz"), "/healthz");
  EXPECT_EQ(RedactTarget("/x?wsdl"), "/x?wsdl");
}

TEST(BaseUrlTest, WildcardsBecomeLoopback) {
  EXPECT_EQ(BaseUrlFor("127.0.0.1", 8080), "http://127.0.0.1:8080");
  EXPECT_EQ(BaseUrlFor("0.0.0.0", 1), "http://127.0.0.1:1");
  EXPECT_EQ(BaseUrlFor("::1", 2), "http://[::1]:2");
  EXPECT_EQ(BaseUrlFor("0.0.0.0", 443, /*tls=*/true), "https://127.0.0.1:443");
}

}  // namespace
}  // namespace bg::app
