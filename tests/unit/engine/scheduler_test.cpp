// Scheduler: runs the jobs runnable at Start(), jobs Notify()'d later, and retries a job whose
// run failed internally. Polls with a deadline; never sleeps to wait for state.
#include "engine/scheduler.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "unit/engine/executor_test_util.hpp"

namespace bg::engine {
namespace {

using namespace bg::engine::testing;  // NOLINT
using model::JobStatus;

bool WaitFor(const std::function<bool()>& done, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // poll interval
  }
  return done();
}

TEST(SchedulerTest, RunsRunnableJobsAtStartAndNotifiedJobs) {
  Env env("sched");
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(env.JobWithUpload(PythonUpload({BudgetAdd(-1, "b" + std::to_string(i))})));
  }
  Executor executor(env.store.get(), env.sandbox.get());
  Scheduler scheduler(env.store.get(), &executor, 2);
  scheduler.Start();
  auto all_done = [&] {
    for (int64_t id : ids) {
      if (env.Job(id).status != JobStatus::kDone) return false;
    }
    return true;
  };
  ASSERT_TRUE(WaitFor(all_done, std::chrono::seconds(20)));

  ids.push_back(env.JobWithUpload(PythonUpload({BudgetAdd(-1, "late")})));
  scheduler.Notify(ids.back());
  scheduler.Notify(ids.back());  // a duplicate notification runs it once
  ASSERT_TRUE(WaitFor(all_done, std::chrono::seconds(20)));
  scheduler.Stop();
  EXPECT_EQ(env.CountEntities("budget"), 4);
}

TEST(SchedulerTest, RetriesAnInternalFailureAfterBackoff) {
  Env env("sched_retry");
  int64_t id = env.JobWithUpload(PythonUpload({BudgetAdd(-1, "b1"), BudgetAdd(-2, "b2")}));
  FailingBackend flaky(env.sandbox.get(), 1);  // the first run fails at its 2nd operation
  struct Recovering : backend::Backend {
    FailingBackend* flaky;
    backend::Backend* good;
    Status Init(sqlite::Db& db) override { return good->Init(db); }
    Result<model::MutateResult> Apply(sqlite::Txn& txn, const backend::ExecContext& ctx,
                                      const model::Operation& op) override {
      return flaky->calls_ < 2 ? flaky->Apply(txn, ctx, op) : good->Apply(txn, ctx, op);
    }
  } backend;
  backend.flaky = &flaky;
  backend.good = env.sandbox.get();
  Executor executor(env.store.get(), &backend);
  Scheduler scheduler(env.store.get(), &executor);
  scheduler.Start();
  ASSERT_TRUE(
      WaitFor([&] { return env.Job(id).status == JobStatus::kDone; }, std::chrono::seconds(20)));
  scheduler.Stop();
  EXPECT_EQ(flaky.calls_, 2);  // one failed run, then the retry used the good backend
  EXPECT_EQ(env.CountEntities("budget"), 2);
  EXPECT_EQ(env.Job(id).progress.num_operations_executed, 2);
}

TEST(SchedulerTest, StopWithoutStartAndTwiceIsSafe) {
  Env env("sched_stop");
  Executor executor(env.store.get(), env.sandbox.get());
  Scheduler scheduler(env.store.get(), &executor);
  scheduler.Stop();
  scheduler.Start();
  scheduler.Stop();
  scheduler.Stop();
}

}  // namespace
}  // namespace bg::engine
