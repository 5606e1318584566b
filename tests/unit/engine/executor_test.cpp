// Executor on a real JobStore + sandbox in a temp dir: results per operation, FILE_FORMAT_ERROR,
// cancel between batches, and resume after an internal failure (byte-identical results, no
// double apply).
#include "engine/executor.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "unit/engine/executor_test_util.hpp"

namespace bg::engine {
namespace {

using namespace bg::engine::testing;  // NOLINT
using model::JobStatus;

std::vector<std::string> MixedOperations() {
  return {
      BudgetAdd(-1, "b1"),         // 0 ok
      CampaignAdd(-2, "c1", -1),   // 1 ok
      AdGroupAdd(-3, -2, "g1"),    // 2 ok
      KeywordAdd(-3, "mars0"),     // 3 ok
      KeywordAdd(-3, "mars2!!!"),  // 4 CriterionError
      CampaignAdd(-4, "c1", -1),   // 5 duplicate name
      AdGroupAdd(-5, -4, "g2"),    // 6 child of a failed parent
      AdGroupAdd(-6, -99, "g3"),   // 7 never-defined temp id
      KeywordAdd(-3, "mars1"),     // 8 ok
  };
}

TEST(ExecutorTest, RunsToDoneWithOneRvalPerOperation) {
  Env env("exec_done");
  int64_t id = env.JobWithUpload(PythonUpload(MixedOperations()));
  Executor executor(env.store.get(), env.sandbox.get(), ExecutorOptions{4});
  ASSERT_TRUE(executor.Run(id).ok());

  model::BatchJob job = env.Job(id);
  EXPECT_EQ(job.status, JobStatus::kDone);
  EXPECT_FALSE(job.processing_error.has_value());
  EXPECT_EQ(job.progress.num_operations_executed, 9);
  EXPECT_EQ(job.progress.num_operations_succeeded, 5);
  EXPECT_EQ(job.progress.num_results_written, 9);
  EXPECT_EQ(job.progress.estimated_percent_executed, 100);

  std::string xml = ReadAll(env.store->ResultsPath(id));
  EXPECT_EQ(static_cast<int64_t>(xml.size()), job.results_bytes);
  ResultsDoc doc = ParseResults(xml);
  ASSERT_TRUE(doc.well_formed) << xml;
  EXPECT_EQ(doc.root, "mutateResponse");
  ASSERT_EQ(doc.rvals.size(), 9u) << xml;
  for (size_t i = 0; i < doc.rvals.size(); ++i) EXPECT_EQ(doc.rvals[i].index, int64_t(i));
  EXPECT_EQ(doc.rvals[0].element, "Budget");
  EXPECT_EQ(doc.rvals[1].element, "Campaign");
  EXPECT_EQ(doc.rvals[2].element, "AdGroup");
  EXPECT_EQ(doc.rvals[3].element, "AdGroupCriterion");
  EXPECT_EQ(doc.rvals[4].errors,
            std::vector<std::string>{
                "CriterionError.KEYWORD_HAS_INVALID_CHARS@operations[4].operand.criterion.text"});
  EXPECT_EQ(
      doc.rvals[5].errors,
      std::vector<std::string>{"CampaignError.DUPLICATE_CAMPAIGN_NAME@operations[5].operand.name"});
  EXPECT_EQ(doc.rvals[6].errors,
            std::vector<std::string>{"NewEntityCreationError.TEMP_ID_ENTITY_HAD_ERRORS@"
                                     "operations[6].operand.campaignId"});
  EXPECT_EQ(doc.rvals[7].errors,
            std::vector<std::string>{"EntityNotFound.INVALID_ID@operations[7].operand.campaignId"});
  EXPECT_EQ(doc.rvals[8].element, "AdGroupCriterion");
  EXPECT_EQ(env.CountEntities("criterion"), 2);

  // Running a finished job again changes nothing.
  ASSERT_TRUE(executor.Run(id).ok());
  EXPECT_EQ(ReadAll(env.store->ResultsPath(id)), xml);
}

TEST(ExecutorTest, SchemaErrorsComeFromTheValidatorAndPoisonTempIds) {
  Env env("exec_schema");
  // Budget without the required operator-independent fields the schema checks: a name longer
  // than 255 bytes (StringLengthError), then a campaign using its temp id.
  std::string long_name(300, 'n');
  int64_t id =
      env.JobWithUpload(PythonUpload({BudgetAdd(-1, long_name), CampaignAdd(-2, "c", -1)}));
  Executor executor(env.store.get(), env.sandbox.get());
  ASSERT_TRUE(executor.Run(id).ok());
  ResultsDoc doc = ParseResults(ReadAll(env.store->ResultsPath(id)));
  ASSERT_EQ(doc.rvals.size(), 2u);
  ASSERT_EQ(doc.rvals[0].errors.size(), 1u);
  EXPECT_EQ(doc.rvals[0].errors[0], "StringLengthError.TOO_LONG@operations[0].operand.name");
  EXPECT_EQ(doc.rvals[1].errors,
            std::vector<std::string>{"NewEntityCreationError.TEMP_ID_ENTITY_HAD_ERRORS@"
                                     "operations[1].operand.budget.budgetId"});
}

// Issue 3, "Bad input": an operation the parser or the validator rejects gets its own <rval> with
// its errors (the backend never sees it), a temp id it defines fails its children, and the count
// of <rval> is the count of uploaded operations.
TEST(ExecutorTest, RejectedOperationsGetTheirOwnRvalAndPoisonTheirTempIds) {
  Env env("exec_rejected");
  std::string bad_campaign = CampaignAdd(-2, "c1", -1);
  bad_campaign.insert(bad_campaign.find("</operand>"), "<bogus>1</bogus>");
  std::string bad_keyword = KeywordAdd(-5, "k");
  bad_keyword.replace(bad_keyword.find("\"Keyword\""), 9, "\"Nope\"");
  int64_t id = env.JobWithUpload(PythonUpload({
      BudgetAdd(-1, "b1"),       // 0 ok
      bad_campaign,              // 1 parser: unknown element
      AdGroupAdd(-3, -2, "g1"),  // 2 child of the rejected campaign
      "<operations xsi:type=\"MediaOperation\"><operator>ADD</operator><operand><x/></operand>"
      "</operations>",            // 3 parser: unknown operation type
      CampaignAdd(-4, "c2", -1),  // 4 ok
      Op("BudgetOperation", "ADD",
         "<budgetId>-6</budgetId><name>b2</name><amount><microAmount>1000000</microAmount>"
         "</amount><referenceCount>2</referenceCount>"),    // 5 validator: read-only field
      AdGroupAdd(-5, -4, "g2"),                             // 6 ok
      bad_keyword,                                          // 7 parser: unknown xsi:type
      "<operations><operator>ADD</operator></operations>",  // 8 parser: no type at all
  }));
  Executor executor(env.store.get(), env.sandbox.get(), ExecutorOptions{2});
  ASSERT_TRUE(executor.Run(id).ok());

  model::BatchJob job = env.Job(id);
  EXPECT_EQ(job.status, JobStatus::kDone);
  EXPECT_FALSE(job.processing_error.has_value());
  EXPECT_EQ(job.progress.num_operations_executed, 9);
  EXPECT_EQ(job.progress.num_operations_succeeded, 3);
  EXPECT_EQ(job.progress.num_results_written, 9);
  std::string xml = ReadAll(env.store->ResultsPath(id));
  ResultsDoc doc = ParseResults(xml);
  ASSERT_TRUE(doc.well_formed) << xml;
  ASSERT_EQ(doc.rvals.size(), 9u) << xml;
  for (size_t i = 0; i < doc.rvals.size(); ++i) EXPECT_EQ(doc.rvals[i].index, int64_t(i));
  EXPECT_EQ(doc.rvals[0].element, "Budget");
  EXPECT_EQ(doc.rvals[1].errors,
            std::vector<std::string>{"RequestError.INVALID_INPUT@operations[1].operand.bogus"});
  EXPECT_EQ(doc.rvals[2].errors,
            std::vector<std::string>{"NewEntityCreationError.TEMP_ID_ENTITY_HAD_ERRORS@"
                                     "operations[2].operand.campaignId"});
  EXPECT_EQ(doc.rvals[3].errors,
            std::vector<std::string>{"RequestError.INVALID_INPUT@operations[3]"});
  EXPECT_EQ(doc.rvals[4].element, "Campaign");
  EXPECT_EQ(
      doc.rvals[5].errors,
      std::vector<std::string>{"ReadOnlyError.READ_ONLY@operations[5].operand.referenceCount"});
  EXPECT_EQ(doc.rvals[6].element, "AdGroup");
  EXPECT_EQ(doc.rvals[7].errors,
            std::vector<std::string>{"RequestError.INVALID_INPUT@operations[7].operand.criterion"});
  EXPECT_EQ(doc.rvals[8].errors,
            std::vector<std::string>{"RequestError.INVALID_INPUT@operations[8]"});
  EXPECT_NE(xml.find("<trigger>MediaOperation</trigger>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<trigger>Nope</trigger>"), std::string::npos) << xml;
  EXPECT_EQ(env.CountEntities("budget"), 1);
  EXPECT_EQ(env.CountEntities("campaign"), 1);
  EXPECT_EQ(env.CountEntities("ad_group"), 1);
}

TEST(ExecutorTest, MalformedUploadEndsCanceledWithFileFormatError) {
  Env env("exec_bad");
  std::string upload = PythonUpload({BudgetAdd(-1, "b1")});
  upload.replace(upload.find("</operations>"), 13, "</operation>");
  int64_t id = env.JobWithUpload(upload);
  Executor executor(env.store.get(), env.sandbox.get());
  ASSERT_TRUE(executor.Run(id).ok());

  model::BatchJob job = env.Job(id);
  EXPECT_EQ(job.status, JobStatus::kCanceled);
  ASSERT_TRUE(job.processing_error.has_value());
  EXPECT_EQ(job.processing_error->type, "BatchJobProcessingError");
  EXPECT_EQ(job.processing_error->reason, "FILE_FORMAT_ERROR");
  EXPECT_EQ(job.processing_error->ErrorString(), "BatchJobProcessingError.FILE_FORMAT_ERROR");
  EXPECT_NE(job.processing_error->trigger.find("line"), std::string::npos)
      << job.processing_error->trigger;
  EXPECT_EQ(job.progress.num_operations_executed, 0);
  EXPECT_EQ(job.progress.num_results_written, 0);
  ResultsDoc doc = ParseResults(ReadAll(env.store->ResultsPath(id)));
  EXPECT_TRUE(doc.well_formed);
  EXPECT_EQ(doc.root, "mutateResponse");
  EXPECT_TRUE(doc.rvals.empty());
  EXPECT_EQ(env.CountEntities("budget"), 0);  // nothing executed
}

// concurrent_scan_bytes = 0: the scan runs beside the first batch even for a small upload. A
// broken document still executes nothing, wherever the break is; a sound one gives the same bytes.
TEST(ExecutorTest, ConcurrentScanRollsBackEverythingOfABrokenDocument) {
  std::vector<std::string> ops = MixedOperations();
  for (int i = 0; i < 50; ++i) ops.push_back(KeywordAdd(-3, "kw" + std::to_string(i)));
  const std::string sound = PythonUpload(ops);
  std::string broken_end = sound;  // every operation is readable, the root never closes
  broken_end.replace(broken_end.find("</mutate>"), 9, "</mutat>");
  std::string broken_mid = sound;
  broken_mid.replace(broken_mid.find("</operations>", sound.size() / 2), 13, "</operation>");
  ExecutorOptions concurrent;
  concurrent.batch_size = 2;
  concurrent.concurrent_scan_bytes = 0;
  for (const std::string* upload : {&broken_end, &broken_mid}) {
    Env sync_env("exec_scan_sync");
    int64_t sync_id = sync_env.JobWithUpload(*upload);
    ASSERT_TRUE(Executor(sync_env.store.get(), sync_env.sandbox.get()).Run(sync_id).ok());
    Env env("exec_scan_concurrent");
    int64_t id = env.JobWithUpload(*upload);
    ASSERT_TRUE(Executor(env.store.get(), env.sandbox.get(), concurrent).Run(id).ok());
    model::BatchJob job = env.Job(id);
    EXPECT_EQ(job.status, JobStatus::kCanceled);
    ASSERT_TRUE(job.processing_error.has_value());
    EXPECT_EQ(job.processing_error->reason, "FILE_FORMAT_ERROR");
    EXPECT_EQ(job.processing_error->trigger, sync_env.Job(sync_id).processing_error->trigger);
    EXPECT_EQ(job.progress.num_operations_executed, 0);
    EXPECT_EQ(ReadAll(env.store->ResultsPath(id)), ReadAll(sync_env.store->ResultsPath(sync_id)));
    for (const char* kind : {"budget", "campaign", "ad_group", "criterion"}) {
      EXPECT_EQ(env.CountEntities(kind), 0) << kind;
    }
  }
  Env sync_env("exec_scan_sync");
  int64_t sync_id = sync_env.JobWithUpload(sound);
  ASSERT_TRUE(Executor(sync_env.store.get(), sync_env.sandbox.get()).Run(sync_id).ok());
  Env env("exec_scan_concurrent");
  int64_t id = env.JobWithUpload(sound);
  ASSERT_TRUE(Executor(env.store.get(), env.sandbox.get(), concurrent).Run(id).ok());
  EXPECT_EQ(env.Job(id).status, JobStatus::kDone);
  EXPECT_EQ(env.Job(id).progress.num_operations_executed, static_cast<int64_t>(ops.size()));
  EXPECT_EQ(ReadAll(env.store->ResultsPath(id)), ReadAll(sync_env.store->ResultsPath(sync_id)));
}

// Sets the job CANCELING inside the executor's transaction once `after` operations have been
// applied, as a cancel request committed between two batches would.
class CancelingBackend : public backend::Backend {
 public:
  CancelingBackend(backend::Backend* inner, int after) : inner_(inner), after_(after) {}
  Status Init(sqlite::Db& db) override { return inner_->Init(db); }
  Result<model::MutateResult> Apply(sqlite::Txn& txn, const backend::ExecContext& ctx,
                                    const model::Operation& op) override {
    if (++calls_ == after_) {
      auto st = txn.db().Prepare("UPDATE jobs SET status='CANCELING' WHERE id=?");
      if (!st.ok()) return st.status();
      st->Bind(1, ctx.job_id);
      BG_RETURN_IF_ERROR(st->Run());
    }
    return inner_->Apply(txn, ctx, op);
  }

