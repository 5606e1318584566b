// Scheduler: runs runnable jobs on a small pool of worker threads.
//
// On Start() it asks the store for every ACTIVE/CANCELING job (recovery after a restart) and runs
// them; Notify(job_id) queues a job that just became runnable (upload finished, cancel
// requested). A job is never run by two workers at once; a Notify() for a job being run makes it
// run once more afterwards. An internal failure of Executor::Run is retried after a bounded
// exponential backoff (1 s doubling to 60 s). Stop() takes no new job from the queue and waits
// for the Run() calls in progress to return (each runs its job to a terminal state or to an
// internal failure; the executor has no mid-job interruption in this version); jobs still
// queued stay runnable in the store and are picked up by the next Start(). The destructor
// calls Stop().
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
