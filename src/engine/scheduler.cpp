// Scheduler (scheduler.hpp): a FIFO of job ids served by `workers` threads. A job id is in at
// most one of {queued, running}; a Notify() for a running job is remembered and the job is run
// once more when the current run returns (so a cancel that arrives mid-run is honoured).
// Per-customer exclusion: a worker takes the first queued job whose customer has no job running.
// The customer of a job is looked up when it is queued, outside the lock (Notify() callers pay
// one store read), and cached while the job is queued, running or waiting for a retry.
// A Run() that fails internally is retried after a bounded exponential backoff (1 s .. 60 s).
#include "engine/scheduler.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace bg::engine {

using Clock = std::chrono::steady_clock;

class Scheduler::Impl {
 public:
  Impl(store::JobStore* store, Executor* executor, int workers)
      : store_(store), executor_(executor), workers_(std::max(1, workers)) {}

  void Start() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!threads_.empty()) return;
    stopping_ = false;
    stop_runs_ = false;
    for (int i = 0; i < workers_; ++i) threads_.emplace_back([this] { Work(); });
    auto runnable = store_->RunnableJobs();
    if (runnable.ok()) {
      for (int64_t id : *runnable) EnqueueLocked(id, CustomerOf(id));
    } else {
      // The store is unavailable: look again after the backoff (job id 0 = "rescan").
      retry_[0] = {Clock::now() + std::chrono::seconds(1), 1};
    }
    cv_.notify_all();
  }

  void Notify(int64_t job_id) {
    std::string customer = CustomerOf(job_id);
    std::lock_guard<std::mutex> lock(mu_);
    EnqueueLocked(job_id, std::move(customer));
    cv_.notify_all();
  }

  void Stop() {
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
      threads.swap(threads_);
    }
    // Jobs in progress stop at their next batch boundary (Executor::Run's `stop`).
    stop_runs_ = true;
    executor_->Poke(0);
    cv_.notify_all();
    for (auto& t : threads) t.join();
  }

 private:
  // The job's customer; a job the store cannot read runs alone under a name of its own (Run()
  // then reports the problem).
  std::string CustomerOf(int64_t id) {
    auto job = store_->GetJobInternal(id);
    return job.ok() ? job->customer_id : "#" + std::to_string(id);
  }

  void EnqueueLocked(int64_t id, std::string customer) {
    customer_of_[id] = std::move(customer);
    EnqueueLocked(id);
  }

  void EnqueueLocked(int64_t id) {
    if (running_.count(id)) {
      rerun_.insert(id);
      executor_->Poke(id);  // e.g. a cancel: seen at the next operation
    } else if (!queued_.count(id)) {
      queued_.insert(id);
      queue_.push_back(id);
    }
  }

  // The first queued job whose customer is idle (id 0, the rescan, always qualifies).
  std::deque<int64_t>::iterator PickLocked() {
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
      auto c = customer_of_.find(*it);
      if (c == customer_of_.end() || !busy_customers_.count(c->second)) return it;
    }
    return queue_.end();
  }

  void WaitLocked(std::unique_lock<std::mutex>& lock) {
    Clock::time_point next = Clock::time_point::max();
    for (const auto& [id, r] : retry_) next = std::min(next, r.due);
    if (next == Clock::time_point::max()) {
      cv_.wait(lock);  // nothing to do, or every retry is queued or running
    } else {
      cv_.wait_until(lock, next);
    }
  }

  void Work() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      PromoteDueRetriesLocked();
      auto it = PickLocked();
      if (it == queue_.end()) {
        WaitLocked(lock);
        continue;
      }
      int64_t id = *it;
      queue_.erase(it);
      queued_.erase(id);
      if (id == 0) {  // rescan the store
        lock.unlock();
        auto runnable = store_->RunnableJobs();
        std::vector<std::string> customers;
        if (runnable.ok()) {
          for (int64_t job : *runnable) customers.push_back(CustomerOf(job));
        }
        lock.lock();
        if (runnable.ok()) {
          retry_.erase(0);
          for (size_t i = 0; i < runnable->size(); ++i) {
            EnqueueLocked((*runnable)[i], std::move(customers[i]));
          }
        } else {
          ScheduleRetryLocked(0);
        }
        continue;
      }
      running_.insert(id);
      const std::string customer = customer_of_[id];
      busy_customers_.insert(customer);
      lock.unlock();
      Status s = executor_->Run(id, &stop_runs_);
      lock.lock();
      running_.erase(id);
      busy_customers_.erase(customer);
      if (s.ok()) {
        retry_.erase(id);
      } else {
        ScheduleRetryLocked(id);
      }
      if (rerun_.erase(id) && s.ok()) EnqueueLocked(id);
      if (!queued_.count(id) && !retry_.count(id)) customer_of_.erase(id);
      cv_.notify_all();
    }
  }

  void ScheduleRetryLocked(int64_t id) {
    Retry& r = retry_[id];
    r.attempts = std::min(r.attempts + 1, 7);
    auto delay = std::chrono::seconds(std::min(60, 1 << (r.attempts - 1)));
    r.due = Clock::now() + delay;
  }

  void PromoteDueRetriesLocked() {
    Clock::time_point now = Clock::now();
    for (auto& [id, r] : retry_) {
      if (r.due <= now && r.due != Clock::time_point::max() && !queued_.count(id) &&
          !running_.count(id)) {
        r.due = Clock::time_point::max();  // keeps the attempt count until a success
        queued_.insert(id);
        queue_.push_back(id);
      }
    }
  }

  struct Retry {
    Clock::time_point due;
    int attempts = 0;
  };

  store::JobStore* store_;
  Executor* executor_;
  const int workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::atomic<bool> stop_runs_{false};  // read by Executor::Run outside mu_
  std::vector<std::thread> threads_;
  std::deque<int64_t> queue_;
  std::set<int64_t> queued_, running_, rerun_;
  std::map<int64_t, Retry> retry_;
  std::map<int64_t, std::string> customer_of_;  // jobs queued/running/retrying
  std::set<std::string> busy_customers_;
};

Scheduler::Scheduler(store::JobStore* store, Executor* executor, int workers)
    : impl_(std::make_unique<Impl>(store, executor, workers)) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() { impl_->Start(); }
void Scheduler::Notify(int64_t job_id) { impl_->Notify(job_id); }
void Scheduler::Stop() { impl_->Stop(); }

}  // namespace bg::engine
