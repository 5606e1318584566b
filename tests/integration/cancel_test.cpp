// Cancelling an ACTIVE job over SOAP (issue 2: mutate SET status=CANCELING on an ACTIVE job): the
// job is slowed down by the fault-injecting latency backend so that the cancel lands while it
// runs; it ends CANCELED, and its downloadable partial results hold one <rval> per executed
// operation, in order, matching progressStats.
#include <gtest/gtest.h>

#include <string>

#include "integration/adwords_client.hpp"
#include "integration/test_server.hpp"

namespace bg::testing {
namespace {

constexpr int kBudgets = 1000;

class CancelTest : public ServerTest {
 protected:
  void SetUp() override {
    // 2 ms per operation and a batch commit at least every 20 ms: the 1000 operations take
    // at least 2 s, with progress visible all along.
    ServerProcessOptions o;
    o.data_dir = dir_.Join("data");
    o.env = {{"BATCHGATE_FAULTS_LATENCY_US", "2000"}, {"BATCHGATE_EXECUTOR_MAX_BATCH_MS", "20"}};
    server_ = std::make_unique<ServerProcess>(o);
    ASSERT_TRUE(server_->Start());
  }
};

TEST_F(CancelTest, CancelingAnActiveJobOverSoapKeepsThePartialResults) {
  AdWordsClient client(base(), Credentials{});
  JobView job = client.Create();
  ASSERT_TRUE(job.fault.empty()) << job.fault;
  ASSERT_EQ(Upload(job.upload_url,
                   DialectRequests(Dialect::kPython, BudgetJobDocument(kBudgets, "cancel"))),
            "");

  // Cancel once the job runs and has committed progress.
  JobView running;
  ASSERT_TRUE(PollUntil(
      std::chrono::seconds(60),
      [&] {
        running = client.Get(job.id);
        return !running.fault.empty() || running.status != "ACTIVE" || running.executed > 0;
      },
      std::chrono::milliseconds(5)));
  ASSERT_TRUE(running.fault.empty()) << running.fault;
  ASSERT_EQ(running.status, "ACTIVE");
  ASSERT_GT(running.executed, 0);
  ASSERT_LT(running.executed, kBudgets) << "the job ran too fast to be canceled mid-way";

  JobView canceling = client.Cancel(job.id);
  ASSERT_TRUE(canceling.fault.empty()) << canceling.fault;
  EXPECT_EQ(canceling.id, job.id);
  EXPECT_EQ(canceling.status, "CANCELING");

  std::vector<std::string> seen;
  JobView end = client.WaitTerminal(job.id, std::chrono::seconds(60), &seen);
  ASSERT_TRUE(end.fault.empty()) << end.fault;
  ASSERT_EQ(end.status, "CANCELED");
  for (const std::string& s : seen) EXPECT_TRUE(s == "CANCELING" || s == "CANCELED") << s;

  // progressStats: what ran before the cancel took effect, no more than the upload held.
  EXPECT_GE(end.executed, running.executed);
  EXPECT_LT(end.executed, kBudgets) << "the cancel was not honoured before the end";
  EXPECT_EQ(end.succeeded, end.executed);  // every budget is valid
  EXPECT_EQ(end.results_written, end.executed);
  EXPECT_GE(end.percent, 0);
  EXPECT_LT(end.percent, 100);

  // The operations the cancel left unexecuted are named in one processing error.
  EXPECT_EQ(end.processing_reason, "UNKNOWN");
  EXPECT_EQ(end.processing_error_string, "BatchJobProcessingError.UNKNOWN");
  EXPECT_EQ(end.processing_trigger,
            "operations[" + std::to_string(end.executed) + ".." + std::to_string(kBudgets - 1) +
                "] not executed (" + std::to_string(kBudgets - end.executed) + " of " +
                std::to_string(kBudgets) + "): the job was canceled");

  // The partial results: one <rval> per executed operation, indexes 0..n-1 in order.
  ASSERT_FALSE(end.download_url.empty());
  HttpResponse got = Fetch("GET", end.download_url);
  ASSERT_EQ(got.status, 200) << got.body;
  std::string error;
  std::vector<Rval> rvals = ParseResults(got.body, "v201702", &error);
  ASSERT_EQ(error, "");
  ASSERT_EQ(static_cast<int64_t>(rvals.size()), end.executed);
  for (size_t i = 0; i < rvals.size(); ++i) {
    EXPECT_EQ(rvals[i].index, static_cast<int64_t>(i));
    EXPECT_EQ(rvals[i].result_element, "Budget") << i << ": " << rvals[i].reason;
    EXPECT_NE(rvals[i].result_xml.find("<name>cancel budget " + std::to_string(i) + "</name>"),
              std::string::npos)
        << rvals[i].result_xml;
  }

  // A finished job cannot be canceled again.
  JobView again = client.Cancel(job.id);
  EXPECT_NE(again.fault.find("BatchJobError.INVALID_STATE_CHANGE"), std::string::npos)
      << again.fault << again.status;
  EXPECT_EQ(client.Get(job.id).status, "CANCELED");
}

}  // namespace
}  // namespace bg::testing
