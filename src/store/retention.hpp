// RetentionSweeper: a background thread that calls JobStore::SweepExpired every `interval`, so
// that the files of expired uploads (uploadUrl lifetime, upload.ttl_seconds) and of expired
// results (downloadUrl lifetime, results.ttl_seconds) are deleted even when nobody asks for them,
// and jobs whose uploadUrl expired become CANCELING (SweepStats::canceled_jobs: the `report`
// callback hands them to the scheduler).
//
// Owns its thread; borrows the JobStore, which must outlive it. Start/Stop/SweepNow are
// thread-safe; Stop is idempotent and called by the destructor.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "store/job_store.hpp"

namespace bg::store {

class RetentionSweeper {
 public:
  // `report` (optional) receives the outcome of every sweep, e.g. for logging.
  using Report = std::function<void(const Result<SweepStats>&)>;
  RetentionSweeper(JobStore* store, std::chrono::milliseconds interval, Report report = nullptr);
  ~RetentionSweeper();
  RetentionSweeper(const RetentionSweeper&) = delete;
  RetentionSweeper& operator=(const RetentionSweeper&) = delete;

  // Sweeps at once, then every interval until Stop.
  void Start();
  void Stop();
  // One sweep now, on the caller's thread.
  Result<SweepStats> SweepNow();
  // Completed sweeps of the background thread (tests poll this instead of sleeping).
  int64_t sweeps() const;

 private:
  void Run();

  JobStore* store_;
  std::chrono::milliseconds interval_;
  Report report_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  int64_t sweeps_ = 0;
  std::thread thread_;
};

}  // namespace bg::store
