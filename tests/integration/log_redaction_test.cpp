// Secrets never reach the log (DESIGN.md decision 7): a whole create/upload/download flow with an
// Authorization bearer token and a developer token, plus refused requests, against the real
// server logging at debug level into a file; the log has the requests, with REDACTED in place of
// every URL signature and upload session id, and none of the secrets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "integration/adwords_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace bg::testing {
namespace {

// The value of query parameter `key` of `url` ("" when absent).
std::string QueryParam(const std::string& url, const std::string& key) {
  size_t q = url.find('?');
  if (q == std::string::npos) return "";
  size_t at = q;
  while (at != std::string::npos) {
    size_t start = at + 1;
    if (url.compare(start, key.size() + 1, key + "=") == 0) {
      size_t end = url.find('&', start);
      start += key.size() + 1;
      return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
    at = url.find('&', start);
  }
  return "";
}

TEST(LogRedactionTest, NoSecretReachesTheLog) {
  TempDir dir("bg_log_");
  const std::string log_path = dir.Join("server.log");
  ServerProcessOptions o;
  o.data_dir = dir.Join("data");
  o.stderr_path = log_path;
  o.env = {{"BATCHGATE_LOG_LEVEL", "debug"}};
  ServerProcess server(o);
  ASSERT_TRUE(server.Start());

  Credentials creds;
  creds.customer_id = "321-654-0987";
  creds.developer_token = "devtoken-SECRET-5be1c9";
  creds.bearer = "ya29.bearer-SECRET-0d93e7";
  AdWordsClient client(server.base_url(), creds);
  JobView job = client.Create();
  ASSERT_TRUE(job.fault.empty()) << job.fault;
  const std::string upload_sig = QueryParam(job.upload_url, "sig");
  ASSERT_GE(upload_sig.size(), 32u) << job.upload_url;

  // The resumable upload, step by step (the session id is in the Location).
  HttpResponse start = Fetch("POST", job.upload_url, {{"x-goog-resumable", "start"}});
  ASSERT_EQ(start.status, 201);
  const std::string session = start.Header("Location");
  const std::string upload_id = QueryParam(session, "upload_id");
  ASSERT_EQ(upload_id.size(), 32u) << session;
  std::vector<UploadRequest> puts = DialectRequests(Dialect::kPerl, BudgetJobDocument(3000, "log"));
  ASSERT_GE(puts.size(), 2u);
  for (size_t i = 0; i < puts.size(); ++i) {
    HttpResponse r =
        Fetch("PUT", session, {{"Content-Range", puts[i].content_range}}, puts[i].body);
    ASSERT_EQ(r.status, i + 1 == puts.size() ? 200 : 308) << r.body;
  }
  EXPECT_EQ(Fetch("PUT", session, {{"Content-Range", "bytes */*"}}).status, 200);

  JobView done = client.WaitTerminal(job.id, std::chrono::seconds(120));
  ASSERT_EQ(done.status, "DONE") << done.fault;
  const std::string download_sig = QueryParam(done.download_url, "sig");
  ASSERT_GE(download_sig.size(), 32u) << done.download_url;
  EXPECT_EQ(Fetch("GET", done.download_url).status, 200);
  EXPECT_EQ(Fetch("HEAD", done.download_url).status, 200);

  // Refused requests are logged too, and must not leak what they carried either.
  std::string forged = done.download_url;
  forged.replace(forged.find(download_sig), 4, "0000");
  EXPECT_EQ(Fetch("GET", forged).status, 403);
  std::string bad_session = session;
  bad_session.replace(bad_session.find(upload_id), 4, "ffff");
  EXPECT_NE(Fetch("PUT", bad_session, {{"Content-Range", "bytes */*"}}).status, 200);
  AdWordsClient no_token(server.base_url(), {creds.customer_id, creds.developer_token, ""});
  EXPECT_FALSE(no_token.Get(job.id).fault.empty());

  // A graceful stop flushes the log.
  EXPECT_EQ(server.Terminate(), 0);
  const std::string log = ReadFile(log_path);
  ASSERT_FALSE(log.empty()) << log_path;
  // The requests are there (the test is not vacuous)...
  EXPECT_NE(log.find("/batchjob/upload/"), std::string::npos) << log;
  EXPECT_NE(log.find("/batchjob/results/"), std::string::npos) << log;
  EXPECT_NE(log.find("/api/adwords/cm/v201702/BatchJobService"), std::string::npos);
  EXPECT_NE(log.find("sig=REDACTED"), std::string::npos);
  EXPECT_NE(log.find("upload_id=REDACTED"), std::string::npos);
  // ...and none of the secrets.
  const std::string forged_sig = QueryParam(forged, "sig");
  const std::string forged_id = QueryParam(bad_session, "upload_id");
  const std::string signing_key = ReadFile(o.data_dir + "/signing.key");
  for (const std::string& secret : {upload_sig, download_sig, forged_sig, upload_id, forged_id,
                                    creds.bearer, creds.developer_token, std::string("Bearer ")}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "the log holds '" << secret << "'";
  }
  ASSERT_FALSE(signing_key.empty());
  EXPECT_EQ(log.find(signing_key), std::string::npos) << "the log holds the signing key";
}

}  // namespace
}  // namespace bg::testing
