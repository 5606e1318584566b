#include "results/background_writer.hpp"

#include <pthread.h>

#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "common/handoff_queue.hpp"

namespace bg::results {
namespace {

class BackgroundWriter final : public ResultWriter {
 public:
  BackgroundWriter(std::unique_ptr<ResultWriter> inner, size_t capacity)
      : inner_(std::move(inner)), queue_(capacity) {
    local_.reserve(kGroup);
    thread_ = std::thread([this] { Run(); });
  }

  ~BackgroundWriter() override {
    (void)HandOver();
    queue_.Close();  // the thread writes what is queued, then ends
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
  static constexpr size_t kGroup = 64;

  // Queues the caller's group (waiting for room); returns the first error so far.
  Status HandOver() {
    if (!local_.empty()) (void)queue_.Put(&local_);  // never cancelled
    std::lock_guard<std::mutex> lock(status_mu_);
    first_error_ = status_;
    return first_error_;
  }

  // Waits until the thread has written everything appended so far; it is idle afterwards, so the
  // caller may use inner_ until the next Append().
  Status Drain() {
    (void)HandOver();
    queue_.WaitDrained();
    std::lock_guard<std::mutex> lock(status_mu_);
    first_error_ = status_;
    return first_error_;
  }

  void Run() {
    pthread_setname_np(pthread_self(), "bg-results");  // for perf/top; failure is harmless
    std::vector<model::MutateResult> batch;  // Take() frees the previous batch, off the caller
    Status s;
    while (queue_.Take(&batch)) {
      for (const model::MutateResult& r : batch) {
        if (s.ok()) s = inner_->Append(r);
      }
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(status_mu_);
        if (status_.ok()) status_ = s;
      }
    }
  }

  std::unique_ptr<ResultWriter> inner_;
  std::vector<model::MutateResult> local_;  // the caller's group, not yet queued
  Status first_error_;                      // the caller's copy of status_
  bool finished_ = false;
  HandoffQueue<model::MutateResult> queue_;
  std::mutex status_mu_;
  Status status_;  // the thread's first failure
  std::thread thread_;
};

}  // namespace

std::unique_ptr<ResultWriter> WriteInBackground(std::unique_ptr<ResultWriter> inner,
                                                size_t capacity) {
  return std::make_unique<BackgroundWriter>(std::move(inner), capacity);
}

}  // namespace bg::results
