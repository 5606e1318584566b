// Metrics rendering (checked with the strict exposition-format reader), route labels, /readyz and
// /metrics exchanges, the signed-URL guard, and the redaction and escaping of log text.
#include "app/observability.hpp"

#include <gtest/gtest.h>

#include "app/access_guard.hpp"
#include "app/logging.hpp"
#include "app/metrics.hpp"
#include "common/signed_url.hpp"
#include "support/json_lite.hpp"
#include "support/prometheus_text.hpp"

namespace bg::app {
namespace {

using bg::testing::ParsePrometheusText;
using bg::testing::PromExposition;

http::RequestHead Head(std::string method, std::string target) {
  http::RequestHead h;
  h.method = std::move(method);
  h.target = std::move(target);
  return h;
}

TEST(MetricsTest, RendersAValidExpositionThatAddsUp) {
  Metrics m;
  using std::chrono::microseconds;
  m.ObserveRequest("soap", "POST", 200, microseconds(400));         // <= 0.001
  m.ObserveRequest("soap", "POST", 200, microseconds(30'000));      // <= 0.05
  m.ObserveRequest("soap", "POST", 500, microseconds(90'000'000));  // past every bound
  m.ObserveRequest("upload", "PUT", 308, microseconds(2'000));
  m.AddUploadBytes(262144);
  m.AddUploadBytes(17);
  m.CountTlsHandshakeFailure();
  MetricsSnapshot s;
  s.executor.operations = 7;
  s.executor.retries = 2;
  s.store_ok = true;
  s.store.jobs_by_status = {{model::JobStatus::kAwaitingFile, 1}, {model::JobStatus::kDone, 3}};
  s.store.operations_failed = 4;
  s.ready = true;
  s.start_time_seconds = 1700000000.5;

  PromExposition e;
  std::string error;
  ASSERT_TRUE(ParsePrometheusText(m.Render(s), &e, &error)) << error << "\n" << m.Render(s);
  EXPECT_EQ(e.Value("batchgate_http_requests_total",
                    {{"route", "soap"}, {"method", "POST"}, {"code", "200"}}),
            2);
  EXPECT_EQ(e.Value("batchgate_http_requests_total",
                    {{"route", "soap"}, {"method", "POST"}, {"code", "500"}}),
            1);
  EXPECT_EQ(e.Value("batchgate_http_request_duration_seconds_bucket",
                    {{"route", "soap"}, {"le", "0.001"}}),
            1);
  EXPECT_EQ(e.Value("batchgate_http_request_duration_seconds_bucket",
                    {{"route", "soap"}, {"le", "0.05"}}),
            2);
  EXPECT_EQ(
      e.Value("batchgate_http_request_duration_seconds_bucket", {{"route", "soap"}, {"le", "30"}}),
      2);
  EXPECT_EQ(e.Value("batchgate_http_request_duration_seconds_bucket",
                    {{"route", "soap"}, {"le", "+Inf"}}),
            3);
  EXPECT_NEAR(e.Value("batchgate_http_request_duration_seconds_sum", {{"route", "soap"}}).value(),
              90.0304, 1e-9);
  EXPECT_EQ(e.Value("batchgate_upload_bytes_total"), 262161);
  EXPECT_EQ(e.Value("batchgate_tls_handshake_failures_total"), 1);
  EXPECT_EQ(e.Value("batchgate_operations_executed_total"), 7);
  EXPECT_EQ(e.Value("batchgate_operations_retried_total"), 2);
  EXPECT_EQ(e.Value("batchgate_jobs", {{"status", "DONE"}}), 3);
  EXPECT_EQ(e.Value("batchgate_stored_operations", {{"outcome", "failed"}}), 4);
  EXPECT_EQ(e.Value("batchgate_ready"), 1);
  EXPECT_EQ(e.Value("batchgate_start_time_seconds"), 1700000000.5);
  EXPECT_EQ(e.types["batchgate_upload_sessions_open"], "gauge");
}

TEST(MetricsTest, TheReaderCatchesBrokenExpositions) {
  PromExposition e;
  std::string error;
  const char* bad[] = {
      "a_total{x=\"1\"} 1\n# TYPE a_total counter\n",  // TYPE after samples
      "# TYPE a counter\na -1\n",                      // negative counter
      "a{x=\"1\"} 1\na{x=\"1\"} 2\n",                  // repeated sample
      "a{x=\"\\q\"} 1\n",                              // bad escape
      "a 1\nb 1\na 2\n",                               // family not contiguous
      "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",  // no +Inf
      "1a 1\n",
      "a one\n",
      "a 1",  // no final newline
  };
  for (const char* text : bad) {
    EXPECT_FALSE(ParsePrometheusText(text, &e, &error)) << text;
  }
  EXPECT_TRUE(ParsePrometheusText("# HELP a x\n# TYPE a gauge\na{b=\"q\\\"\\n\\\\\"} +Inf 123\n",
                                  &e, &error))
      << error;
  EXPECT_EQ(e.samples.at(0).labels.at("b"), "q\"\n\\");
}

TEST(ObservabilityTest, RouteAndMethodLabels) {
  EXPECT_EQ(RouteLabel(Head("POST", "/api/adwords/cm/v201702/BatchJobService")), "soap");
  EXPECT_EQ(RouteLabel(Head("GET", "/api/adwords/cm/v201702/BatchJobService?wsdl")), "wsdl");
  EXPECT_EQ(RouteLabel(Head("PUT", "/batchjob/upload/1/2?sig=x")), "upload");
  EXPECT_EQ(RouteLabel(Head("GET", "/batchjob/results/1/2.xml")), "download");
  EXPECT_EQ(RouteLabel(Head("GET", "/metrics")), "metrics");
  EXPECT_EQ(RouteLabel(Head("GET", "/readyz?x")), "readyz");
  EXPECT_EQ(RouteLabel(Head("GET", "/favicon.ico")), "other");
  EXPECT_EQ(MethodLabel("PUT"), "PUT");
  EXPECT_EQ(MethodLabel("BREW"), "other");
}

TEST(ObservabilityTest, ReadyzAndMetricsExchanges) {
  auto ok = ReadyzExchange(Head("GET", "/readyz"), [] { return Status::Ok(); })->Finish();
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "ready\n");
  auto down =
      ReadyzExchange(Head("GET", "/readyz"), [] { return Unavailable("store: gone"); })->Finish();
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.body, "not ready: store: gone\n");
  EXPECT_EQ(ReadyzExchange(Head("PUT", "/readyz"), [] { return Status::Ok(); })->Finish().status,
            405);
  auto head =
      MetricsExchange(Head("HEAD", "/metrics"), [] { return std::string("a 1\n"); })->Finish();
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.head_only);
  bool typed = false;
  for (const auto& h : head.headers) {
    typed |= h.name == "Content-Type" && h.value == "text/plain; version=0.0.4; charset=utf-8";
  }
  EXPECT_TRUE(typed);
}

TEST(AccessGuardTest, OnlyTokensThatMayActForTheUrlsCustomer) {
  Result<soap::AccessPolicy> p = soap::AccessPolicy::Tokens({"d"}, {"tok-a 111", "tok-b 222"});
  ASSERT_TRUE(p.ok());
  const std::string url = UrlSigner("secret").DownloadUrl("", "222", 5, 99);
  ASSERT_EQ(url.rfind("/batchjob/results/222/5.xml?", 0), 0u) << url;
  auto with = [&](const std::string& auth) {
    http::RequestHead h = Head("GET", url);
    if (!auth.empty()) h.headers.push_back({"Authorization", auth});
    return h;
  };
  EXPECT_EQ(GuardSignedUrl(*p, with("")), nullptr);  // no token: the signed URL decides
  EXPECT_EQ(GuardSignedUrl(*p, with("Bearer tok-b")), nullptr);
  auto denied = GuardSignedUrl(*p, with("Bearer tok-a"));
  ASSERT_NE(denied, nullptr);
  EXPECT_EQ(denied->Finish().status, 403);
  auto unknown = GuardSignedUrl(*p, with("Bearer tok-z"));
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->Finish().status, 401);
  EXPECT_EQ(GuardSignedUrl(soap::AccessPolicy::Open(), with("Bearer tok-z")), nullptr);
  http::RequestHead junk = Head("GET", "/batchjob/results/nonsense");
  junk.headers.push_back({"Authorization", "Bearer tok-z"});
  EXPECT_EQ(GuardSignedUrl(*p, junk), nullptr);  // not a signed URL: the service answers 404
}

TEST(LoggingTest, RedactsSecretsAnywhereInText) {
  EXPECT_EQ(RedactTarget("/u/1/2?expires=9&sig=abc&upload_id=0123&access_token=t"),
            "/u/1/2?expires=9&sig=REDACTED&upload_id=REDACTED&access_token=REDACTED");
  EXPECT_EQ(RedactSecrets("url http://h/x?sig=abc&expires=1 and 'upload_id=ff' Bearer ya29.tok, x"),
            "url http://h/x?sig=REDACTED&expires=1 and 'upload_id=REDACTED' Bearer REDACTED, x");
  EXPECT_EQ(RedactSecrets("authorization: bearer abc"), "authorization: bearer REDACTED");
  EXPECT_EQ(RedactSecrets("design=1 signature=2 mysig=3"), "design=1 signature=2 mysig=3");
  EXPECT_EQ(RedactSecrets("sig="), "sig=");
  EXPECT_EQ(RedactSecrets("sig=&sig=x&upload_id=y\"z"), "sig=&sig=REDACTED&upload_id=REDACTED\"z");
  EXPECT_EQ(RedactSecrets("a=1 Bearer   tok=x,y bearer"), "a=1 Bearer REDACTED,y bearer");
  EXPECT_EQ(RedactSecrets("abearer x b=sig=1 =sig"), "abearer x b=sig=1 =sig");
  EXPECT_EQ(RedactSecrets("request_id=ab target=/u?sig=s1#f remote=x"),
            "request_id=ab target=/u?sig=REDACTED#f remote=x");
}

TEST(LoggingTest, EventLinesAreRedactedFieldByField) {
  // The text formatter does not redact event lines again: what FormatEvent gives is the line.
  EXPECT_EQ(FormatEvent(false, "request",
                        {{"target", std::string_view("/u/1?sig=s1&expires=2")},
                         {"upload_id", std::string_view("plain-looking")},
                         {"sig", std::string_view("")},
                         {"auth", std::string_view("Bearer ya29.x")},
                         {"status", int64_t{308}}}),
            "request target=/u/1?sig=REDACTED&expires=2 upload_id=REDACTED sig= auth=Bearer "
            "REDACTED status=308");
  std::map<std::string, std::string> fields;
  std::string error;
  const std::string json =
      "{" +
      FormatEvent(true, "request",
                  {{"access_token", std::string_view("t\"")}, {"ms", 1.5}, {"ok", true}}) +
      "}";
  ASSERT_TRUE(bg::testing::ParseJsonObject(json, &fields, &error)) << error << " " << json;
  EXPECT_EQ(fields["msg"], "request");
  EXPECT_EQ(fields["access_token"], "REDACTED");
}

TEST(LoggingTest, JsonEscapeAlwaysYieldsValidJson) {
  const std::string nasty = std::string("q\"b\\n\n\t\x01\x7f") + "\xc3\xa9" + "\xff" + "\xe2\x82";
  const std::string line = "{\"msg\":\"" + JsonEscape(nasty) + "\"}";
  std::map<std::string, std::string> fields;
  std::string error;
  ASSERT_TRUE(bg::testing::ParseJsonObject(line, &fields, &error)) << error << " " << line;
  EXPECT_EQ(fields["msg"].substr(0, 10), std::string("q\"b\\n\n\t\x01\x7f") + "\xc3");
  EXPECT_NE(fields["msg"].find("\xef\xbf\xbd"), std::string::npos);
}

}  // namespace
}  // namespace bg::app
