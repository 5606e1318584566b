#include "store/job_store.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>
#include <string>
#include <thread>

namespace bg::store {
namespace {

using model::JobStatus;

constexpr int64_t kNow = 1700000000000;

class JobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/job_store_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(root_);
  }
  void Reopen() {
    store_.reset();
    StoreOptions o;
    o.data_dir = root_ + "/data";
    auto s = JobStore::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  model::BatchJob NewJob(const std::string& customer = "123-456-7890") {
    auto jobs = store_->CreateJobs(customer, "v201702", 1, kNow);
    EXPECT_TRUE(jobs.ok()) << jobs.status().ToString();
    return jobs->at(0);
  }

  std::string root_;
  std::unique_ptr<JobStore> store_;
};

TEST_F(JobStoreTest, OpenCreatesTheDataLayout) {
  EXPECT_TRUE(std::filesystem::is_directory(root_ + "/data/uploads"));
  EXPECT_TRUE(std::filesystem::is_directory(root_ + "/data/results"));
  EXPECT_TRUE(std::filesystem::is_regular_file(root_ + "/data/batchgate.db"));
  EXPECT_EQ(store_->UploadPath(1000000001), root_ + "/data/uploads/1000000001.upload");
  EXPECT_EQ(store_->ResultsPath(1000000001), root_ + "/data/results/1000000001.xml");
}

TEST_F(JobStoreTest, CreateJobsAssignsIncreasingRealisticIds) {
  auto jobs = store_->CreateJobs("123-456-7890", "v201809", 3, kNow);
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 3u);
  EXPECT_EQ((*jobs)[0].id, 1000000001);
  EXPECT_EQ((*jobs)[1].id, 1000000002);
  EXPECT_EQ((*jobs)[2].id, 1000000003);
  for (const auto& j : *jobs) {
    EXPECT_EQ(j.customer_id, "1234567890");
    EXPECT_EQ(j.version, "v201809");
    EXPECT_EQ(j.status, JobStatus::kAwaitingFile);
    EXPECT_EQ(j.created_ms, kNow);
    EXPECT_EQ(j.upload_expires_ms, kNow + 7LL * 24 * 3600 * 1000);
  }
  // Ids are unique across customers.
  auto other = store_->CreateJobs("555", "v201702", 1, kNow);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ((*other)[0].id, 1000000004);
}

