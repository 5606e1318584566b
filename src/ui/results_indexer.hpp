// ResultsIndexer: builds the results indexes of finished jobs (results_index.hpp) lazily, the
// first time the dashboard asks for a job's results, on a thread of its own (never on an HTTP
// thread), one job at a time, so that a million-operation job costs one streaming pass once and
// a page of its results a few reads afterwards.
//
// Lookup() answers with the open index when it is there, or queues the build and waits a short
// while for it (small jobs are then answered at once), else reports how far the build has got;
// the page polls again. A failed build is remembered (its Status is answered) until the process
// restarts. A stale index (built from a results file of another length) is rebuilt.
//
// Owns its worker thread; Stop() (or the destructor) cancels a build in progress and joins it.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "model/job.hpp"
#include "store/job_store.hpp"
#include "ui/results_index.hpp"

namespace bg::ui {

struct IndexLookup {
  std::unique_ptr<ResultsIndex> index;  // set: ready
  Status error;                         // not OK: the build failed
  bool building = false;                // neither: queued (false) or being built (true)
  int32_t percent = 0;                  // of the results document read, while building
};

class ResultsIndexer {
 public:
  explicit ResultsIndexer(store::JobStore* store) : store_(store) {}
  ~ResultsIndexer();
  ResultsIndexer(const ResultsIndexer&) = delete;
  ResultsIndexer& operator=(const ResultsIndexer&) = delete;

  // `job` must be DONE or CANCELED (its results file complete).
  IndexLookup Lookup(const model::BatchJob& job, std::chrono::milliseconds wait);
  void Stop();

 private:
  Result<std::unique_ptr<ResultsIndex>> OpenIndex(const model::BatchJob& job);
  void Work();

  store::JobStore* store_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<model::BatchJob> queue_;
  std::map<int64_t, Status> failed_;
  int64_t current_ = 0;  // job being built, 0: none
  uint64_t current_total_ = 0;
  BuildProgress* progress_ = nullptr;  // of the current build
  bool stop_ = false;
  std::thread worker_;  // started by the first build
};

}  // namespace bg::ui
