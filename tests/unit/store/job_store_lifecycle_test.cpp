// JobStore: upload-session cancellation, the per-customer quota, the retention sweep and the
// schema migration that added them.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "common/clock.hpp"
#include "store/job_store.hpp"
#include "store/retention.hpp"

namespace bg::store {
namespace {

using model::JobStatus;
constexpr int64_t kDayMs = 24LL * 3600 * 1000;

bool Exists(const std::string& path) { return std::filesystem::exists(path); }
void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

class JobStoreLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/job_store_lifecycle_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(root_);
  }
  void Reopen(int64_t quota = 1000) {
    store_.reset();
    StoreOptions o;
    o.data_dir = root_ + "/data";
    o.upload_quota_bytes = quota;
    auto s = JobStore::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  model::BatchJob NewJob(const std::string& customer = "123-456-7890", int64_t now = NowMs()) {
    auto jobs = store_->CreateJobs(customer, "v201702", 1, now);
    EXPECT_TRUE(jobs.ok()) << jobs.status().ToString();
    return jobs->at(0);
  }
  void Finish(int64_t job, JobStatus status, int64_t now) {
    sqlite::Txn txn(store_->db());
    ASSERT_TRUE(store_->FinishJob(txn, job, status, {}, std::nullopt, now).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  int64_t Pending(const std::string& customer = "1234567890") {
    return store_->PendingUploadBytes(customer).value();
  }

  std::string root_;
  std::unique_ptr<JobStore> store_;
};

TEST_F(JobStoreLifecycleTest, PendingBytesCountOnlyUnfinishedJobs) {
  model::BatchJob a = NewJob(), b = NewJob(), c = NewJob(), other = NewJob("555");
  ASSERT_TRUE(store_->CommitUpload(a.id, 100, std::nullopt).ok());
  ASSERT_TRUE(store_->CommitUpload(b.id, 200, 200).ok());  // ACTIVE
  ASSERT_TRUE(store_->CommitUpload(c.id, 300, std::nullopt).ok());
  ASSERT_TRUE(store_->CommitUpload(other.id, 400, std::nullopt).ok());
  EXPECT_EQ(Pending(), 600);
  EXPECT_EQ(Pending("123-456-7890"), 600);  // dashes or not
  EXPECT_EQ(Pending("555"), 400);
  EXPECT_EQ(store_->QuotaBalanceBytes("1234567890").value(), 400);
  ASSERT_TRUE(store_->RequestCancel("1234567890", c.id).ok());  // CANCELING still counts
  EXPECT_EQ(Pending(), 600);
  Finish(b.id, JobStatus::kDone, NowMs());
  EXPECT_EQ(Pending(), 400);
  Finish(c.id, JobStatus::kCanceled, NowMs());
  EXPECT_EQ(Pending(), 100);
  // An AWAITING_FILE job whose uploadUrl expired holds nothing any more.
  model::BatchJob old = NewJob("1234567890", NowMs() - 8 * kDayMs);
  ASSERT_TRUE(store_->CommitUpload(old.id, 50, std::nullopt).ok());
  EXPECT_EQ(Pending(), 100);
  EXPECT_EQ(Pending("not a customer"), 0);
}

TEST_F(JobStoreLifecycleTest, CommitUploadRefusesGrowthPastTheQuota) {
  model::BatchJob a = NewJob(), b = NewJob();
  ASSERT_TRUE(store_->CommitUpload(a.id, 700, std::nullopt).ok());
  Result<model::BatchJob> over = store_->CommitUpload(b.id, 301, std::nullopt);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(store_->GetJobInternal(b.id)->upload_stored_bytes, 0);
  ASSERT_TRUE(store_->CommitUpload(b.id, 300, std::nullopt).ok());
  EXPECT_EQ(store_->QuotaBalanceBytes("1234567890").value(), 0);
  // No growth needs no quota: re-committing what is stored, or declaring the total.
  EXPECT_TRUE(store_->CommitUpload(b.id, 300, 300).ok());
  EXPECT_EQ(store_->GetJobInternal(b.id)->status, JobStatus::kActive);
  // Without a cap everything fits.
  Reopen(/*quota=*/0);
  model::BatchJob c = NewJob();
  EXPECT_TRUE(store_->CommitUpload(c.id, 1 << 20, std::nullopt).ok());
  EXPECT_GT(store_->QuotaBalanceBytes("1234567890").value(), int64_t{1} << 60);
}

TEST_F(JobStoreLifecycleTest, CancelUploadSessionForgetsTheBytesAndRemembersTheId) {
  model::BatchJob a = NewJob();
  const std::string session = store_->StartUploadSession(a.id).value();
  ASSERT_TRUE(store_->CommitUpload(a.id, 10, std::nullopt).ok());
  EXPECT_EQ(store_->CancelUploadSession(a.id, "0123").code(), StatusCode::kNotFound);
  EXPECT_FALSE(store_->IsCanceledUploadSession(a.id, session).value());
  ASSERT_TRUE(store_->CancelUploadSession(a.id, session).ok());
  model::BatchJob j = store_->GetJobInternal(a.id).value();
  EXPECT_EQ(j.status, JobStatus::kAwaitingFile);
  EXPECT_EQ(j.upload_stored_bytes, 0);
  EXPECT_TRUE(j.upload_session.empty());
  EXPECT_TRUE(store_->IsCanceledUploadSession(a.id, session).value());
  EXPECT_FALSE(store_->IsCanceledUploadSession(a.id + 1, session).value());
  // Canceling twice: the session is no longer the current one.
  EXPECT_EQ(store_->CancelUploadSession(a.id, session).code(), StatusCode::kNotFound);
  // A fresh session, completed, cannot be canceled.
  const std::string fresh = store_->StartUploadSession(a.id).value();
  EXPECT_NE(fresh, session);
  ASSERT_TRUE(store_->CommitUpload(a.id, 5, 5).ok());
  EXPECT_EQ(store_->CancelUploadSession(a.id, fresh).code(), StatusCode::kFailedPrecondition);
  // Survives a restart.
  Reopen();
  EXPECT_TRUE(store_->IsCanceledUploadSession(a.id, session).value());
}

TEST_F(JobStoreLifecycleTest, SweepDeletesExpiredUploadsAndResultsOnce) {
  const int64_t now = NowMs();
  model::BatchJob expired_upload = NewJob("1234567890", now - 8 * kDayMs);
  model::BatchJob live_upload = NewJob();
  model::BatchJob old_done = NewJob("1234567890", now - 40 * kDayMs);
  model::BatchJob recent_done = NewJob();
  ASSERT_TRUE(store_->CommitUpload(expired_upload.id, 3, std::nullopt).ok());
  ASSERT_TRUE(store_->CommitUpload(live_upload.id, 3, std::nullopt).ok());
  for (const auto& j : {expired_upload, live_upload, old_done, recent_done}) {
    WriteFile(store_->UploadPath(j.id), "abc");
  }
  WriteFile(store_->ResultsPath(old_done.id), "<r/>");
  WriteFile(store_->ResultsPath(recent_done.id), "<r/>");
  Finish(old_done.id, JobStatus::kDone, now - 31 * kDayMs);  // results expired yesterday
  Finish(recent_done.id, JobStatus::kCanceled, now);

  Result<SweepStats> s = store_->SweepExpired(now);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->expired_uploads, 1);
  EXPECT_EQ(s->expired_results, 1);
  EXPECT_FALSE(Exists(store_->UploadPath(expired_upload.id)));
  EXPECT_EQ(s->canceled_jobs, std::vector<int64_t>{expired_upload.id});
  {
    model::BatchJob j = store_->GetJobInternal(expired_upload.id).value();
    EXPECT_EQ(j.upload_stored_bytes, 0);
    EXPECT_FALSE(j.upload_total.has_value());
    // The job ends: CANCELING (runnable), with the processing error that says why.
    EXPECT_EQ(j.status, JobStatus::kCanceling);
    ASSERT_TRUE(j.processing_error.has_value());
    EXPECT_EQ(j.processing_error->type, "BatchJobProcessingError");
    EXPECT_EQ(j.processing_error->reason, "DEADLINE_EXCEEDED");
    EXPECT_EQ(j.processing_error->error_string, "BatchJobProcessingError.DEADLINE_EXCEEDED");
    EXPECT_EQ(j.processing_error->trigger, AccountTime(expired_upload.upload_expires_ms));
    EXPECT_EQ(j.processing_error->field_path, "");
  }
  auto runnable = store_->RunnableJobs();
  ASSERT_TRUE(runnable.ok());
  EXPECT_EQ(*runnable, std::vector<int64_t>{expired_upload.id});
  EXPECT_FALSE(Exists(store_->UploadPath(old_done.id)));
  EXPECT_FALSE(Exists(store_->ResultsPath(old_done.id)));
  EXPECT_EQ(store_->GetJobInternal(old_done.id)->status, JobStatus::kDone);  // the row stays
  EXPECT_TRUE(Exists(store_->UploadPath(live_upload.id)));
  EXPECT_TRUE(Exists(store_->UploadPath(recent_done.id)));
  EXPECT_TRUE(Exists(store_->ResultsPath(recent_done.id)));
  EXPECT_EQ(store_->GetJobInternal(live_upload.id)->upload_stored_bytes, 3);

  // Once per job.
  s = store_->SweepExpired(now);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->expired_uploads + s->expired_results, 0);
  EXPECT_TRUE(s->canceled_jobs.empty());
  // The executor's end of the canceled job keeps the processing error.
  Finish(expired_upload.id, JobStatus::kCanceled, now);
  {
    model::BatchJob j = store_->GetJobInternal(expired_upload.id).value();
    EXPECT_EQ(j.status, JobStatus::kCanceled);
    ASSERT_TRUE(j.processing_error.has_value());
    EXPECT_EQ(j.processing_error->reason, "DEADLINE_EXCEEDED");
  }
  // Later, the recent ones expire as well, and so do the results of the canceled job.
  WriteFile(store_->ResultsPath(expired_upload.id), "<r/>");
  s = store_->SweepExpired(now + 31 * kDayMs);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->expired_uploads, 1);
  EXPECT_EQ(s->canceled_jobs, std::vector<int64_t>{live_upload.id});
  EXPECT_EQ(s->expired_results, 2);
  EXPECT_FALSE(Exists(store_->ResultsPath(recent_done.id)));
  EXPECT_FALSE(Exists(store_->ResultsPath(expired_upload.id)));
}

