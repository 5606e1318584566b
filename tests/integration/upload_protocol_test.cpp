// The resumable-upload and download protocol through the real server: status queries and resume,
// cancel, JSON errors, Expect: 100-continue, the per-customer quota (HTTP and SOAP sides) and the
// lifetimes of uploadUrl / downloadUrl with the retention sweep.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "integration/adwords_client.hpp"
#include "integration/test_server.hpp"

namespace bg::testing {
namespace {

std::string PythonDoc() { return ReadFile(std::string(BG_FIXTURES_DIR) + "/uploads/python.xml"); }

// A server with extra configuration (environment variables).
class ConfiguredServer {
 public:
  using Env = std::vector<std::pair<std::string, std::string>>;
  explicit ConfiguredServer(Env env) {
    ServerProcessOptions o;
    o.data_dir = dir_.Join("data");
    o.env = std::move(env);
    server_ = std::make_unique<ServerProcess>(o);
  }
  ::testing::AssertionResult Start() { return server_->Start(); }
  const std::string& base() const { return server_->base_url(); }
  std::string data_dir() { return dir_.Join("data"); }

 private:
  TempDir dir_{"bg_upl_"};
  std::unique_ptr<ServerProcess> server_;
};

class UploadProtocolTest : public ServerTest {
 protected:
  // Creates a job and starts its session; returns the session URL.
  std::string NewSession(JobView* job = nullptr) {
    AdWordsClient client(base(), Credentials{});
    JobView j = client.Create();
    EXPECT_TRUE(j.fault.empty()) << j.fault;
    auto start = Fetch("POST", j.upload_url,
                       {{"Content-Type", "application/xml"}, {"x-goog-resumable", "start"}});
    EXPECT_EQ(start.status, 201) << start.body;
    if (job != nullptr) *job = j;
    return start.Header("Location");
  }
};

// A client that lost track (like .NET resuming) asks where to continue, resends from there and
// finishes; the job runs to DONE on exactly the bytes sent.
TEST_F(UploadProtocolTest, ResumeThroughStatusQueries) {
  JobView job;
  const std::string session = NewSession(&job);
  const std::string doc = PadToUnit(PythonDoc()) + std::string(kPadUnit, ' ');
  const size_t n = doc.size();
  ASSERT_GE(n, 2 * kPadUnit);

  auto empty = Fetch("PUT", session, {{"Content-Range", "bytes */*"}});
  EXPECT_EQ(empty.status, 308);
  EXPECT_FALSE(empty.HasHeader("Range"));
  auto c1 = Fetch("PUT", session, {{"Content-Range", "bytes 0-262143/*"}}, doc.substr(0, kPadUnit));
  ASSERT_EQ(c1.status, 308);
  // The "connection dropped" case: a status query tells where to go on; ".NET" asks with */0.
  auto q = Fetch("PUT", session, {{"Content-Range", "bytes */0"}, {"Content-Length", "0"}});
  EXPECT_EQ(q.status, 308);
  EXPECT_EQ(q.Header("Range"), "bytes=0-262143");
  // Resending the first chunk changes nothing.
  EXPECT_EQ(Fetch("PUT", session, {{"Content-Range", "bytes 0-262143/*"}}, doc.substr(0, kPadUnit))
                .status,
            308);
  const std::string rest = doc.substr(kPadUnit);
  auto fin = Fetch(
      "PUT", session,
      {{"Content-Range", "bytes 262144-" + std::to_string(n - 1) + "/" + std::to_string(n)}}, rest);
  ASSERT_EQ(fin.status, 200) << fin.body;
  EXPECT_NE(fin.body.find("\"size\":\"" + std::to_string(n) + "\""), std::string::npos);
  auto done = Fetch("PUT", session, {{"Content-Range", "bytes */*"}});
  EXPECT_EQ(done.status, 200);
  EXPECT_NE(done.body.find("\"size\""), std::string::npos);
  // A PUT after completion answers 200 as well and stores nothing.
  EXPECT_EQ(Fetch("PUT", session, {{"Content-Range", "bytes 0-3/4"}}, "junk").status, 200);

  AdWordsClient client(base(), Credentials{});
  JobView end = client.WaitTerminal(job.id, std::chrono::seconds(60));
  EXPECT_EQ(end.status, "DONE") << end.fault << end.processing_reason;
  ASSERT_FALSE(end.download_url.empty());
  auto got = Fetch("GET", end.download_url, {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(got.status, 200);
  EXPECT_FALSE(got.HasHeader("Content-Encoding"));
  EXPECT_EQ(got.Header("Content-Length"), std::to_string(got.body.size()));
  EXPECT_FALSE(got.Header("ETag").empty());
  std::string error;
  EXPECT_FALSE(ParseResults(got.body, "v201702", &error).empty());
  EXPECT_EQ(error, "");
  auto range = Fetch("GET", end.download_url, {{"Range", "bytes=0-9"}});
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(range.body, got.body.substr(0, 10));
  EXPECT_EQ(Fetch("GET", end.download_url, {{"Range", "bytes=99999999-"}}).status, 416);
}

TEST_F(UploadProtocolTest, ExpectContinueAndHeaderNamesInAnyCase) {
  const std::string session = NewSession();
  auto url = ParseHttpUrl(session);
  ASSERT_TRUE(url.has_value());
  std::string error;
  auto conn = HttpConnection::Connect(url->host, url->port, &error);
  ASSERT_NE(conn, nullptr) << error;
  ASSERT_TRUE(conn->WriteRaw("PUT " + url->target + " HTTP/1.1\r\nhost: " + url->host +
                             "\r\nCONTENT-RANGE: bytes 0-4/*\r\ncontent-length: 5\r\n"
                             "expect: 100-continue\r\nX-GOOG-RESUMABLE: start\r\n\r\n"));
  HttpResponse interim = conn->ReadResponse();
  EXPECT_EQ(interim.status, 100);
  ASSERT_TRUE(conn->WriteRaw("<muta"));
  HttpResponse r = conn->ReadResponse();
  EXPECT_EQ(r.status, 308) << r.body;
  EXPECT_EQ(r.Header("range"), "bytes=0-4");
  // POST carries chunks too (Go style).
  auto post = Fetch("POST", session, {{"Content-Range", "bytes 5-7/8"}}, "te/");
  EXPECT_EQ(post.status, 200) << post.body;
}

TEST_F(UploadProtocolTest, DeleteCancelsTheSessionAndTheJobWaitsForANewOne) {
  JobView job;
  const std::string session = NewSession(&job);
  ASSERT_EQ(Fetch("PUT", session, {{"Content-Range", "bytes 0-9/*"}}, "0123456789").status, 308);
  auto del = Fetch("DELETE", session, {{"Content-Length", "0"}});
  EXPECT_EQ(del.status, 499);
  EXPECT_EQ(Fetch("DELETE", session, {{"Content-Length", "0"}}).status, 499);
  EXPECT_EQ(Fetch("PUT", session, {{"Content-Range", "bytes */*"}}).status, 499);
  AdWordsClient client(base(), Credentials{});
  EXPECT_EQ(client.Get(job.id).status, "AWAITING_FILE");
  // The uploadUrl still works: a new session, a whole upload, a finished job.
  ASSERT_EQ(Upload(job.upload_url, DialectRequests(Dialect::kPython, PythonDoc())), "");
  EXPECT_EQ(client.WaitTerminal(job.id, std::chrono::seconds(60)).status, "DONE");
  EXPECT_EQ(Fetch("PUT", session, {{"Content-Range", "bytes */*"}}).status, 499);
}

TEST_F(UploadProtocolTest, ErrorsAreXmlOrJsonAsAsked) {
  const std::string session = NewSession();
  auto xml = Fetch("PUT", session, {{"Content-Range", "bytes 5-1/*"}}, "");
  EXPECT_EQ(xml.status, 400);
  EXPECT_EQ(xml.body.rfind("<?xml version='1.0' encoding='UTF-8'?><Error><Code>", 0), 0u);
  auto json =
      Fetch("PUT", session, {{"Content-Range", "bytes 5-1/*"}, {"Accept", "application/json"}});
  EXPECT_EQ(json.status, 400);
  EXPECT_NE(json.Header("Content-Type").find("application/json"), std::string::npos);
  EXPECT_EQ(json.body.rfind("{\"error\":{\"code\":400,\"message\":", 0), 0u) << json.body;
  EXPECT_NE(json.body.find("\"errors\":["), std::string::npos);
  // Mismatched body length, contradicting total: 400 too.
  EXPECT_EQ(Fetch("PUT", session, {{"Content-Range", "bytes 0-9/*"}}, "abc").status, 400);
  ASSERT_EQ(Fetch("PUT", session, {{"Content-Range", "bytes 0-2/10"}}, "abc").status, 308);
  EXPECT_EQ(Fetch("PUT", session, {{"Content-Range", "bytes 3-5/11"}}, "def").status, 400);
}

// upload.quota_bytes caps a customer's pending bytes: a chunk past it gets 403, mutate ADD with
// nothing left gets DISK_QUOTA_EXCEEDED, and diskUsageQuotaBalance reports what is left in KB.
TEST(UploadQuotaIntegrationTest, QuotaIsEnforcedOnChunksAndOnAdd) {
  ConfiguredServer server(ConfiguredServer::Env{{"BATCHGATE_UPLOAD_QUOTA_BYTES", "300000"}});
  ASSERT_TRUE(server.Start());
  AdWordsClient client(server.base(), Credentials{});
  auto add = client.Call(
      "<mutate xmlns=\"https://adwords.google.com/api/adwords/cm/v201702\"><operations>"
      "<operator>ADD</operator><operand/></operations></mutate>");
  ASSERT_EQ(add.status, 200) << add.body;
  EXPECT_NE(add.body.find("<diskUsageQuotaBalance>292</diskUsageQuotaBalance>"),
            std::string::npos)
      << add.body;  // 300000 / 1024
  std::string fault;
  JobView a = ParseJobs(add.body, &fault).at(0);
  auto start = Fetch("POST", a.upload_url, {{"x-goog-resumable", "start"}});
  ASSERT_EQ(start.status, 201);
  const std::string session = start.Header("Location");
  ASSERT_EQ(
      Fetch("PUT", session, {{"Content-Range", "bytes 0-262143/*"}}, std::string(kPadUnit, ' '))
          .status,
      308);

  auto add2 = client.Call(
      "<mutate xmlns=\"https://adwords.google.com/api/adwords/cm/v201702\"><operations>"
      "<operator>ADD</operator><operand/></operations></mutate>");
  EXPECT_NE(add2.body.find("<diskUsageQuotaBalance>36</diskUsageQuotaBalance>"),
            std::string::npos)
      << add2.body;  // (300000 - 262144) / 1024
  // Another chunk of 262144 does not fit: refused, nothing stored.
  auto over = Fetch("PUT", session, {{"Content-Range", "bytes 262144-524287/*"}},
                    std::string(kPadUnit, ' '));
  EXPECT_EQ(over.status, 403);
  EXPECT_NE(over.body.find("QuotaExceeded"), std::string::npos) << over.body;
  auto q = Fetch("PUT", session, {{"Content-Range", "bytes */*"}});
  EXPECT_EQ(q.Header("Range"), "bytes=0-262143");
  // Fill the rest exactly: then ADD fails with DISK_QUOTA_EXCEEDED.
  ASSERT_EQ(Fetch("PUT", session, {{"Content-Range", "bytes 262144-299999/*"}},
                  std::string(300000 - kPadUnit, ' '))
                .status,
            308);
  JobView refused = client.Create();
  EXPECT_NE(refused.fault.find("DISK_QUOTA_EXCEEDED"), std::string::npos) << refused.fault;
  // Another customer is not affected.
  AdWordsClient other(server.base(), Credentials{"555-000-1111", "dev", "tok"});
  EXPECT_EQ(other.Create().status, "AWAITING_FILE");
}

// Short lifetimes: the expired session answers 404 and its partial upload is deleted; past the
// results retention get omits downloadUrl, the URL answers 404 and the files are deleted.
TEST(UrlLifetimeIntegrationTest, ExpiredUploadsAndResultsAreDeleted) {
  ConfiguredServer server(
      ConfiguredServer::Env{{"BATCHGATE_UPLOAD_TTL_SECONDS", "3"},
                            {"BATCHGATE_RESULTS_TTL_SECONDS", "3"},
                            {"BATCHGATE_RETENTION_SWEEP_INTERVAL_SECONDS", "1"}});
  ASSERT_TRUE(server.Start());
  AdWordsClient client(server.base(), Credentials{});
  JobView pending = client.Create();
  auto start = Fetch("POST", pending.upload_url, {{"x-goog-resumable", "start"}});
  ASSERT_EQ(start.status, 201);
  const std::string session = start.Header("Location");
  ASSERT_EQ(Fetch("PUT", session, {{"Content-Range", "bytes 0-9/*"}}, "0123456789").status, 308);
  const std::string upload_file =
      server.data_dir() + "/uploads/" + std::to_string(pending.id) + ".upload";
  EXPECT_TRUE(std::filesystem::exists(upload_file));

  JobView done = client.Create();
  ASSERT_EQ(Upload(done.upload_url, DialectRequests(Dialect::kPython, PythonDoc())), "");
  JobView end = client.WaitTerminal(done.id, std::chrono::seconds(60));
  ASSERT_EQ(end.status, "DONE");
  const std::string results_file =
      server.data_dir() + "/results/" + std::to_string(done.id) + ".xml";

  EXPECT_TRUE(PollUntil(std::chrono::seconds(20), [&] {
    return Fetch("PUT", session, {{"Content-Range", "bytes */*"}}).status == 404 &&
           !std::filesystem::exists(upload_file);
  }));
  EXPECT_TRUE(PollUntil(std::chrono::seconds(20), [&] {
    return client.Get(done.id).download_url.empty() && !std::filesystem::exists(results_file);
  }));
  JobView after = client.Get(done.id);
  EXPECT_EQ(after.status, "DONE");  // the job row stays; only its files are gone
  EXPECT_TRUE(after.download_url.empty());
  if (!end.download_url.empty()) EXPECT_EQ(Fetch("GET", end.download_url).status, 404);
  // The job whose uploadUrl expired ended (see the next test).
  EXPECT_EQ(client.WaitTerminal(pending.id, std::chrono::seconds(20)).status, "CANCELED");
}

// A job whose uploadUrl expires before its upload is complete does not wait for ever in
// AWAITING_FILE (where every client's poll loop would spin): the sweep deletes the partial upload
// and the job ends CANCELED with processingErrors BatchJobProcessingError.DEADLINE_EXCEEDED (the
// trigger is the uploadUrl's expiration) and an empty, downloadable results document.
TEST(UrlLifetimeIntegrationTest, AJobWhoseUploadUrlExpiredEndsCanceled) {
  ConfiguredServer server(ConfiguredServer::Env{
      {"BATCHGATE_UPLOAD_TTL_SECONDS", "3"}, {"BATCHGATE_RETENTION_SWEEP_INTERVAL_SECONDS", "1"}});
  ASSERT_TRUE(server.Start());
  AdWordsClient client(server.base(), Credentials{});
  HttpResponse add = client.Call(
      "<mutate xmlns=\"https://adwords.google.com/api/adwords/cm/v201702\"><operations>"
      "<operator>ADD</operator><operand/></operations></mutate>");
  std::string fault;
  std::vector<JobView> jobs = ParseJobs(add.body, &fault);
  ASSERT_EQ(jobs.size(), 1u) << fault << add.body;
  const JobView job = jobs[0];
  const size_t at = add.body.find("<expiration>");
  ASSERT_NE(at, std::string::npos) << add.body;
  const std::string expiration =
      add.body.substr(at + 12, add.body.find("</expiration>", at) - at - 12);

  auto start = Fetch("POST", job.upload_url, {{"x-goog-resumable", "start"}});
  ASSERT_EQ(start.status, 201);
  const std::string session = start.Header("Location");
  ASSERT_EQ(Fetch("PUT", session, {{"Content-Range", "bytes 0-9/*"}}, "<mutate   ").status, 308);
  EXPECT_EQ(client.Get(job.id).status, "AWAITING_FILE");  // before the expiry

  JobView end = client.WaitTerminal(job.id, std::chrono::seconds(30));
  ASSERT_TRUE(end.fault.empty()) << end.fault;
  EXPECT_EQ(end.status, "CANCELED");
  EXPECT_EQ(end.processing_reason, "DEADLINE_EXCEEDED");
  EXPECT_EQ(end.processing_error_string, "BatchJobProcessingError.DEADLINE_EXCEEDED");
  EXPECT_EQ(end.processing_trigger, expiration);
  EXPECT_EQ(end.executed, 0);
  EXPECT_EQ(end.results_written, 0);
  EXPECT_FALSE(std::filesystem::exists(server.data_dir() + "/uploads/" + std::to_string(job.id) +
                                       ".upload"));
  // The session is gone and the job cannot be revived or canceled again.
  EXPECT_EQ(Fetch("PUT", session, {{"Content-Range", "bytes */*"}}).status, 404);
  EXPECT_NE(client.Cancel(job.id).fault.find("BatchJobError.INVALID_STATE_CHANGE"),
            std::string::npos);
  // Empty results, as for any job canceled without running an operation.
  ASSERT_FALSE(end.download_url.empty());
  HttpResponse got = Fetch("GET", end.download_url);
  ASSERT_EQ(got.status, 200);
  std::string error;
  EXPECT_TRUE(ParseResults(got.body, "v201702", &error).empty());
  EXPECT_EQ(error, "");
}

}  // namespace
}  // namespace bg::testing
