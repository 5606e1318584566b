#include "http/message.hpp"

#include <gtest/gtest.h>

namespace bg::http {
namespace {

RequestHead Head(std::string target) {
  RequestHead h;
  h.method = "GET";
  h.target = std::move(target);
  return h;
}

TEST(HeaderNameEqualsTest, IgnoresAsciiCaseOnly) {
  EXPECT_TRUE(HeaderNameEquals("Content-Range", "content-range"));
  EXPECT_TRUE(HeaderNameEquals("X-GOOG-RESUMABLE", "x-goog-resumable"));
  EXPECT_FALSE(HeaderNameEquals("Content-Range", "Content-Rang"));
  EXPECT_FALSE(HeaderNameEquals("Content-Range", "Content_Range"));
  EXPECT_TRUE(HeaderNameEquals("", ""));
}

TEST(RequestHeadTest, SplitsPathAndQuery) {
  RequestHead h = Head("/batchjob/upload/1/2?expires=10&sig=ab");
  EXPECT_EQ(h.path(), "/batchjob/upload/1/2");
  EXPECT_EQ(h.query(), "expires=10&sig=ab");
  RequestHead plain = Head("/healthz");
  EXPECT_EQ(plain.path(), "/healthz");
  EXPECT_EQ(plain.query(), "");
}

TEST(RequestHeadTest, GetIsCaseInsensitiveAndReturnsFirst) {
  RequestHead h = Head("/");
  h.headers = {{"Content-range", "bytes 0-9/*"}, {"X-A", "1"}, {"x-a", "2"}};
  EXPECT_EQ(h.Get("content-range").value(), "bytes 0-9/*");
  EXPECT_EQ(h.Get("X-A").value(), "1");
  EXPECT_FALSE(h.Get("Content-Length").has_value());
}

TEST(RequestHeadTest, QueryParamDecodesAndHandlesBareKeys) {
  RequestHead h = Head("/api/adwords/cm/v201702/BatchJobService?wsdl&a=x%20y%2Fz&b=1+2&c=&d=%zz");
  EXPECT_EQ(h.QueryParam("wsdl").value(), "");
  EXPECT_EQ(h.QueryParam("a").value(), "x y/z");
  EXPECT_EQ(h.QueryParam("b").value(), "1 2");
  EXPECT_EQ(h.QueryParam("c").value(), "");
  EXPECT_EQ(h.QueryParam("d").value(), "%zz");  // malformed escape kept as is
  EXPECT_FALSE(h.QueryParam("e").has_value());
  EXPECT_FALSE(h.QueryParam("ws").has_value());
  EXPECT_FALSE(Head("/x").QueryParam("a").has_value());
}

TEST(RequestHeadTest, QueryParamFirstOccurrenceWins) {
  RequestHead h = Head("/x?sig=first&sig=second");
  EXPECT_EQ(h.QueryParam("sig").value(), "first");
}

TEST(ResponseTest, SetReplacesCaseInsensitively) {
  Response r;
  r.Set("Content-Type", "text/plain").Set("X-A", "1").Set("content-type", "application/xml");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[0].value, "application/xml");
  EXPECT_EQ(r.headers[1].name, "X-A");
}

TEST(ResponseTest, TextSetsStatusTypeAndBody) {
  Response r = Response::Text(404, "text/plain", "nope\n");
  EXPECT_EQ(r.status, 404);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].name, "Content-Type");
  EXPECT_EQ(r.headers[0].value, "text/plain");
  EXPECT_EQ(r.body, "nope\n");
  EXPECT_FALSE(r.file.has_value());
}

TEST(BufferedExchangeTest, CollectsBodyAndEnforcesLimit) {
  auto ex = MakeBuffered(Head("/"), 8, [](const RequestHead&, const std::string& body) {
    return Response::Text(200, "text/plain", "got " + body);
  });
  EXPECT_FALSE(ex->OnBody("1234").has_value());
  EXPECT_FALSE(ex->OnBody("5678").has_value());
  EXPECT_EQ(ex->Finish().body, "got 12345678");
  auto small = MakeBuffered(Head("/"), 3, [](const RequestHead&, const std::string&) {
    return Response::Text(200, "text/plain", "");
  });
  auto early = small->OnBody("1234");
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(early->status, 413);
}

}  // namespace
}  // namespace bg::http
