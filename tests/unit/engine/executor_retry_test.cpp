// Transient failures: retried with backoff up to the limit, then reported; the fault-injecting
// decorator is reproducible; counters and log lines account for every retry. Also: Poke() makes
// a cancel land between operations rather than at the end of a long batch.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <thread>

#include "backend/fault_injection.hpp"
#include "engine/executor.hpp"
#include "unit/engine/executor_test_util.hpp"

namespace bg::engine {
namespace {

using namespace bg::engine::testing;  // NOLINT
using model::JobStatus;

// Fails the first `fail_attempts` attempts of operation `index` with `type.reason`; records the
// attempts it saw.
class TransientBackend : public backend::Backend {
 public:
  TransientBackend(backend::Backend* inner, int64_t index, int fail_attempts, std::string type,
                   std::string reason)
      : inner_(inner),
        index_(index),
        fail_attempts_(fail_attempts),
        type_(std::move(type)),
        reason_(std::move(reason)) {}
  Status Init(sqlite::Db& db) override { return inner_->Init(db); }
  Result<model::MutateResult> Apply(sqlite::Txn& txn, const backend::ExecContext& ctx,
                                    const model::Operation& op) override {
    if (op.index == index_) {
      attempts_seen.push_back(ctx.attempt);
      if (ctx.attempt < fail_attempts_) {
        model::MutateResult r;
        r.errors.push_back(ApiError::Make(type_, reason_, "operations[0]"));
        return r;
      }
    }
    return inner_->Apply(txn, ctx, op);
  }
  Status OnRejected(sqlite::Txn& txn, const backend::ExecContext& ctx,
                    const model::Operation& op) override {
    ++rejected;
    return inner_->OnRejected(txn, ctx, op);
  }
  std::vector<int> attempts_seen;
  int rejected = 0;