TEST_F(JobStoreLifecycleTest, RetentionSweeperRunsInTheBackground) {
  model::BatchJob old = NewJob("1234567890", NowMs() - 8 * kDayMs);
  WriteFile(store_->UploadPath(old.id), "abc");
  RetentionSweeper sweeper(store_.get(), std::chrono::milliseconds(20));
  sweeper.Start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sweeper.sweeps() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_GE(sweeper.sweeps(), 2);  // periodic, not once
  EXPECT_FALSE(Exists(store_->UploadPath(old.id)));
  sweeper.Stop();
  sweeper.Stop();  // idempotent
}

// A database written by schema version 1 (no files_deleted_ms, no canceled sessions) opens,
// is migrated and works.
TEST_F(JobStoreLifecycleTest, MigratesAVersionOneDatabase) {
  model::BatchJob a = NewJob("1234567890", NowMs() - 8 * kDayMs);
  ASSERT_TRUE(store_->db().Exec("DROP TABLE canceled_upload_sessions").ok());
  ASSERT_TRUE(store_->db().Exec("ALTER TABLE jobs DROP COLUMN files_deleted_ms").ok());
  ASSERT_TRUE(store_->db().Exec("UPDATE meta SET value = '1' WHERE key = 'schema_version'").ok());
  Reopen();
  EXPECT_EQ(store_->GetJobInternal(a.id)->id, a.id);
  Result<SweepStats> s = store_->SweepExpired(NowMs());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->expired_uploads, 1);
  EXPECT_TRUE(store_->IsCanceledUploadSession(a.id, "x").ok());
  auto st = store_->db().Prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(st->Step().value());
  EXPECT_EQ(st->Text(0), "3");
}

