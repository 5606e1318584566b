// kill -9 mid-upload and mid-execution, and SIGTERM mid-execution: restart on the same data dir,
// finish: nothing acknowledged is lost and the results equal those of an uninterrupted run, byte
// for byte.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "integration/adwords_client.hpp"
#include "integration/test_server.hpp"

namespace bg::testing {
namespace {

constexpr char kNs[] = "https://adwords.google.com/api/adwords/cm/v201702";

// Budget, campaign, ad group and `keywords` keyword operations (one of them invalid).
std::string KeywordJob(int keywords) {
  std::string doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><mutate xmlns=\"" +
                    std::string(kNs) +
                    "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
                    "<operations xsi:type=\"BudgetOperation\"><operator>ADD</operator><operand>"
                    "<budgetId>-1</budgetId><name>Restart budget</name><amount><microAmount>"
                    "1000000</microAmount></amount></operand></operations>"
                    "<operations xsi:type=\"CampaignOperation\"><operator>ADD</operator>"
                    "<operand><id>-2</id><name>Restart campaign</name><budget><budgetId>-1"
                    "</budgetId></budget><advertisingChannelType>SEARCH</advertisingChannelType>"
                    "<biddingStrategyConfiguration><biddingStrategyType>MANUAL_CPC"
                    "</biddingStrategyType></biddingStrategyConfiguration></operand></operations>"
                    "<operations xsi:type=\"AdGroupOperation\"><operator>ADD</operator><operand>"
                    "<id>-3</id><campaignId>-2</campaignId><name>Restart ad group</name>"
                    "</operand></operations>";
  for (int k = 0; k < keywords; ++k) {
    doc += "<operations xsi:type=\"AdGroupCriterionOperation\"><operator>ADD</operator>"
           "<operand xsi:type=\"BiddableAdGroupCriterion\"><adGroupId>-3</adGroupId>"
           "<criterion xsi:type=\"Keyword\"><text>" +
           std::string(k == 7 ? "bad!keyword" : "restart keyword ") + std::to_string(k) +
           "</text><matchType>PHRASE</matchType></criterion></operand></operations>";
  }
  return doc + "</mutate>";
}

class RestartTest : public ServerTest {
 protected:
  // Runs `doc` to the end on a fresh server of its own; returns the results document.
  std::string UninterruptedResults(const std::string& customer, const std::string& doc) {
    TempDir dir("bg_ref_");
    ServerProcessOptions o;
    o.data_dir = dir.Join("data");
    ServerProcess ref(o);
    EXPECT_TRUE(ref.Start());
    AdWordsClient client(ref.base_url(), Credentials{customer});
    JobView job = client.Create();
    EXPECT_EQ(Upload(job.upload_url, DialectRequests(Dialect::kPython, doc)), "");
    JobView done = client.WaitTerminal(job.id, std::chrono::seconds(240));
    EXPECT_EQ(done.status, "DONE") << done.fault;
    return Fetch("GET", done.download_url).body;
  }

  // Replaces the server by one on the same data dir whose sandbox takes 50 µs per operation, so
  // that an interruption lands while a job runs.
  void StartSlowServer() {
    server_->Kill();
    ServerProcessOptions o;
    o.data_dir = dir_.Join("data");
    o.env = {{"BATCHGATE_FAULTS_LATENCY_US", "50"}};
    server_ = std::make_unique<ServerProcess>(o);
    ASSERT_TRUE(server_->Start());
  }

  // Polls job `id` (of `total` operations) until execution has committed progress and is still
  // running, then calls `interrupt` with the progress seen. False when the job finished first.
  static bool InterruptMidRun(const AdWordsClient& client, int64_t id, int64_t total,
                              const std::function<void(int64_t executed)>& interrupt) {
    bool interrupted = false;
    PollUntil(std::chrono::seconds(120), [&] {
      JobView v = client.Get(id);
      if (v.status == "ACTIVE" && v.executed > 0 && v.executed < total) {
        interrupt(v.executed);
        interrupted = true;
        return true;
      }
      return v.status == "DONE" || !v.fault.empty();
    });
    return interrupted;
  }

