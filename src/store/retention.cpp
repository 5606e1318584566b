#include "store/retention.hpp"

#include "common/clock.hpp"

namespace bg::store {

RetentionSweeper::RetentionSweeper(JobStore* store, std::chrono::milliseconds interval,
                                   Report report)
    : store_(store), interval_(interval), report_(std::move(report)) {}

RetentionSweeper::~RetentionSweeper() { Stop(); }

void RetentionSweeper::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void RetentionSweeper::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<SweepStats> RetentionSweeper::SweepNow() { return store_->SweepExpired(NowMs()); }

int64_t RetentionSweeper::sweeps() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sweeps_;
}

void RetentionSweeper::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    Result<SweepStats> r = SweepNow();
    if (report_) report_(r);
    lock.lock();
    ++sweeps_;
    cv_.wait_for(lock, interval_, [this] { return stop_; });
  }
}

}  // namespace bg::store