 private:
  backend::Backend* inner_;
  int after_;
  int calls_ = 0;
};

TEST(ExecutorTest, CancelIsHonouredBetweenBatches) {
  Env env("exec_cancel");
  int64_t id = env.JobWithUpload(PythonUpload(MixedOperations()));
  CancelingBackend canceling(env.sandbox.get(), 2);
  Executor executor(env.store.get(), &canceling, ExecutorOptions{1});
  ASSERT_TRUE(executor.Run(id).ok());

  model::BatchJob job = env.Job(id);
  EXPECT_EQ(job.status, JobStatus::kCanceled);
  // The operations the cancel left out are named.
  const size_t n = MixedOperations().size();
  ASSERT_TRUE(job.processing_error.has_value());
  EXPECT_EQ(job.processing_error->type, "BatchJobProcessingError");
  EXPECT_EQ(job.processing_error->reason, "UNKNOWN");
  EXPECT_EQ(job.processing_error->trigger, "operations[2.." + std::to_string(n - 1) +
                                               "] not executed (" + std::to_string(n - 2) +
                                               " of " + std::to_string(n) +
                                               "): the job was canceled");
  EXPECT_EQ(job.progress.num_operations_executed, 2);
  EXPECT_EQ(job.progress.num_results_written, 2);
  EXPECT_LT(job.progress.estimated_percent_executed, 100);
  std::string xml = ReadAll(env.store->ResultsPath(id));
  EXPECT_EQ(static_cast<int64_t>(xml.size()), job.results_bytes);
  ResultsDoc doc = ParseResults(xml);
  ASSERT_TRUE(doc.well_formed) << xml;
  ASSERT_EQ(doc.rvals.size(), 2u);
  EXPECT_EQ(doc.rvals[1].element, "Campaign");
  EXPECT_EQ(env.CountEntities("ad_group"), 0);
}

// Sets a stop flag once `after` operations have been applied, as a server shutdown would.
class StoppingBackend : public backend::Backend {
 public:
  StoppingBackend(backend::Backend* inner, int after, Executor** executor)
      : inner_(inner), after_(after), executor_(executor) {}
  Status Init(sqlite::Db& db) override { return inner_->Init(db); }
  Result<model::MutateResult> Apply(sqlite::Txn& txn, const backend::ExecContext& ctx,
                                    const model::Operation& op) override {
    if (++calls_ == after_) {
      stop.store(true);
      (*executor_)->Poke(ctx.job_id);
    }
    return inner_->Apply(txn, ctx, op);
  }
  std::atomic<bool> stop{false};

