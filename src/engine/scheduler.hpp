// Scheduler: runs runnable jobs on a pool of worker threads (never on the HTTP I/O threads).
//
// On Start() it asks the store for every ACTIVE/CANCELING job (recovery after a restart) and runs
// them; Notify(job_id) queues a job that just became runnable (upload finished, cancel
// requested). A job is never run by two workers at once; a Notify() for a job being run makes it
// run once more afterwards and pokes the executor (Executor::Poke) so that a cancel is honoured
// at the next operation instead of the next batch.
//
// Ordering rule: jobs of DIFFERENT customers run in parallel (up to `workers`); jobs of the SAME
// customer run one after the other, in queue order — the simplest rule under which two jobs of a
// customer that touch the same entities can never interleave inside an operation. A job whose
// customer is busy waits without occupying a worker.
//
// An internal failure of Executor::Run is retried after a bounded exponential backoff (1 s
// doubling to 60 s). Stop() takes no new job from the queue, asks the Run() calls in progress
// to stop at their next batch boundary (the job stays ACTIVE at its checkpoint) and waits for
// them; jobs still queued or stopped stay runnable in the store and are picked up by the next
// Start(). The destructor calls Stop().
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