// A database of schema version 2 (no state change times) opens, its jobs read 0 ("not
// recorded") for the new times, and new state changes are timed.
TEST_F(JobStoreLifecycleTest, MigratesAVersionTwoDatabase) {
  model::BatchJob a = NewJob("1234567890", NowMs());
  for (const char* column : {"upload_started_ms", "active_ms", "canceling_ms"}) {
    ASSERT_TRUE(store_->db().Exec(std::string("ALTER TABLE jobs DROP COLUMN ") + column).ok());
  }
  ASSERT_TRUE(store_->db().Exec("UPDATE meta SET value = '2' WHERE key = 'schema_version'").ok());
  Reopen();
  Result<model::BatchJob> job = store_->GetJobInternal(a.id);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->created_ms, a.created_ms);
  EXPECT_EQ(job->upload_started_ms, 0);
  EXPECT_EQ(job->active_ms, 0);
  const int64_t before = NowMs();
  ASSERT_TRUE(store_->StartUploadSession(a.id).ok());
  ASSERT_TRUE(store_->CommitUpload(a.id, 10, 10).ok());
  ASSERT_TRUE(store_->RequestCancel("1234567890", a.id).ok());
  job = store_->GetJobInternal(a.id);
  ASSERT_TRUE(job.ok());
  EXPECT_GE(job->upload_started_ms, before);
  EXPECT_GE(job->active_ms, job->upload_started_ms);
  EXPECT_GE(job->canceling_ms, job->active_ms);
  EXPECT_EQ(job->status, JobStatus::kCanceling);
}

}  // namespace
}  // namespace bg::store
