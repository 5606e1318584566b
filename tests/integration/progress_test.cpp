// Live progress: while a slow job runs (faults.latency_us), successive `get` calls report
// increasing progressStats, and the job ends DONE with every operation counted. Also the worker
// pool settings and transient-fault injection through the real configuration path.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "integration/adwords_client.hpp"
#include "integration/test_server.hpp"

namespace bg::testing {
namespace {

class ProgressTest : public ServerTest {
 protected:
  void StartWith(std::vector<std::pair<std::string, std::string>> env) {
    server_->Kill();
    ServerProcessOptions o;
    o.data_dir = dir_.Join("data");
    o.env = std::move(env);
    server_ = std::make_unique<ServerProcess>(o);
    ASSERT_TRUE(server_->Start());
  }
};

TEST_F(ProgressTest, GetShowsIncreasingProgressDuringALongJob) {
  // 2 ms per operation, a batch commits at least every 50 ms: 600 operations take >= 1.2 s.
  StartWith({{"BATCHGATE_FAULTS_LATENCY_US", "2000"}, {"BATCHGATE_EXECUTOR_MAX_BATCH_MS", "50"}});
  AdWordsClient client(base(), Credentials{});
  JobView job = client.Create();
  ASSERT_TRUE(job.fault.empty()) << job.fault;
  ASSERT_EQ(Upload(job.upload_url, DialectRequests(Dialect::kPython, BudgetJobDocument(600, "p"))),
            "");

  std::vector<int64_t> executed;  // distinct values seen while ACTIVE, in order
  JobView last;
  bool terminal = PollUntil(
      std::chrono::seconds(120),
      [&] {
        last = client.Get(job.id);
        if (!last.fault.empty()) return true;
        if (last.status == "ACTIVE" && (executed.empty() || executed.back() != last.executed)) {
          executed.push_back(last.executed);
          EXPECT_EQ(last.results_written, last.executed);
          EXPECT_LE(last.succeeded, last.executed);
          EXPECT_GE(last.percent, 0);
          EXPECT_LE(last.percent, 100);
        }
        return last.status == "DONE" || last.status == "CANCELED";
      },
      std::chrono::milliseconds(10));
  ASSERT_TRUE(terminal);
  ASSERT_TRUE(last.fault.empty()) << last.fault;
  EXPECT_EQ(last.status, "DONE");
  EXPECT_EQ(last.executed, 600);
  EXPECT_EQ(last.succeeded, 600);
  EXPECT_EQ(last.percent, 100);
  // At least three different intermediate values, never decreasing.
  std::vector<int64_t> mid;
  for (int64_t v : executed) {
    if (v > 0 && v < 600) mid.push_back(v);
  }
  EXPECT_GE(mid.size(), 3u) << "progress was not live";
  for (size_t i = 1; i < executed.size(); ++i) EXPECT_LT(executed[i - 1], executed[i]);
}

TEST_F(ProgressTest, InjectedTransientFaultsAreRetriedToSuccess) {
  StartWith({{"BATCHGATE_FAULTS_ERROR_RATE", "0.2"},
             {"BATCHGATE_FAULTS_SEED", "5"},
             {"BATCHGATE_EXECUTOR_RETRY_LIMIT", "30"},
             {"BATCHGATE_EXECUTOR_RETRY_BASE_MS", "1"},
             {"BATCHGATE_EXECUTOR_RETRY_MAX_MS", "2"},
             {"BATCHGATE_EXECUTOR_WORKERS", "2"}});
  AdWordsClient a(base(), Credentials{"111-111-1111"});
  AdWordsClient b(base(), Credentials{"222-222-2222"});
  JobView ja = a.Create(), jb = b.Create();
  ASSERT_EQ(Upload(ja.upload_url, DialectRequests(Dialect::kPython, BudgetJobDocument(100, "a"))),
            "");
  ASSERT_EQ(Upload(jb.upload_url, DialectRequests(Dialect::kPython, BudgetJobDocument(100, "b"))),
            "");
  JobView da = a.WaitTerminal(ja.id, std::chrono::seconds(120));
  JobView db = b.WaitTerminal(jb.id, std::chrono::seconds(120));
  EXPECT_EQ(da.status, "DONE") << da.fault;
  EXPECT_EQ(db.status, "DONE") << db.fault;
  EXPECT_EQ(da.succeeded, 100);
  EXPECT_EQ(db.succeeded, 100);
}

}  // namespace
}  // namespace bg::testing