 private:
  backend::Backend* inner_;
  int64_t index_;
  int fail_attempts_;
  std::string type_, reason_;
};

ExecutorOptions FastRetries(int limit, std::vector<std::string>* log) {
  ExecutorOptions o;
  o.batch_size = 2;
  o.retry_limit = limit;
  o.retry_base_ms = 1;
  o.retry_max_ms = 4;
  o.log = [log](const std::string& line) { log->push_back(line); };
  return o;
}

TEST(ExecutorRetryTest, TransientFailureIsRetriedUntilItSucceeds) {
  Env env("exec_retry_ok");
  int64_t id = env.JobWithUpload(
      PythonUpload({BudgetAdd(-1, "b1"), CampaignAdd(-2, "c1", -1), AdGroupAdd(-3, -2, "g1")}));
  TransientBackend backend(env.sandbox.get(), 1, 3, "RateExceededError", "RATE_EXCEEDED");
  std::vector<std::string> log;
  Executor executor(env.store.get(), &backend, FastRetries(5, &log));
  ASSERT_TRUE(executor.Run(id).ok());

  model::BatchJob job = env.Job(id);
  EXPECT_EQ(job.status, JobStatus::kDone);
  EXPECT_EQ(job.progress.num_operations_succeeded, 3);
  EXPECT_EQ(backend.attempts_seen, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(env.CountEntities("campaign"), 1);  // applied exactly once
  ExecutorStats s = executor.stats();
  EXPECT_EQ(s.transient_failures, 3);
  EXPECT_EQ(s.retries, 3);
  EXPECT_EQ(s.retries_exhausted, 0);
  EXPECT_EQ(s.operations, 3);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_NE(log[0].find("RateExceededError.RATE_EXCEEDED"), std::string::npos) << log[0];
  EXPECT_NE(log[2].find("retry 3/5"), std::string::npos) << log[2];
}

TEST(ExecutorRetryTest, GivesUpAfterTheLimitAndPoisonsTheTempId) {
  Env env("exec_retry_limit");
  int64_t id = env.JobWithUpload(
      PythonUpload({BudgetAdd(-1, "b1"), CampaignAdd(-2, "c1", -1), AdGroupAdd(-3, -2, "g1")}));
  TransientBackend backend(env.sandbox.get(), 1, 1000, "InternalApiError", "TRANSIENT_ERROR");
  std::vector<std::string> log;
  Executor executor(env.store.get(), &backend, FastRetries(2, &log));
  ASSERT_TRUE(executor.Run(id).ok());

  EXPECT_EQ(backend.attempts_seen, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(backend.rejected, 1);  // OnRejected records the failed temp id
  ResultsDoc doc = ParseResults(ReadAll(env.store->ResultsPath(id)));
  ASSERT_TRUE(doc.well_formed);
  ASSERT_EQ(doc.rvals.size(), 3u);
  EXPECT_EQ(doc.rvals[0].element, "Budget");
  EXPECT_EQ(doc.rvals[1].errors,
            std::vector<std::string>{"InternalApiError.TRANSIENT_ERROR@operations[0]"});
  EXPECT_EQ(doc.rvals[2].errors,
            std::vector<std::string>{"NewEntityCreationError.TEMP_ID_ENTITY_HAD_ERRORS@"
                                     "operations[2].operand.campaignId"});
  ExecutorStats s = executor.stats();
  EXPECT_EQ(s.retries, 2);
  EXPECT_EQ(s.retries_exhausted, 1);
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.back().find("giving up"), std::string::npos) << log.back();
}

TEST(ExecutorRetryTest, SandboxMarkerWithAttemptCountSucceedsOnRetry) {
  Env env("exec_retry_marker");
  int64_t id =
      env.JobWithUpload(PythonUpload({BudgetAdd(-1, "b1 ++InternalApiError.TRANSIENT_ERROR#2++")}));
  std::vector<std::string> log;
  Executor executor(env.store.get(), env.sandbox.get(), FastRetries(5, &log));
  ASSERT_TRUE(executor.Run(id).ok());
  EXPECT_EQ(env.Job(id).progress.num_operations_succeeded, 1);
  EXPECT_EQ(executor.stats().retries, 2);
}

// Exponential backoff with jitter: retry n of an operation waits D ms, logged as
// "retry n/N in D ms", with D in [d/2, d] for d = min(retry_max_ms, retry_base_ms * 2^(n-1)),
// and the jitter really draws (the delays are not all their upper bound). The bounds are chosen
// so that d grows, then hits the cap; the wait totals under 0.7 s.
TEST(ExecutorRetryTest, BackoffGrowsExponentiallyWithinTheJitterBounds) {
  Env env("exec_retry_backoff");
  int64_t id = env.JobWithUpload(PythonUpload({BudgetAdd(-1, "b1"), BudgetAdd(-2, "b2")}));
  constexpr int kLimit = 8;
  TransientBackend backend(env.sandbox.get(), 1, kLimit, "RateExceededError", "RATE_EXCEEDED");
  std::vector<std::string> log;
  ExecutorOptions eo = FastRetries(kLimit, &log);
  eo.retry_base_ms = 10;
  eo.retry_max_ms = 100;  // d: 10, 20, 40, 80, then 100 (capped)
  Executor executor(env.store.get(), &backend, eo);
  ASSERT_TRUE(executor.Run(id).ok());
  EXPECT_EQ(env.Job(id).progress.num_operations_succeeded, 2);  // the 9th attempt succeeds

  const std::regex line(R"(retry (\d+)/(\d+) in (\d+) ms)");
  std::vector<int64_t> delays;
  int at_upper = 0;
  for (const std::string& l : log) {
    std::smatch m;
    ASSERT_TRUE(std::regex_search(l, m, line)) << l;
    const int64_t n = std::stoll(m[1]);
    EXPECT_EQ(n, static_cast<int64_t>(delays.size()) + 1) << l;
    EXPECT_EQ(std::stoll(m[2]), kLimit) << l;
    const int64_t delay = std::stoll(m[3]);
    const int64_t d = std::min<int64_t>(eo.retry_max_ms, eo.retry_base_ms << (n - 1));
    EXPECT_GE(delay, d / 2) << l;
    EXPECT_LE(delay, d) << l;
    at_upper += delay == d;
    delays.push_back(delay);
  }
  ASSERT_EQ(delays.size(), static_cast<size_t>(kLimit));
  EXPECT_LT(at_upper, kLimit) << "no jitter: every delay is its upper bound";
  // The lower bound doubles: the 4th retry waits at least as long as the 1st could at most.
  EXPECT_GE(delays[3], eo.retry_base_ms * 4);
}

TEST(FaultInjectionTest, DrawsAreReproducibleAndNearTheRate) {
  backend::FaultInjectionOptions o;
  o.error_rate = 0.25;
  o.seed = 42;
  int fails = 0;
  for (int i = 0; i < 20000; ++i) {
    bool a = backend::InjectTransientFault(o, 7, i, 0);
    EXPECT_EQ(a, backend::InjectTransientFault(o, 7, i, 0));
    fails += a;
  }
  EXPECT_GT(fails, 4500);
  EXPECT_LT(fails, 5500);
  o.seed = 43;
  int differ = 0;
  for (int i = 0; i < 1000; ++i) {
    differ += backend::InjectTransientFault(o, 7, i, 0) !=
              backend::InjectTransientFault({0, 0.25, 42}, 7, i, 0);
  }
  EXPECT_GT(differ, 100);  // another seed, other failures
  EXPECT_FALSE(backend::InjectTransientFault({0, 0.0, 1}, 1, 1, 0));
  EXPECT_TRUE(backend::InjectTransientFault({0, 1.0, 1}, 1, 1, 0));
}

// With injected transient faults and enough retries, the results file is byte-identical to a
// run without faults (the retried operations applied exactly once).
TEST(FaultInjectionTest, RetriedFaultsLeaveResultsIdentical) {
  std::vector<std::string> ops = {BudgetAdd(-1, "b1"), CampaignAdd(-2, "c1", -1),
                                  AdGroupAdd(-3, -2, "g1")};
  for (int k = 0; k < 60; ++k) ops.push_back(KeywordAdd(-3, "mars " + std::to_string(k)));
  const std::string upload = PythonUpload(ops);

  Env clean("exec_faults_clean");
  int64_t clean_id = clean.JobWithUpload(upload);
  ASSERT_TRUE(Executor(clean.store.get(), clean.sandbox.get()).Run(clean_id).ok());

  Env env("exec_faults");
  backend::FaultInjectionOptions fo;
  fo.error_rate = 0.3;
  fo.seed = 9;
  struct Borrowed : backend::Backend {  // the decorator owns its inner backend
    backend::Backend* b;
    Status Init(sqlite::Db& db) override { return b->Init(db); }
    Result<model::MutateResult> Apply(sqlite::Txn& t, const backend::ExecContext& c,
                                      const model::Operation& o) override {
      return b->Apply(t, c, o);
    }
    Status OnRejected(sqlite::Txn& t, const backend::ExecContext& c,
                      const model::Operation& o) override {
      return b->OnRejected(t, c, o);
    }
  };
  auto inner = std::make_unique<Borrowed>();
  inner->b = env.sandbox.get();
  auto faulty = backend::MakeFaultInjectingBackend(std::move(inner), fo);
  int64_t id = env.JobWithUpload(upload);
  std::vector<std::string> log;
  ExecutorOptions eo = FastRetries(20, &log);
  eo.retry_base_ms = 0;
  Executor executor(env.store.get(), faulty.get(), eo);
  ASSERT_TRUE(executor.Run(id).ok());
  EXPECT_GT(executor.stats().retries, 5);
  EXPECT_EQ(executor.stats().retries_exhausted, 0);
  EXPECT_EQ(static_cast<int64_t>(log.size()), executor.stats().retries);
  EXPECT_EQ(env.Job(id).progress.num_operations_succeeded, 63);
  EXPECT_EQ(ReadAll(env.store->ResultsPath(id)), ReadAll(clean.store->ResultsPath(clean_id)));
}

// A cancel that arrives while the executor waits out a long backoff: the wait happens outside
// any transaction, so the cancel commits at once, and Poke() (the scheduler's reaction to the
// cancel's Notify) ends the wait: the job is CANCELED without sitting out the backoff.
TEST(ExecutorPokeTest, CancelDuringBackoffEndsTheWait) {
  Env env("exec_poke");
  int64_t id = env.JobWithUpload(PythonUpload({BudgetAdd(-1, "b1"), BudgetAdd(-2, "b2")}));
  TransientBackend backend(env.sandbox.get(), 1, 1000, "InternalApiError", "TRANSIENT_ERROR");
  std::vector<std::string> log;
  ExecutorOptions eo = FastRetries(5, &log);
  eo.retry_base_ms = 120000;  // a two-minute backoff
  eo.retry_max_ms = 120000;
  Executor executor(env.store.get(), &backend, eo);
  std::atomic<bool> finished{false};
  Status run_status;
  std::thread runner([&] {
    run_status = executor.Run(id);
    finished = true;
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (executor.stats().retries < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // poll interval
  }
  ASSERT_EQ(executor.stats().retries, 1);
  auto start = std::chrono::steady_clock::now();
  auto r = env.store->RequestCancel(kCustomer, id);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  executor.Poke(id);
  while (!finished && std::chrono::steady_clock::now() < start + std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // poll interval
  }
  EXPECT_TRUE(finished.load()) << "still waiting out the backoff";
  runner.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  ASSERT_TRUE(run_status.ok()) << run_status.ToString();
  model::BatchJob job = env.Job(id);
  EXPECT_EQ(job.status, JobStatus::kCanceled);
  EXPECT_EQ(job.progress.num_operations_executed, 1);  // the budget before the failing one
  ResultsDoc doc = ParseResults(ReadAll(env.store->ResultsPath(id)));
  EXPECT_TRUE(doc.well_formed);
  EXPECT_EQ(doc.rvals.size(), 1u);
}

}  // namespace
}  // namespace bg::engine
