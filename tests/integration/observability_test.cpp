// /healthz, /readyz, /metrics and the JSON logs of a real server around a real job: the format
// parses (support/prometheus_text.hpp, support/json_lite.hpp), the counters move by what the job
// did, each request line carries the SOAP ResponseHeader's requestId, and no signature, session
// id or token reaches the log.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <pugixml.hpp>
#include <sstream>
#include <string>

#include "integration/ops_support.hpp"
#include "support/json_lite.hpp"
#include "support/prometheus_text.hpp"
#include "support/server_process.hpp"

namespace bg::testing {
namespace {

constexpr char kNs[] = "https://adwords.google.com/api/adwords/cm/v201702";

std::string QueryParam(const std::string& url, const std::string& name) {
  size_t p = url.find(name + "=");
  if (p == std::string::npos) return "";
  size_t start = p + name.size() + 1;
  return url.substr(start, url.find('&', start) - start);
}

class ObservabilityTest : public ::testing::Test {
 protected:
  void StartServer(std::vector<std::pair<std::string, std::string>> env = {}) {
    ServerProcessOptions o;
    o.data_dir = dir_.Join("data");
    env.emplace_back("BATCHGATE_LOG_FORMAT", "json");
    o.env = std::move(env);
    o.stderr_path = log_path();
    server_ = std::make_unique<ServerProcess>(o);
    ASSERT_TRUE(server_->Start());
  }
  std::string log_path() const { return dir_.Join("server.log"); }
  const std::string& base() const { return server_->base_url(); }

  // The access log (and so the request metrics) runs after a response is written: a scrape right
  // after a response may not count it yet. ScrapeUntil polls until `ready` holds.
  PromExposition ScrapeUntil(const std::function<bool(const PromExposition&)>& ready) {
    PromExposition e;
    PollUntil(std::chrono::seconds(10), [&] {
      e = Scrape();
      return ready(e);
    });
    return e;
  }

