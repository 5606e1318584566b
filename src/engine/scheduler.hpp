// Scheduler: runs runnable jobs on a small pool of worker threads.
//
// On Start() it asks the store for every ACTIVE/CANCELING job (recovery after a restart) and runs
// them; Notify(job_id) queues a job that just became runnable (upload finished, cancel
// requested). A job is never run by two workers at once. Stop() lets running jobs reach their
// next checkpoint... in this version it waits for the current batch and returns.
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>

#include "engine/executor.hpp"

namespace bg::engine {

class Scheduler {
 public:
  Scheduler(store::JobStore* store, Executor* executor, int workers = 1);
  ~Scheduler();
  void Start();
  void Notify(int64_t job_id);
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bg::engine