  // The finished job's results equal those of the same upload run without interruption.
  void ExpectUninterruptedResults(const JobView& done, const std::string& customer,
                                  const std::string& doc) {
    std::string results = Fetch("GET", done.download_url).body;
    std::string reference = UninterruptedResults(customer, doc);
    ASSERT_FALSE(reference.empty());
    EXPECT_TRUE(results == reference) << "results differ from an uninterrupted run (sizes "
                                      << results.size() << " vs " << reference.size() << ")";
  }
};

TEST_F(RestartTest, KillMidUploadThenResumeTheSession) {
  AdWordsClient client(base(), Credentials{});
  JobView job = client.Create();
  ASSERT_TRUE(job.fault.empty()) << job.fault;
  std::string doc = KeywordJob(3000);
  auto requests = DialectRequests(Dialect::kPerl, doc);  // chunk 1, chunk 1 again, final chunk
  ASSERT_EQ(requests.size(), 3u);

  auto start = Fetch("POST", job.upload_url, {{"x-goog-resumable", "start"}});
  ASSERT_EQ(start.status, 201);
  std::string session = start.Header("Location");
  auto first = Fetch("PUT", session, {{"Content-Range", requests[0].content_range}},
                     requests[0].body);
  ASSERT_EQ(first.status, 308);

  server_->Kill();
  ASSERT_TRUE(server_->Restart());
  client.set_base_url(base());
  session = Rebase(session, base());

  // The acknowledged chunk survived: a status query reports it.
  auto query = Fetch("PUT", session, {{"Content-Range", "bytes */*"}});
  EXPECT_EQ(query.status, 308);
  EXPECT_EQ(query.Header("Range"), "bytes=0-" + std::to_string(requests[0].body.size() - 1));
  EXPECT_EQ(client.Get(job.id).status, "AWAITING_FILE");

  auto last = Fetch("PUT", session, {{"Content-Range", requests[2].content_range}},
                    requests[2].body);
  ASSERT_EQ(last.status, 200) << last.body;
  JobView done = client.WaitTerminal(job.id, std::chrono::seconds(240));
  ASSERT_EQ(done.status, "DONE") << done.fault << done.processing_trigger;
  EXPECT_EQ(done.executed, 3003);
  EXPECT_EQ(done.succeeded, 3002);
  std::string error;
  auto rvals = ParseResults(Fetch("GET", done.download_url).body, "v201702", &error);
  ASSERT_EQ(error, "");
  ASSERT_EQ(rvals.size(), 3003u);
  for (const Rval& r : rvals) {
    if (r.index == 10) {
      EXPECT_EQ(r.reason, "KEYWORD_HAS_INVALID_CHARS");
    } else {
      EXPECT_EQ(r.error_type, "") << r.index << ": " << r.reason << " @ " << r.field_path << " "
                                  << r.trigger;
    }
  }
}

TEST_F(RestartTest, KillMidExecutionResumesWithIdenticalResults) {
  StartSlowServer();
  const std::string customer = "9876543210";
  const std::string doc = KeywordJob(20000);
  AdWordsClient client(base(), Credentials{customer});
  JobView job = client.Create();
  ASSERT_EQ(Upload(job.upload_url, DialectRequests(Dialect::kPython, doc)), "");

  // kill -9 once execution has committed progress, while it is still running.
  ASSERT_TRUE(InterruptMidRun(client, job.id, 20003, [&](int64_t) { server_->Kill(); }))
      << "the job finished before it could be interrupted";
  ASSERT_TRUE(server_->Restart());
  client.set_base_url(base());

  JobView done = client.WaitTerminal(job.id, std::chrono::seconds(240));
  ASSERT_EQ(done.status, "DONE") << done.fault;
  EXPECT_EQ(done.executed, 20003);
  ExpectUninterruptedResults(done, customer, doc);
}

// SIGTERM while a job runs: a graceful stop (exit status 0, no SIGKILL needed), a restart on the
// same data dir, and the job finishes DONE with the results of an uninterrupted run, byte for byte.
TEST_F(RestartTest, GracefulStopMidExecutionThenRestartFinishesIdentically) {
  StartSlowServer();
  const std::string customer = "5550001111";
  const std::string doc = KeywordJob(20000);
  AdWordsClient client(base(), Credentials{customer});
  JobView job = client.Create();
  ASSERT_EQ(Upload(job.upload_url, DialectRequests(Dialect::kPython, doc)), "");

  int exit_status = -1;
  int64_t executed_before_stop = 0;
  auto stop_took = std::chrono::steady_clock::duration::zero();
  ASSERT_TRUE(InterruptMidRun(client, job.id, 20003, [&](int64_t executed) {
    executed_before_stop = executed;
    auto t0 = std::chrono::steady_clock::now();
    exit_status = server_->Terminate(std::chrono::seconds(60));
    stop_took = std::chrono::steady_clock::now() - t0;
  })) << "the job finished before it could be interrupted";
  EXPECT_EQ(exit_status, 0) << "SIGTERM did not stop the server gracefully";
  // The job stopped at its next batch boundary instead of running to the end during shutdown
  // (the rest takes far longer than this at the slow server's pace).
  EXPECT_LT(stop_took, std::chrono::seconds(5));
  ASSERT_TRUE(server_->Start());
  client.set_base_url(base());
  // Committed progress survived the stop, and the job was left ACTIVE at its last checkpoint
  // for this start to resume.
  JobView after = client.Get(job.id);
  ASSERT_TRUE(after.fault.empty()) << after.fault;
  EXPECT_EQ(after.status, "ACTIVE");
  EXPECT_GE(after.executed, executed_before_stop);
  EXPECT_LT(after.executed, 20003);

  JobView done = client.WaitTerminal(job.id, std::chrono::seconds(240));
  ASSERT_EQ(done.status, "DONE") << done.fault;
  EXPECT_EQ(done.executed, 20003);
  EXPECT_EQ(done.succeeded, 20002);
  EXPECT_EQ(done.results_written, 20003);
  ExpectUninterruptedResults(done, customer, doc);
}

}  // namespace
}  // namespace bg::testing
