// The worker pool's ordering rule: jobs of different customers run in parallel, two jobs of the
// same customer run one after the other (in queue order), so they never interleave.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "engine/scheduler.hpp"
#include "unit/engine/executor_test_util.hpp"

namespace bg::engine {
namespace {

using namespace bg::engine::testing;  // NOLINT
using model::JobStatus;
using Clock = std::chrono::steady_clock;

// Records, per job, when its first and last operation were applied.
class IntervalBackend : public backend::Backend {
 public:
  explicit IntervalBackend(backend::Backend* inner) : inner_(inner) {}
  Status Init(sqlite::Db& db) override { return inner_->Init(db); }
  Result<model::MutateResult> Apply(sqlite::Txn& txn, const backend::ExecContext& ctx,
                                    const model::Operation& op) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the simulated backend's work
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto& iv = intervals_[ctx.job_id];
      if (iv.first == Clock::time_point()) iv.first = Clock::now();
      iv.second = Clock::now();
    }
    return inner_->Apply(txn, ctx, op);
  }
  std::pair<Clock::time_point, Clock::time_point> Interval(int64_t job) {
    std::lock_guard<std::mutex> lock(mu_);
    return intervals_[job];
  }

 private:
  backend::Backend* inner_;
  std::mutex mu_;
  std::map<int64_t, std::pair<Clock::time_point, Clock::time_point>> intervals_;
};

int64_t JobFor(Env& env, const std::string& customer, const std::string& tag, int budgets) {
  std::vector<std::string> ops;
  for (int i = 0; i < budgets; ++i) ops.push_back(BudgetAdd(-1 - i, tag + std::to_string(i)));
  const std::string bytes = PythonUpload(ops);
  auto jobs = env.store->CreateJobs(customer, "v201702", 1, NowMs());
  EXPECT_TRUE(jobs.ok());
  int64_t id = (*jobs)[0].id;
  {
    std::ofstream out(env.store->UploadPath(id), std::ios::binary);
    out << bytes;
  }
  auto n = static_cast<int64_t>(bytes.size());
  EXPECT_TRUE(env.store->CommitUpload(id, n, n).ok());
  return id;
}

bool Overlap(std::pair<Clock::time_point, Clock::time_point> a,
             std::pair<Clock::time_point, Clock::time_point> b) {
  return a.first <= b.second && b.first <= a.second;
}

TEST(SchedulerCustomerTest, SameCustomerSerialDifferentCustomersParallel) {
  Env env("sched_customers");
  // Queue order: A1, A2 (customer A), B1 (customer B). Two workers: A2 must wait for A1 even
  // though a worker is free, and B1 runs next to A1.
  int64_t a1 = JobFor(env, "1111111111", "a1-", 40);
  int64_t a2 = JobFor(env, "1111111111", "a2-", 40);
  int64_t b1 = JobFor(env, "2222222222", "b1-", 40);
  IntervalBackend backend(env.sandbox.get());
  ExecutorOptions eo;
  eo.batch_size = 1;  // commit after every operation: workers alternate on the Db
  Executor executor(env.store.get(), &backend, eo);
  Scheduler scheduler(env.store.get(), &executor, 2);
  scheduler.Start();
  auto deadline = Clock::now() + std::chrono::seconds(60);
  auto all_done = [&] {
    for (int64_t id : {a1, a2, b1}) {
      if (env.Job(id).status != JobStatus::kDone) return false;
    }
    return true;
  };
  while (!all_done() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // poll interval
  }
  scheduler.Stop();
  ASSERT_TRUE(all_done());
  auto ia1 = backend.Interval(a1), ia2 = backend.Interval(a2), ib1 = backend.Interval(b1);
  EXPECT_FALSE(Overlap(ia1, ia2)) << "two jobs of one customer interleaved";
  EXPECT_LT(ia1.second, ia2.first) << "same-customer jobs ran out of queue order";
  EXPECT_TRUE(Overlap(ia1, ib1) || Overlap(ia2, ib1)) << "customers B waited for customer A";
  EXPECT_EQ(env.CountEntities("budget"), 120);
}

TEST(SchedulerCustomerTest, ManyJobsOfOneCustomerAllFinishInOrder) {
  Env env("sched_one_customer");
  std::vector<int64_t> ids;
  for (int j = 0; j < 5; ++j) ids.push_back(JobFor(env, kCustomer, "j" + std::to_string(j), 5));
  IntervalBackend backend(env.sandbox.get());
  Executor executor(env.store.get(), &backend);
  Scheduler scheduler(env.store.get(), &executor, 4);
  scheduler.Start();
  auto deadline = Clock::now() + std::chrono::seconds(60);
  auto all_done = [&] {
    for (int64_t id : ids) {
      if (env.Job(id).status != JobStatus::kDone) return false;
    }
    return true;
  };
  while (!all_done() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // poll interval
  }
  scheduler.Stop();
  ASSERT_TRUE(all_done());
  for (size_t j = 1; j < ids.size(); ++j) {
    EXPECT_LT(backend.Interval(ids[j - 1]).second, backend.Interval(ids[j]).first) << j;
  }
}

}  // namespace
}  // namespace bg::engine
