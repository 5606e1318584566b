#include "results/background_writer.hpp"

#include <pthread.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace bg::results {
namespace {

class BackgroundWriter final : public ResultWriter {
 public:
  BackgroundWriter(std::unique_ptr<ResultWriter> inner, size_t capacity)
      : inner_(std::move(inner)), capacity_(std::max<size_t>(1, capacity)) {
    local_.reserve(kGroup);
    thread_ = std::thread([this] { Run(); });
  }

  ~BackgroundWriter() override {
    (void)HandOver();
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_one();
    thread_.join();
  }

  Status Append(const model::MutateResult& r) override { return Append(model::MutateResult(r)); }

  Status Append(model::MutateResult&& r) override {
    if (finished_) return FailedPrecondition("results file already finished");
    local_.push_back(std::move(r));
    if (local_.size() < kGroup) return first_error_;
    return HandOver();
  }

  Result<uint64_t> Sync() override {
    BG_RETURN_IF_ERROR(Drain());
    return inner_->Sync();
  }

  Result<uint64_t> Finish() override {
    BG_RETURN_IF_ERROR(Drain());
    finished_ = true;
    return inner_->Finish();
  }

 private:
  // Results go to the thread in groups: one lock round trip and at most one wake-up per group.
  static constexpr size_t kGroup = 64;

  // Moves the caller's group into the queue (waiting for room); returns the first error so far.
  Status HandOver() {
    std::unique_lock<std::mutex> lock(mu_);
    if (!local_.empty()) {
      room_cv_.wait(lock, [&] { return queue_.size() < capacity_; });
      for (auto& r : local_) queue_.push_back(std::move(r));
      local_.clear();
      work_cv_.notify_one();
    }
    first_error_ = status_;
    return status_;
  }

  // Waits until the thread has written everything appended so far; it is idle afterwards, so the
  // caller may use inner_ until the next Append().
  Status Drain() {
    BG_RETURN_IF_ERROR(HandOver());
    std::unique_lock<std::mutex> lock(mu_);
    idle_cv_.wait(lock, [&] { return queue_.empty() && !busy_; });
    first_error_ = status_;
    return status_;
  }

  void Run() {
    pthread_setname_np(pthread_self(), "bg-results");  // for perf/top; failure is harmless
    std::vector<model::MutateResult> batch;
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stop_, and nothing left to write
      batch.swap(queue_);
      busy_ = true;
      room_cv_.notify_one();
      lock.unlock();
      Status s;
      for (const model::MutateResult& r : batch) {
        if (s.ok()) s = inner_->Append(r);
      }
      batch.clear();  // the results are freed here, off the caller's thread
      lock.lock();
      if (status_.ok() && !s.ok()) status_ = s;
      busy_ = false;
      if (queue_.empty()) idle_cv_.notify_one();
    }
  }

  std::unique_ptr<ResultWriter> inner_;
  const size_t capacity_;
  std::vector<model::MutateResult> local_;  // the caller's group, not yet queued
  Status first_error_;                      // the caller's copy of status_
  bool finished_ = false;

  std::mutex mu_;
  std::condition_variable work_cv_;  // queue_ not empty, or stop_
  std::condition_variable room_cv_;  // queue_ below capacity_
  std::condition_variable idle_cv_;  // queue_ empty and the thread not writing
  std::vector<model::MutateResult> queue_;
  bool busy_ = false;
  bool stop_ = false;
  Status status_;  // the thread's first failure
  std::thread thread_;
};

}  // namespace

std::unique_ptr<ResultWriter> WriteInBackground(std::unique_ptr<ResultWriter> inner,
                                                size_t capacity) {
  return std::make_unique<BackgroundWriter>(std::move(inner), capacity);
}

}  // namespace bg::results