 private:
  backend::Backend* inner_;
  int after_;
  Executor** executor_;
  int calls_ = 0;
};

TEST(ExecutorTest, StopEndsAtABatchBoundaryAndTheJobResumesThere) {
  std::vector<std::string> ops = MixedOperations();
  for (int i = 0; i < 20; ++i) ops.push_back(KeywordAdd(-3, "stop" + std::to_string(i)));
  Env reference("exec_stop_ref");
  int64_t ref_id = reference.JobWithUpload(PythonUpload(ops));
  Executor ref_exec(reference.store.get(), reference.sandbox.get(), ExecutorOptions{100});
  ASSERT_TRUE(ref_exec.Run(ref_id).ok());

  Env env("exec_stop");
  int64_t id = env.JobWithUpload(PythonUpload(ops));
  Executor* self = nullptr;
  StoppingBackend stopping(env.sandbox.get(), 7, &self);
  Executor executor(env.store.get(), &stopping, ExecutorOptions{100});
  self = &executor;
  Status s = executor.Run(id, &stopping.stop);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  // The poke ended the batch right after the 7th operation; it committed and the job waits.
  model::BatchJob job = env.Job(id);
  EXPECT_EQ(job.status, JobStatus::kActive);
  EXPECT_EQ(job.next_operation, 7);
  EXPECT_EQ(job.progress.num_operations_executed, 7);

  Executor again(env.store.get(), env.sandbox.get(), ExecutorOptions{100});
  ASSERT_TRUE(again.Run(id).ok());
  EXPECT_EQ(env.Job(id).status, JobStatus::kDone);
  EXPECT_EQ(ReadAll(env.store->ResultsPath(id)), ReadAll(reference.store->ResultsPath(ref_id)));
  EXPECT_EQ(env.CountEntities("criterion"), reference.CountEntities("criterion"));
}

TEST(ExecutorTest, CancelBeforeUploadEndsWithEmptyResults) {
  Env env("exec_cancel_early");
  auto jobs = env.store->CreateJobs(kCustomer, "v201702", 1, NowMs());
  ASSERT_TRUE(jobs.ok());
  int64_t id = (*jobs)[0].id;
  ASSERT_TRUE(env.store->RequestCancel(kCustomer, id).ok());
  Executor executor(env.store.get(), env.sandbox.get());
  ASSERT_TRUE(executor.Run(id).ok());
  EXPECT_EQ(env.Job(id).status, JobStatus::kCanceled);
  ResultsDoc doc = ParseResults(ReadAll(env.store->ResultsPath(id)));
  EXPECT_TRUE(doc.well_formed);
  EXPECT_EQ(doc.root, "mutateResponse");
  EXPECT_TRUE(doc.rvals.empty());
}

TEST(ExecutorTest, ResumesAfterInternalFailureWithoutDoubleApply) {
  std::vector<std::string> ops = MixedOperations();
  for (int i = 0; i < 6; ++i) ops.push_back(KeywordAdd(-3, "more" + std::to_string(i)));

  Env reference("exec_ref");
  int64_t ref_id = reference.JobWithUpload(PythonUpload(ops));
  Executor ref_exec(reference.store.get(), reference.sandbox.get(), ExecutorOptions{3});
  ASSERT_TRUE(ref_exec.Run(ref_id).ok());
  std::string expected = ReadAll(reference.store->ResultsPath(ref_id));

  Env env("exec_resume");
  int64_t id = env.JobWithUpload(PythonUpload(ops));
  // Two internal failures mid-batch (batch_size 3): after 4 applies (batch 0 commits, batch 1
  // rolls back), then after 5 more (batch 1 commits, batch 2 rolls back).
  for (int ok_calls : {4, 5}) {
    FailingBackend failing(env.sandbox.get(), ok_calls);
    Executor executor(env.store.get(), &failing, ExecutorOptions{3});
    Status s = executor.Run(id);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(env.Job(id).status, JobStatus::kActive);
  }
  EXPECT_EQ(env.Job(id).next_operation, 6);
  Executor executor(env.store.get(), env.sandbox.get(), ExecutorOptions{3});
  ASSERT_TRUE(executor.Run(id).ok());

  EXPECT_EQ(env.Job(id).status, JobStatus::kDone);
  EXPECT_EQ(ReadAll(env.store->ResultsPath(id)), expected);
  for (const char* kind : {"budget", "campaign", "ad_group", "criterion"}) {
    EXPECT_EQ(env.CountEntities(kind), reference.CountEntities(kind)) << kind;
  }
  EXPECT_EQ(env.Job(id).progress.num_operations_executed, static_cast<int64_t>(ops.size()));
}

}  // namespace
}  // namespace bg::engine