TEST_F(JobStoreTest, CreateJobsRejectsBadInput) {
  EXPECT_EQ(store_->CreateJobs("", "v201702", 1, kNow).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->CreateJobs("12a", "v201702", 1, kNow).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->CreateJobs("123", "v201601", 1, kNow).status().code(),
            StatusCode::kInvalidArgument);
  auto none = store_->CreateJobs("123", "v201702", 0, kNow);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(JobStoreTest, GetJobIsolatesCustomers) {
  model::BatchJob a = NewJob("111-111-1111");
  model::BatchJob b = NewJob("2222222222");
  auto got = store_->GetJob("1111111111", a.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->id, a.id);
  EXPECT_TRUE(store_->GetJob("111-111-1111", a.id).ok());  // dashes normalized on lookup too
  // Another customer's job answers exactly like a missing one.
  auto foreign = store_->GetJob("1111111111", b.id);
  auto missing = store_->GetJob("1111111111", 42);
  EXPECT_EQ(foreign.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetJob("", a.id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->GetJobInternal(b.id).ok());

  auto list = store_->ListJobs("111-111-1111");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, a.id);
  EXPECT_TRUE(store_->ListJobs("999")->empty());
}

TEST_F(JobStoreTest, CancelTransitions) {
  model::BatchJob waiting = NewJob();
  auto c = store_->RequestCancel("1234567890", waiting.id);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->status, JobStatus::kCanceling);
  EXPECT_EQ(store_->GetJobInternal(waiting.id)->status, JobStatus::kCanceling);

  // CANCELING again: invalid state change, reported as the API error.
  auto again = store_->RequestCancel("1234567890", waiting.id);
  ASSERT_FALSE(again.ok());
  ASSERT_TRUE(again.status().is_api_error());
  const ApiError& e = again.status().api_errors().at(0);
  EXPECT_EQ(e.type, "BatchJobError");
  EXPECT_EQ(e.reason, "INVALID_STATE_CHANGE");
  EXPECT_EQ(e.field_path, "operations[0].operand.status");
  EXPECT_EQ(e.trigger, "CANCELING");

  // ACTIVE -> CANCELING.
  model::BatchJob active = NewJob();
  ASSERT_TRUE(store_->CommitUpload(active.id, 10, 10).ok());
  ASSERT_EQ(store_->GetJobInternal(active.id)->status, JobStatus::kActive);
  EXPECT_EQ(store_->RequestCancel("1234567890", active.id)->status, JobStatus::kCanceling);

  // Terminal jobs cannot be canceled.
  model::BatchJob done = NewJob();
  {
    sqlite::Txn txn(store_->db());
    ASSERT_TRUE(store_->FinishJob(txn, done.id, JobStatus::kDone, {}, std::nullopt, kNow).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_TRUE(store_->RequestCancel("1234567890", done.id).status().is_api_error());

  // Another customer: NotFound, and nothing changes.
  model::BatchJob mine = NewJob("777");
  EXPECT_EQ(store_->RequestCancel("1234567890", mine.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetJobInternal(mine.id)->status, JobStatus::kAwaitingFile);
}

TEST_F(JobStoreTest, UploadSessionIsStableAndRandom) {
  model::BatchJob a = NewJob();
  model::BatchJob b = NewJob();
  auto s1 = store_->StartUploadSession(a.id);
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ(s1->size(), 32u);
  EXPECT_EQ(*store_->StartUploadSession(a.id), *s1);
  EXPECT_NE(*store_->StartUploadSession(b.id), *s1);
  EXPECT_EQ(store_->GetJobInternal(a.id)->upload_session, *s1);
  EXPECT_EQ(store_->StartUploadSession(5).status().code(), StatusCode::kNotFound);
}

TEST_F(JobStoreTest, CommitUploadGrowsAndActivates) {
  model::BatchJob j = NewJob();
  auto r = store_->CommitUpload(j.id, 262144, std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->upload_stored_bytes, 262144);
  EXPECT_FALSE(r->upload_total.has_value());
  EXPECT_EQ(r->status, JobStatus::kAwaitingFile);

  // A re-sent earlier chunk never shrinks what is stored.
  r = store_->CommitUpload(j.id, 100, std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->upload_stored_bytes, 262144);

  // Total known but not reached yet (.NET non-stream chunks carry the total).
  r = store_->CommitUpload(j.id, 524288, 524305);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, JobStatus::kAwaitingFile);
  EXPECT_EQ(r->upload_total.value_or(-1), 524305);

  // A contradicting total or bytes past the total are refused.
  EXPECT_EQ(store_->CommitUpload(j.id, 524305, 524306).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->CommitUpload(j.id, 524306, std::nullopt).status().code(),
            StatusCode::kInvalidArgument);

  r = store_->CommitUpload(j.id, 524305, std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, JobStatus::kActive);
  auto stored = store_->GetJobInternal(j.id);
  EXPECT_EQ(stored->status, JobStatus::kActive);
  EXPECT_EQ(stored->upload_stored_bytes, 524305);
  auto runnable = store_->RunnableJobs();
  ASSERT_TRUE(runnable.ok());
  EXPECT_EQ(*runnable, std::vector<int64_t>{j.id});
}

TEST_F(JobStoreTest, CommitUploadKeepsCanceling) {
  model::BatchJob j = NewJob();
  ASSERT_TRUE(store_->RequestCancel("1234567890", j.id).ok());
  auto r = store_->CommitUpload(j.id, 5, 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, JobStatus::kCanceling);
  EXPECT_EQ(r->upload_stored_bytes, 5);
}

TEST_F(JobStoreTest, RunnableJobsListsActiveAndCancelingOldestFirst) {
  model::BatchJob a = NewJob(), b = NewJob(), c = NewJob(), d = NewJob();
  ASSERT_TRUE(store_->RequestCancel("1234567890", c.id).ok());
  ASSERT_TRUE(store_->CommitUpload(a.id, 3, 3).ok());
  ASSERT_TRUE(store_->CommitUpload(d.id, 3, 3).ok());
  auto r = store_->RunnableJobs();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (std::vector<int64_t>{a.id, c.id, d.id}));
  (void)b;
}

TEST_F(JobStoreTest, CheckpointFinishAndReopenKeepEverything) {
  model::BatchJob j = NewJob();
  ASSERT_TRUE(store_->CommitUpload(j.id, 1000, 1000).ok());
  ASSERT_TRUE(store_->MarkActiveReported(j.id).ok());
  Checkpoint cp;
  cp.next_operation = 7;
  cp.input_offset = 500;
  cp.results_bytes = 321;
  cp.progress = {7, 6, 50, 7};
  {
    sqlite::Txn txn(store_->db());
    ASSERT_TRUE(store_->SaveCheckpoint(txn, j.id, cp).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  auto mid = store_->GetJobInternal(j.id);
  EXPECT_EQ(mid->next_operation, 7);
  EXPECT_EQ(mid->progress.num_operations_succeeded, 6);
  EXPECT_EQ(mid->status, JobStatus::kActive);

  // A checkpoint in a rolled-back transaction leaves no trace.
  {
    sqlite::Txn txn(store_->db());
    Checkpoint other = cp;
    other.next_operation = 99;
    ASSERT_TRUE(store_->SaveCheckpoint(txn, j.id, other).ok());
  }
  EXPECT_EQ(store_->GetJobInternal(j.id)->next_operation, 7);

  cp.next_operation = 10;
  cp.input_offset = 1000;
  cp.results_bytes = 4096;
  cp.progress = {10, 9, 100, 10};
  ApiError err = ApiError::Make("BatchJobProcessingError", "FILE_FORMAT_ERROR", "", "line 3");
  err.error_string = "BatchJobProcessingError.FILE_FORMAT_ERROR";
  err.extra = {{"a", "1:2"}, {"", ""}, {"b", "x\ny"}};
  {
    sqlite::Txn txn(store_->db());
    ASSERT_TRUE(store_->FinishJob(txn, j.id, JobStatus::kCanceled, cp, err, kNow + 5000).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  model::BatchJob other = NewJob("42");
  ASSERT_TRUE(store_->StartUploadSession(other.id).ok());

  Reopen();
  auto got = store_->GetJob("1234567890", j.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, JobStatus::kCanceled);
  EXPECT_EQ(got->version, "v201702");
  EXPECT_EQ(got->created_ms, kNow);
  EXPECT_EQ(got->finished_ms, kNow + 5000);
  EXPECT_EQ(got->results_expires_ms, kNow + 5000 + 30LL * 24 * 3600 * 1000);
  EXPECT_EQ(got->upload_stored_bytes, 1000);
  EXPECT_EQ(got->upload_total.value_or(-1), 1000);
  EXPECT_EQ(got->next_operation, 10);
  EXPECT_EQ(got->input_offset, 1000);
  EXPECT_EQ(got->results_bytes, 4096);
  EXPECT_EQ(got->progress.num_operations_executed, 10);
  EXPECT_EQ(got->progress.num_operations_succeeded, 9);
  EXPECT_EQ(got->progress.estimated_percent_executed, 100);
  EXPECT_EQ(got->progress.num_results_written, 10);
  EXPECT_TRUE(got->active_reported);
  ASSERT_TRUE(got->processing_error.has_value());
  EXPECT_EQ(got->processing_error->type, "BatchJobProcessingError");
  EXPECT_EQ(got->processing_error->reason, "FILE_FORMAT_ERROR");
  EXPECT_EQ(got->processing_error->trigger, "line 3");
  EXPECT_EQ(got->processing_error->error_string, "BatchJobProcessingError.FILE_FORMAT_ERROR");
  EXPECT_EQ(got->processing_error->extra, err.extra);
  EXPECT_TRUE(store_->RunnableJobs()->empty());

  auto o = store_->GetJobInternal(other.id);
  EXPECT_EQ(o->customer_id, "42");
  EXPECT_EQ(o->upload_session.size(), 32u);
  EXPECT_FALSE(o->processing_error.has_value());
  // Ids keep increasing after a reopen.
  EXPECT_EQ(NewJob().id, other.id + 1);
}

TEST_F(JobStoreTest, FinishJobRequiresTerminalStatus) {
  model::BatchJob j = NewJob();
  sqlite::Txn txn(store_->db());
  EXPECT_FALSE(store_->FinishJob(txn, j.id, JobStatus::kActive, {}, std::nullopt, kNow).ok());
}

TEST_F(JobStoreTest, ConcurrentCreatesNeverCollide) {
  std::vector<std::thread> threads;
  std::vector<std::vector<int64_t>> ids(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t, &ids] {
      for (int i = 0; i < 10; ++i) {
        auto jobs = store_->CreateJobs(std::to_string(100 + t), "v201702", 2, kNow);
        ASSERT_TRUE(jobs.ok());
        for (const auto& j : *jobs) ids[t].push_back(j.id);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<int64_t> all;
  for (const auto& v : ids) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), 80u);
}

// GetJob answers repeated polls from a per-thread memo: every committed change must show at the
// next poll, a rolled-back one never, and two stores in one process never answer for each other.
TEST_F(JobStoreTest, PollingSeesEveryCommitAndNothingElse) {
  model::BatchJob j = NewJob();
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(store_->GetJob("1234567890", j.id)->upload_total, std::nullopt);
  ASSERT_TRUE(store_->CommitUpload(j.id, 1000, 1000).ok());
  EXPECT_EQ(store_->GetJob("1234567890", j.id)->status, JobStatus::kActive);
  Checkpoint cp;
  cp.input_offset = 100;
  for (int64_t n = 1; n <= 5; ++n) {
    cp.next_operation = n;
    cp.progress = {n, n, 10, n};
    sqlite::Txn txn(store_->db());
    ASSERT_TRUE(store_->SaveCheckpoint(txn, j.id, cp).ok());
    ASSERT_TRUE(txn.Commit().ok());
    EXPECT_EQ(store_->GetJob("1234567890", j.id)->progress.num_operations_executed, n);
  }
  {
    sqlite::Txn txn(store_->db());
    Checkpoint other = cp;
    other.progress.num_operations_executed = 99;
    ASSERT_TRUE(store_->SaveCheckpoint(txn, j.id, other).ok());
  }  // rolled back
  EXPECT_EQ(store_->GetJob("1234567890", j.id)->progress.num_operations_executed, 5);
  // Polled from another thread (its own memo) the job is the same.
  std::thread([&] {
    EXPECT_EQ(store_->GetJob("1234567890", j.id)->progress.num_operations_executed, 5);
    EXPECT_FALSE(store_->GetJob("999", j.id).ok());  // still another customer's job
  }).join();
  EXPECT_EQ(store_->GetJob("999", j.id).status().code(), StatusCode::kNotFound);

  // A second store (another data dir) hands out the same first id: its jobs are its own.
  StoreOptions o;
  o.data_dir = root_ + "/other";
  auto second = JobStore::Open(o);
  ASSERT_TRUE(second.ok());
  auto theirs = (*second)->CreateJobs("555", "v201702", 1, kNow);
  ASSERT_TRUE(theirs.ok());
  ASSERT_EQ(theirs->at(0).id, j.id);
  EXPECT_EQ((*second)->GetJob("555", j.id)->status, JobStatus::kAwaitingFile);
  EXPECT_EQ(store_->GetJob("1234567890", j.id)->status, JobStatus::kActive);
  EXPECT_FALSE((*second)->GetJob("1234567890", j.id).ok());
}

}  // namespace
}  // namespace bg::store