  PromExposition Scrape() {
    HttpResponse r = Fetch("GET", base() + "/metrics");
    EXPECT_EQ(r.status, 200) << r.error;
    EXPECT_EQ(r.Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    PromExposition e;
    std::string error;
    EXPECT_TRUE(ParsePrometheusText(r.body, &e, &error)) << error << "\n" << r.body;
    return e;
  }

  TempDir dir_{"bg_obs_"};
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ObservabilityTest, HealthAndReadiness) {
  StartServer();
  HttpResponse r = Fetch("GET", base() + "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
  r = Fetch("GET", base() + "/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ready\n");
  EXPECT_EQ(Fetch("HEAD", base() + "/readyz").status, 200);
  r = Fetch("POST", base() + "/readyz", {}, "x");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow"), "GET, HEAD");
  EXPECT_EQ(Fetch("DELETE", base() + "/metrics").status, 405);
}

TEST_F(ObservabilityTest, MetricsMoveWithARealJob) {
  StartServer();
  const PromExposition before = Scrape();
  EXPECT_EQ(before.types.at("batchgate_http_requests_total"), "counter");
  EXPECT_EQ(before.types.at("batchgate_http_request_duration_seconds"), "histogram");
  EXPECT_EQ(before.types.at("batchgate_jobs"), "gauge");
  EXPECT_EQ(before.Value("batchgate_jobs", {{"status", "DONE"}}), 0);
  EXPECT_EQ(before.Value("batchgate_ready"), 1);
  EXPECT_EQ(before.Value("batchgate_store_up"), 1);
  EXPECT_EQ(before.Value("batchgate_operations_executed_total"), 0);

  AdWordsClient client(base(), Credentials{});
  JobView done = RunSampleJob(client);
  ASSERT_TRUE(done.fault.empty()) << done.fault;
  ASSERT_EQ(Fetch("GET", done.download_url).status, 200);
  // One more job with an open upload session.
  JobView pending = client.Create();
  ASSERT_TRUE(pending.fault.empty());
  ASSERT_EQ(Fetch("POST", pending.upload_url, {{"x-goog-resumable", "start"}}).status, 201);

  const PromExposition after = ScrapeUntil([](const PromExposition& e) {
    return e.Sum("batchgate_http_requests_total", {{"route", "upload"}, {"code", "201"}}) >= 2 &&
           e.Sum("batchgate_http_requests_total", {{"route", "download"}}) >= 1 &&
           e.Value("batchgate_jobs_finished_total") >= 1;  // counted after the commit
  });
  const std::string doc =
      ReadFile(std::string(BG_FIXTURES_DIR) + "/uploads/" + DialectFixture(Dialect::kJavaAxis));
  EXPECT_GE(after.Sum("batchgate_http_requests_total", {{"route", "soap"}, {"code", "200"}}) -
                before.Sum("batchgate_http_requests_total", {{"route", "soap"}, {"code", "200"}}),
            3);  // two ADDs and at least one get
  EXPECT_EQ(after.Sum("batchgate_http_requests_total", {{"route", "upload"}, {"code", "201"}}), 2);
  EXPECT_GE(after.Sum("batchgate_http_requests_total", {{"route", "upload"}, {"code", "200"}}), 1);
  EXPECT_EQ(after.Value("batchgate_http_requests_total",
                        {{"route", "download"}, {"method", "GET"}, {"code", "200"}}),
            1);
  EXPECT_GE(after.Value("batchgate_http_request_duration_seconds_count", {{"route", "soap"}}), 3);
  EXPECT_GE(after.Value("batchgate_upload_bytes_total").value_or(0),
            static_cast<double>(doc.size()));
  EXPECT_EQ(after.Value("batchgate_operations_executed_total"), 6);
  EXPECT_EQ(after.Value("batchgate_jobs_finished_total"), 1);
  EXPECT_GE(after.Value("batchgate_executor_batches_total").value_or(0), 1);
  EXPECT_EQ(after.Value("batchgate_jobs", {{"status", "DONE"}}), 1);
  EXPECT_EQ(after.Value("batchgate_jobs", {{"status", "AWAITING_FILE"}}), 1);
  EXPECT_EQ(after.Value("batchgate_stored_operations", {{"outcome", "succeeded"}}), 5);
  EXPECT_EQ(after.Value("batchgate_stored_operations", {{"outcome", "failed"}}), 1);
  EXPECT_EQ(after.Value("batchgate_upload_sessions_open"), 1);
  EXPECT_GT(after.Value("batchgate_store_bytes", {{"part", "results"}}).value_or(0), 0);
  EXPECT_GE(after.Value("batchgate_store_bytes", {{"part", "uploads"}}).value_or(0),
            static_cast<double>(doc.size()));
  EXPECT_GT(after.Value("batchgate_store_bytes", {{"part", "database"}}).value_or(0), 0);
  // The metrics scrape itself is counted on the next one.
  EXPECT_GE(after.Sum("batchgate_http_requests_total", {{"route", "metrics"}}), 1);
}

TEST_F(ObservabilityTest, RetriesAreCounted) {
  StartServer({{"BATCHGATE_FAULTS_ERROR_RATE", "0.5"},
               {"BATCHGATE_EXECUTOR_RETRY_LIMIT", "30"},
               {"BATCHGATE_EXECUTOR_RETRY_BASE_MS", "1"},
               {"BATCHGATE_EXECUTOR_RETRY_MAX_MS", "2"}});
  JobView done = RunSampleJob(AdWordsClient(base(), Credentials{}));
  ASSERT_TRUE(done.fault.empty()) << done.fault;
  const PromExposition e = Scrape();
  EXPECT_EQ(e.Value("batchgate_operations_executed_total"), 6);
  const double failures = e.Value("batchgate_operations_transient_failures_total").value_or(0);
  const double retried = e.Value("batchgate_operations_retried_total").value_or(0);
  EXPECT_GT(retried, 0);
  EXPECT_EQ(failures,
            retried + e.Value("batchgate_operations_retries_exhausted_total").value_or(0));
}

TEST_F(ObservabilityTest, JsonLogLinesCarryTheRequestIdAndNoSecrets) {
  StartServer();
  AdWordsClient client(base(), Credentials{"123-456-7890", "dev-token", "secret-access-token"});
  HttpResponse created = client.Call(std::string("<mutate xmlns=\"") + kNs +
                                     "\"><operations><operator>ADD</operator><operand/>"
                                     "</operations></mutate>");
  ASSERT_EQ(created.status, 200) << created.body;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(created.body.c_str()));
  const std::string request_id =
      doc.select_node("//*[local-name()='requestId']").node().text().as_string();
  ASSERT_EQ(request_id.size(), 32u);
  std::string fault;
  std::vector<JobView> jobs = ParseJobs(created.body, &fault);
  ASSERT_EQ(jobs.size(), 1u) << fault;
  const std::string upload_url = jobs[0].upload_url;
  HttpResponse start = Fetch("POST", upload_url, {{"x-goog-resumable", "start"}});
  ASSERT_EQ(start.status, 201);
  const std::string session = start.Header("Location");
  const std::string signature = QueryParam(upload_url, "sig");
  const std::string upload_id = QueryParam(session, "upload_id");
  ASSERT_GE(signature.size(), 32u);
  ASSERT_EQ(upload_id.size(), 32u);
  // A token in a query must not be logged either.
  Fetch("GET", base() + "/healthz?access_token=secret-query-token");
  ASSERT_EQ(server_->Terminate(), 0);

  const std::string log = ReadFile(log_path());
  ASSERT_FALSE(log.empty());
  std::istringstream lines(log);
  std::string line;
  int requests = 0;
  bool found_soap = false, found_upload = false;
  while (std::getline(lines, line)) {
    std::map<std::string, std::string> f;
    std::string error;
    ASSERT_TRUE(ParseJsonObject(line, &f, &error)) << error << ": " << line;
    EXPECT_EQ(f.count("time"), 1u) << line;
    EXPECT_EQ(f.count("level"), 1u) << line;
    EXPECT_EQ(f.count("msg"), 1u) << line;
    if (f["msg"] != "request") continue;
    ++requests;
    EXPECT_EQ(f["request_id"].size(), 32u) << line;
    EXPECT_EQ(f["request_id"].find_first_not_of("0123456789abcdef"), std::string::npos);
    if (f["request_id"] == request_id) {
      found_soap = true;
      EXPECT_EQ(f["route"], "soap");
      EXPECT_EQ(f["method"], "POST");
      EXPECT_EQ(f["status"], "200");
      EXPECT_EQ(f["target"], "/api/adwords/cm/v201702/BatchJobService");
    }
    if (f["route"] == "upload") {
      found_upload = true;
      EXPECT_NE(f["target"].find("sig=REDACTED"), std::string::npos) << line;
      EXPECT_EQ(f["status"], "201");
    }
  }
  EXPECT_EQ(requests, 3);
  EXPECT_TRUE(found_soap) << "no request line with requestId " << request_id << "\n" << log;
  EXPECT_TRUE(found_upload);
  EXPECT_EQ(log.find(signature), std::string::npos);
  EXPECT_EQ(log.find(upload_id), std::string::npos);
  EXPECT_EQ(log.find("secret-access-token"), std::string::npos);
  EXPECT_EQ(log.find("secret-query-token"), std::string::npos);
  EXPECT_NE(log.find("access_token=REDACTED"), std::string::npos);
}

}  // namespace
}  // namespace bg::testing
