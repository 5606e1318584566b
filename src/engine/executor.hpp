// Executor: runs one ACTIVE (or CANCELING) job to DONE/CANCELED (DESIGN.md ⑤).
//
// Phase 1 scans the whole upload for well-formedness only (ScanDocument: no typed trees); a
// malformed document ends the job CANCELED with one processing error
// BatchJobProcessingError.FILE_FORMAT_ERROR whose trigger/errorString say where and what, and
// nothing executed. For an upload of concurrent_scan_bytes or more the scan runs on a thread of
// its own while the first batch executes speculatively: that batch cannot commit before the scan
// has passed (a broken document rolls it back), and it lasts until the scan is done (the job's
// first checkpoint and progressStats come then), so the wait is spent working.
// Phase 2 streams the operations from the checkpoint: a reader thread parses and validates them
// (OpReader + schema/validator) into a small bounded queue while the executor thread applies
// them through the Backend and hands each MutateResult to a third thread that writes its XML
// (results/background_writer, in order). A batch ends after
// `batch_size` operations or `max_batch_ms`; then the results file is fsynced and the backend's
// mutations plus the new checkpoint (and live progressStats) commit in one SQLite transaction:
// after kill -9 the job resumes at the checkpoint, no operation applies twice and the results
// file is byte-identical. One failed operation never stops the others.
//
// Cancellation: the status is re-read before every batch. A cancel request commits between two
// batches (a batch holds the Db mutex), so it is honoured at the first batch boundary after it,
// i.e. within batch_size operations or max_batch_ms (in the first batch of a large upload: once
// its scan is done). Poke() (the scheduler calls it when a running job is notified, e.g. by a
// cancel) ends the batch in progress after the operation in flight and cuts short a retry
// backoff, which is the one long wait outside a transaction.
//
// Operations a cancel leaves unexecuted have no <rval> (as the real service did); the job says
// how many in one processingErrors entry, BatchJobProcessingError.UNKNOWN (the schema has no
// reason for it), whose trigger names them: "operations[120..999] not executed (880 of 1000):
// the job was canceled". A cancel before any byte was uploaded reports nothing (nothing ran).
//
// Stopping (the server shuts down): Run(job, stop) returns kUnavailable at the first batch
// boundary after *stop becomes true (Poke() ends the batch in progress), leaving the job ACTIVE
// at its last checkpoint; the next start resumes it there, exactly as after a kill -9.
//
// Transient failures (backend.hpp IsTransient): the batch commits up to the failing operation,
// the executor waits a backoff outside any transaction (exponential, with jitter: the n-th retry
// waits uniform[d/2, d] with d = min(retry_max_ms, retry_base_ms * 2^(n-1))), then applies the
// operation again with ExecContext::attempt = n. After `retry_limit` retries the operation keeps
// the error as its result (and OnRejected() records it). The attempt count is not durable: a
// job resumed after a crash starts the operation's attempts again.
//
// Counters (stats()) are process-wide totals for the metrics endpoint of issue 6; retries and
// give-ups are also reported through ExecutorOptions::log.
//
// Thread-safety: Run() may be called concurrently for different jobs; Poke() and stats() from any
// thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "backend/backend.hpp"
#include "common/status.hpp"
#include "store/job_store.hpp"

namespace bg::engine {

struct ExecutorOptions {
  int batch_size = 10000;
  int max_batch_ms = 200;
  int retry_limit = 5;
  int retry_base_ms = 100;
  int retry_max_ms = 10000;
  // Uploads of at least this many bytes are scanned for well-formedness beside the execution
  // of their first batch instead of before it (see "Phase 1" above); smaller ones first.
  uint64_t concurrent_scan_bytes = 4 << 20;
  // Receives one line per retry / give-up (the app logs them at warn); may be empty.
  std::function<void(const std::string&)> log;
};

// A snapshot of the executor's counters since start-up.
struct ExecutorStats {
  int64_t operations = 0;          // results written (applied or rejected)
  int64_t transient_failures = 0;  // attempts that failed transiently
  int64_t retries = 0;             // attempts made again after a backoff
  int64_t retries_exhausted = 0;   // operations whose result kept a transient error
  int64_t batches = 0;             // committed batches
  int64_t jobs_finished = 0;       // jobs that reached DONE or CANCELED
};

class Executor {
 public:
  Executor(store::JobStore* store, backend::Backend* backend, ExecutorOptions options = {});
  // Runs the job to a terminal state (or returns an error Status on an internal failure, leaving
  // the last committed checkpoint in place for a later retry). With `stop`, returns kUnavailable
  // at a batch boundary once *stop is true (see above).
  Status Run(int64_t job_id, const std::atomic<bool>* stop = nullptr);
  // Asks every Run() in progress to end its batch after the current operation and re-read its
  // job's status (cheap; the job id is informational).
  void Poke(int64_t job_id);
  ExecutorStats stats() const;

 private:
  class JobRun;  // one Run() of one job (executor.cpp)
  struct Counters {
    std::atomic<int64_t> operations{0}, transient_failures{0}, retries{0}, retries_exhausted{0},
        batches{0}, jobs_finished{0};
  };
  // Sleeps `ms` unless or until the poke epoch differs from `seen`.
  void Backoff(int ms, uint64_t seen);

  store::JobStore* store_;
  backend::Backend* backend_;
  ExecutorOptions options_;
  Counters counters_;
  std::atomic<uint64_t> poke_epoch_{0};
  std::mutex poke_mu_;
  std::condition_variable poke_cv_;
};

}  // namespace bg::engine
