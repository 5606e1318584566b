// ResultsIndexer: builds a finished job's results index in the background on first request,
// answers "in progress" meanwhile, rebuilds a stale index and remembers a failed build.
#include "ui/results_indexer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/clock.hpp"
#include "support/temp_dir.hpp"

namespace bg::ui {
namespace {

class ResultsIndexerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.data_dir = dir_.Join("data");
    auto s = store::JobStore::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  // A DONE job whose results file holds `n` rvals (the odd ones failing) and no upload file.
  model::BatchJob FinishedJob(int n, const std::string& tail = "</mutateResponse>") {
    auto jobs = store_->CreateJobs("1234567890", "v201702", 1, NowMs());
    EXPECT_TRUE(jobs.ok());
    const int64_t id = jobs->at(0).id;
    std::ofstream out(store_->ResultsPath(id), std::ios::binary);
    out << "<?xml version=\"1.0\"?><mutateResponse>";
    for (int i = 0; i < n; ++i) {
      out << (i % 2 ? "<rval><errorList><errors><reason>R</reason></errors></errorList>"
                    : "<rval><result><Budget/></result>")
          << "<index>" << i << "</index></rval>";
    }
    out << tail;
    out.close();
    store::Checkpoint cp;
    cp.results_bytes = static_cast<int64_t>(std::filesystem::file_size(store_->ResultsPath(id)));
    {
      sqlite::Txn txn(store_->db());  // holds the Db mutex until it goes
      EXPECT_TRUE(
          store_->FinishJob(txn, id, model::JobStatus::kDone, cp, std::nullopt, NowMs()).ok());
      EXPECT_TRUE(txn.Commit().ok());
    }
    return store_->GetJobInternal(id).value();
  }

  // Polls Lookup until the index is there (or an error).
  IndexLookup WaitReady(ResultsIndexer& indexer, const model::BatchJob& job) {
    IndexLookup got;
    EXPECT_TRUE(testing::PollUntil(std::chrono::seconds(30), [&] {
      got = indexer.Lookup(job, std::chrono::milliseconds(0));
      return got.index != nullptr || !got.error.ok();
    }));
    return got;
  }

  testing::TempDir dir_{"results_indexer_test_"};
  std::unique_ptr<store::JobStore> store_;  // destroyed before dir_
};

TEST_F(ResultsIndexerTest, BuildsInTheBackgroundAndAnswersFromTheIndexAfterwards) {
  model::BatchJob job = FinishedJob(200000);
  ResultsIndexer indexer(store_.get());
  IndexLookup first = indexer.Lookup(job, std::chrono::milliseconds(0));
  EXPECT_TRUE(first.error.ok());
  EXPECT_EQ(first.index, nullptr);  // queued or being built: the caller asks again
  EXPECT_GE(first.percent, 0);
  EXPECT_LT(first.percent, 100);
  IndexLookup ready = WaitReady(indexer, job);
  ASSERT_TRUE(ready.error.ok()) << ready.error.ToString();
  ASSERT_NE(ready.index, nullptr);
  EXPECT_EQ(ready.index->row_count(), 200000);
  EXPECT_EQ(ready.index->failure_count(), 100000);
  EXPECT_FALSE(ready.index->upload_complete());  // the job has no upload file
  EXPECT_TRUE(std::filesystem::exists(store_->ResultsIndexPath(job.id)));

  // A small job is answered within the wait.
  model::BatchJob small = FinishedJob(3);
  IndexLookup at_once = indexer.Lookup(small, std::chrono::seconds(10));
  ASSERT_NE(at_once.index, nullptr) << at_once.error.ToString();
  EXPECT_EQ(at_once.index->row_count(), 3);
}

TEST_F(ResultsIndexerTest, AStaleIndexIsBuiltAgain) {
  model::BatchJob job = FinishedJob(5);
  std::ofstream(store_->ResultsIndexPath(job.id)) << "not an index";
  ResultsIndexer indexer(store_.get());
  IndexLookup ready = WaitReady(indexer, job);
  ASSERT_NE(ready.index, nullptr) << ready.error.ToString();
  EXPECT_EQ(ready.index->row_count(), 5);
}

TEST_F(ResultsIndexerTest, AFailedBuildIsRemembered) {
  model::BatchJob job = FinishedJob(3, "<rval>");  // not well-formed
  ResultsIndexer indexer(store_.get());
  IndexLookup failed = WaitReady(indexer, job);
  EXPECT_EQ(failed.index, nullptr);
  EXPECT_EQ(failed.error.code(), StatusCode::kDataLoss) << failed.error.ToString();
  EXPECT_EQ(indexer.Lookup(job, std::chrono::milliseconds(0)).error.code(), StatusCode::kDataLoss);
  EXPECT_FALSE(std::filesystem::exists(store_->ResultsIndexPath(job.id)));
  indexer.Stop();
  EXPECT_EQ(indexer.Lookup(FinishedJob(1), std::chrono::milliseconds(0)).error.code(),
            StatusCode::kUnavailable);
}

}  // namespace
}  // namespace bg::ui
