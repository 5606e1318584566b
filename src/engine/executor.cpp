// Executor::Run (executor.hpp). The order of durable steps is what makes a crash anywhere safe:
//   1. results appended for a batch, then ResultWriter::Sync() (fsync) -> durable size S;
//   2. SaveCheckpoint(next_operation, S, progress) in the same Txn as the batch's backend
//      mutations and temp ids; commit.
// A crash before 2 rolls the batch back; the next Run() truncates the results file to the last
// committed size and re-executes the batch, so every operation takes effect exactly once and the
// file is byte-identical to an uninterrupted run. The final batch commits FinishJob (DONE)
// instead of SaveCheckpoint, after </mutateResponse> is written and fsynced.
//
// One <rval> per operation: every Operation the reader yields gets exactly one result, whether
// the parser rejected it (Operation::parse_errors), the validator did, or the backend applied it.
// Canceling: a CANCELING job ends CANCELED with the results written so far (a well-formed
// document). Operations not executed because of the cancel are the only ones without an <rval>
// (as the real service did).
//
// Parsing runs ahead on the OpPipeline's thread, outside any transaction, and the results' XML
// is written behind on the background writer's; the Txn (which holds the Db mutex) covers the
// backend's work, the results appends (Sync() waits for the writer) and the checkpoint.
#include "engine/executor.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <random>

#include "common/clock.hpp"
#include "engine/op_pipeline.hpp"
#include "engine/scan.hpp"
#include "results/background_writer.hpp"
#include "results/writer.hpp"

namespace bg::engine {
namespace {

using model::BatchJob;
using model::JobStatus;
using SteadyClock = std::chrono::steady_clock;

bool UploadComplete(const BatchJob& job) {
  return job.upload_total.has_value() && job.upload_stored_bytes == *job.upload_total;
}

int32_t Percent(int64_t done, int64_t total) {
  if (total <= 0) return 0;
  return static_cast<int32_t>(std::clamp<int64_t>(done * 100 / total, 0, 100));
}

store::Checkpoint CheckpointOf(const BatchJob& job) {
  store::Checkpoint cp;
  cp.next_operation = job.next_operation;
  cp.input_offset = job.input_offset;
  cp.results_bytes = job.results_bytes;
  cp.progress = job.progress;
  return cp;
}

// Writes the end of the results document (opening it at cp.results_bytes when `writer` is null)
// and commits the terminal state.
Status Finish(store::JobStore* store, const BatchJob& job, const schema::Registry& registry,
              JobStatus status, store::Checkpoint cp, results::ResultWriter* writer,
              const std::optional<ApiError>& processing_error) {
  std::unique_ptr<results::ResultWriter> owned;
  if (writer == nullptr) {
    BG_ASSIGN_OR_RETURN(
        owned, results::ResultWriter::Open(store->ResultsPath(job.id), registry, cp.results_bytes));
    writer = owned.get();
  }
  BG_ASSIGN_OR_RETURN(uint64_t size, writer->Finish());
  cp.results_bytes = static_cast<int64_t>(size);
  sqlite::Txn txn(store->db());
  BG_RETURN_IF_ERROR(txn.status());
  BG_RETURN_IF_ERROR(store->FinishJob(txn, job.id, status, cp, processing_error, NowMs()));
  return txn.Commit();
}

ApiError FileFormatError(const DocumentError& e) {
  ApiError err = ApiError::Make("BatchJobProcessingError", "FILE_FORMAT_ERROR", "", e.ToString());
  err.error_string = "BatchJobProcessingError.FILE_FORMAT_ERROR";
  return err;
}

// The processing error of a cancel that left operations unexecuted (executor.hpp), or nullopt
// when every uploaded operation ran or nothing was uploaded.
Result<std::optional<ApiError>> NotExecuted(store::JobStore* store, const BatchJob& job,
                                            int64_t executed) {
  if (!UploadComplete(job)) return std::optional<ApiError>();
  Result<int64_t> total =
      CountOperations(store->UploadPath(job.id), static_cast<uint64_t>(*job.upload_total));
  if (!total.ok()) {
    // A malformed document executes nothing and ends with FILE_FORMAT_ERROR anyway.
    if (total.status().code() == StatusCode::kInvalidArgument) return std::optional<ApiError>();
    return total.status();
  }
  if (*total <= executed) return std::optional<ApiError>();
  std::string what = "operations[" + std::to_string(executed) +
                     (*total - executed > 1 ? ".." + std::to_string(*total - 1) : "") +
                     "] not executed (" + std::to_string(*total - executed) + " of " +
                     std::to_string(*total) + "): the job was canceled";
  ApiError err = ApiError::Make("BatchJobProcessingError", "UNKNOWN", "", what);
  err.error_string = "BatchJobProcessingError.UNKNOWN";
  return std::optional<ApiError>(std::move(err));
}

std::string Describe(const std::vector<ApiError>& errors) {
  std::string s;
  for (const ApiError& e : errors) {
    if (!s.empty()) s += ", ";
    s += e.type + "." + e.reason;
  }
  return s;
}

}  // namespace

Executor::Executor(store::JobStore* store, backend::Backend* backend, ExecutorOptions options)
    : store_(store), backend_(backend), options_(std::move(options)) {
  options_.batch_size = std::max(1, options_.batch_size);
  options_.max_batch_ms = std::max(1, options_.max_batch_ms);
  options_.retry_limit = std::max(0, options_.retry_limit);
  options_.retry_base_ms = std::max(0, options_.retry_base_ms);
  options_.retry_max_ms = std::max(options_.retry_base_ms, options_.retry_max_ms);
}

void Executor::Poke(int64_t) {
  {
    std::lock_guard<std::mutex> lock(poke_mu_);
    poke_epoch_.fetch_add(1, std::memory_order_relaxed);
  }
  poke_cv_.notify_all();
}

void Executor::Backoff(int ms, uint64_t seen) {
  std::unique_lock<std::mutex> lock(poke_mu_);
  poke_cv_.wait_for(lock, std::chrono::milliseconds(ms),
                    [&] { return poke_epoch_.load(std::memory_order_relaxed) != seen; });
}

ExecutorStats Executor::stats() const {
  ExecutorStats s;
  s.operations = counters_.operations.load();
  s.transient_failures = counters_.transient_failures.load();
  s.retries = counters_.retries.load();
  s.retries_exhausted = counters_.retries_exhausted.load();
  s.batches = counters_.batches.load();
  s.jobs_finished = counters_.jobs_finished.load();
  return s;
}

// One Run() of one runnable job: phase 1 (the scan, maybe beside phase 2), then phase 2 batch by
// batch. Lives on the stack of Run(), which it must not outlive (the scan's thread refers to
// scanned_); used by that one thread.
class Executor::JobRun {
 public:
  JobRun(Executor& ex, BatchJob job, const schema::Registry& registry,
         const std::atomic<bool>* stop)
      : ex_(ex),
        job_(std::move(job)),
        registry_(registry),
        stop_(stop),
        total_(static_cast<uint64_t>(*job_.upload_total)),
        cp_(CheckpointOf(job_)),
        jitter_(std::random_device{}() ^ static_cast<uint64_t>(job_.id)) {
    ctx_.job_id = job_.id;
    ctx_.customer_id = job_.customer_id;
    ctx_.registry = &registry_;
  }
  JobRun(const JobRun&) = delete;
  JobRun& operator=(const JobRun&) = delete;

  Status Execute() {
    BG_ASSIGN_OR_RETURN(bool go_on, StartScan());
    if (!go_on) return Status::Ok();
    // Phase 2: execute from the checkpoint.
    const int64_t id = job_.id;
    BG_ASSIGN_OR_RETURN(
        ops_,
        OpPipeline::Start(ex_.store_->UploadPath(id), total_, registry_, job_.next_operation,
                          static_cast<size_t>(std::clamp(ex_.options_.batch_size, 64, 1024))));
    BG_ASSIGN_OR_RETURN(std::unique_ptr<results::ResultWriter> file,
                        results::ResultWriter::Open(ex_.store_->ResultsPath(id), registry_,
                                                    static_cast<uint64_t>(job_.results_bytes)));
    // The XML of the results is written on a thread of its own (this one applies operations).
    writer_ = results::WriteInBackground(std::move(file));
    while (true) {
      if (backoff_ms_ >= 0) ex_.Backoff(backoff_ms_, backoff_epoch_);  // a poke ends it
      backoff_ms_ = -1;
      // Between batches (never inside one: the Txn holds the Db mutex).
      BG_ASSIGN_OR_RETURN(BatchJob now, ex_.store_->GetJobInternal(id));
      if (model::IsTerminal(now.status)) return Status::Ok();
      if (now.status == JobStatus::kCanceling) return Cancel();
      if (stop_ != nullptr && stop_->load()) {
        return Status(StatusCode::kUnavailable, "stopping: job " + std::to_string(id) +
                                                    " stays ACTIVE at operation " +
                                                    std::to_string(cp_.next_operation));
      }
      BG_ASSIGN_OR_RETURN(bool more, RunBatch());
      if (!more) return Status::Ok();
    }
  }

 private:
  // Phase 1, the well-formedness scan of a fresh job. From concurrent_scan_bytes on it runs on a
  // thread of its own beside phase 2: operations are applied speculatively in the job's first
  // transaction, which cannot commit before the scan has passed (a broken document executes
  // nothing: that transaction rolls back). So that the wait is spent working, the first batch
  // does not end on batch_size or max_batch_ms until the scan is done. False: the job ended.
  Result<bool> StartScan() {
    const bool fresh = job_.next_operation == 0 && job_.results_bytes == 0;
    if (!fresh) return true;
    const std::string path = ex_.store_->UploadPath(job_.id);
    if (total_ < ex_.options_.concurrent_scan_bytes) {
      // Small: scanning costs less than starting a thread; batches keep their exact bounds.
      BG_ASSIGN_OR_RETURN(std::optional<DocumentError> bad, ScanDocument(path, total_));
      if (!bad) return true;
      BG_RETURN_IF_ERROR(EndMalformed(*bad));
      return false;
    }
    scanned_.store(false);
    scan_ = std::async(std::launch::async, [this, path, total = total_] {
      Result<std::optional<DocumentError>> r = ScanDocument(path, total);
      scanned_.store(true, std::memory_order_release);
      return r;
    });
    return true;
  }

  // The scan's verdict (waiting for it once); nullopt when the document is well-formed.
  Result<std::optional<DocumentError>> ScanVerdict() {
    if (!scan_.valid()) return std::optional<DocumentError>();
    return scan_.get();
  }

  // A broken document: the job ends CANCELED with empty results (no transaction open).
  Status EndMalformed(const DocumentError& bad) {
    ops_.reset();
    writer_.reset();  // Finish() opens the file anew, truncated to nothing
    BG_RETURN_IF_ERROR(Finish(ex_.store_, job_, registry_, JobStatus::kCanceled,
                              store::Checkpoint{}, nullptr, FileFormatError(bad)));
    ++ex_.counters_.jobs_finished;
    return Status::Ok();
  }

  // Before a batch commits: the scan must have passed. False: it failed and the job ended.
  Result<bool> BeforeCommit(sqlite::Txn& txn) {
    BG_ASSIGN_OR_RETURN(std::optional<DocumentError> bad, ScanVerdict());
    if (!bad) return true;
    txn.Rollback();
    BG_RETURN_IF_ERROR(EndMalformed(*bad));
    return false;
  }

  Status Cancel() {
    // A broken document ends with FILE_FORMAT_ERROR even when canceled.
    BG_ASSIGN_OR_RETURN(std::optional<DocumentError> bad, ScanVerdict());
    if (bad) return EndMalformed(*bad);
    ops_.reset();  // stop reading ahead
    BG_ASSIGN_OR_RETURN(std::optional<ApiError> not_executed,
                        NotExecuted(ex_.store_, job_, cp_.next_operation));
    BG_RETURN_IF_ERROR(Finish(ex_.store_, job_, registry_, JobStatus::kCanceled, cp_, writer_.get(),
                              not_executed));
    ++ex_.counters_.jobs_finished;
    return Status::Ok();
  }

  // One transaction: operations until batch_size, max_batch_ms, a poke, a retry or the end,
  // then the checkpoint (or DONE). False: the job ended.
  Result<bool> RunBatch() {
    const uint64_t epoch = ex_.poke_epoch_.load(std::memory_order_relaxed);
    backoff_epoch_ = epoch;
    const auto deadline = SteadyClock::now() + std::chrono::milliseconds(ex_.options_.max_batch_ms);
    // The backend's "now" (a campaign's default startDate), read once a batch, not per operation.
    ctx_.now_ms = NowMs();
    sqlite::Txn txn(ex_.store_->db());
    BG_RETURN_IF_ERROR(txn.status());
    bool end = false;
    for (int n = 0; n < ex_.options_.batch_size || !scanned_.load(std::memory_order_acquire); ++n) {
      if (!current_) {
        Result<std::optional<PreparedOp>> next = ops_->Next();
        if (!next.ok()) {
          // The reader can meet a broken spot before the scan reports it.
          BG_ASSIGN_OR_RETURN(bool passed, BeforeCommit(txn));
          if (!passed) return false;
          return next.status();
        }
        current_ = std::move(next).value();
        if (!current_) {
          end = true;
          break;
        }
        attempt_ = 0;
      }
      BG_ASSIGN_OR_RETURN(bool applied, ApplyCurrent(txn));
      if (!applied) break;  // to wait before the next attempt, outside the transaction
      if (ex_.poke_epoch_.load(std::memory_order_relaxed) != epoch) break;  // e.g. a cancel
      if (SteadyClock::now() >= deadline && scanned_.load(std::memory_order_acquire)) {
        break;  // live progress
      }
    }
    ctx_.uploaded = nullptr;
    BG_ASSIGN_OR_RETURN(bool passed, BeforeCommit(txn));
    if (!passed) return false;
    ++ex_.counters_.batches;
    if (end) {
      cp_.progress.estimated_percent_executed = 100;
      BG_ASSIGN_OR_RETURN(uint64_t size, writer_->Finish());
      cp_.results_bytes = static_cast<int64_t>(size);
      BG_RETURN_IF_ERROR(
          ex_.store_->FinishJob(txn, job_.id, JobStatus::kDone, cp_, std::nullopt, NowMs()));
      BG_RETURN_IF_ERROR(txn.Commit());
      ++ex_.counters_.jobs_finished;
      return false;
    }
    cp_.progress.estimated_percent_executed = Percent(cp_.input_offset, *job_.upload_total);
    BG_ASSIGN_OR_RETURN(uint64_t size, writer_->Sync());
    cp_.results_bytes = static_cast<int64_t>(size);
    BG_RETURN_IF_ERROR(ex_.store_->SaveCheckpoint(txn, job_.id, cp_));
    BG_RETURN_IF_ERROR(txn.Commit());
    return true;
  }

  // Applies (or records the rejection of) current_ and appends its result. False: it failed
  // transiently and will be tried again after backoff_ms_ (current_ is kept).
  Result<bool> ApplyCurrent(sqlite::Txn& txn) {
    const ExecutorOptions& o = ex_.options_;
    model::Operation& op = current_->op;
    ctx_.uploaded = &op;
    ctx_.attempt = attempt_;
    model::MutateResult result;
    if (!current_->errors.empty()) {
      BG_RETURN_IF_ERROR(ex_.backend_->OnRejected(txn, ctx_, op));
      result.errors = std::move(current_->errors);
    } else {
      BG_ASSIGN_OR_RETURN(result, ex_.backend_->Apply(txn, ctx_, op));
      if (backend::IsTransient(result)) {
        ++ex_.counters_.transient_failures;
        const std::string what = "job " + std::to_string(job_.id) + " operation " +
                                 std::to_string(op.index) + ": " + Describe(result.errors);
        if (attempt_ < o.retry_limit) {
          // Commit what ran so far, wait outside the transaction, try again.
          const int64_t d =
              std::min<int64_t>(o.retry_max_ms, int64_t{o.retry_base_ms} << std::min(attempt_, 30));
          backoff_ms_ = static_cast<int>(d / 2 + (d > 0 ? jitter_() % (d / 2 + 1) : 0));
          ++attempt_;
          ++ex_.counters_.retries;
          if (o.log) {
            o.log(what + ", retry " + std::to_string(attempt_) + "/" +
                  std::to_string(o.retry_limit) + " in " + std::to_string(backoff_ms_) + " ms");
          }
          return false;
        }
        ++ex_.counters_.retries_exhausted;
        if (o.log) o.log(what + " after " + std::to_string(attempt_) + " retries, giving up");
        BG_RETURN_IF_ERROR(ex_.backend_->OnRejected(txn, ctx_, op));
      }
    }
    result.index = op.index;
    if (result.errors.empty()) ++cp_.progress.num_operations_succeeded;
    BG_RETURN_IF_ERROR(writer_->Append(std::move(result)));
    ++ex_.counters_.operations;
    ++cp_.next_operation;
    ++cp_.progress.num_operations_executed;
    ++cp_.progress.num_results_written;
    cp_.input_offset = static_cast<int64_t>(current_->end_offset);
    current_.reset();
    return true;
  }

  Executor& ex_;
  const BatchJob job_;
  const schema::Registry& registry_;
  const std::atomic<bool>* stop_;
  const uint64_t total_;
  // scanned_ before scan_: the future's destructor waits for the thread that sets it.
  std::atomic<bool> scanned_{true};
  std::future<Result<std::optional<DocumentError>>> scan_;
  std::unique_ptr<OpPipeline> ops_;
  std::unique_ptr<results::ResultWriter> writer_;
  store::Checkpoint cp_;
  backend::ExecContext ctx_;
  std::mt19937_64 jitter_;
  std::optional<PreparedOp> current_;  // read, not yet applied (kept across a backoff)
  int attempt_ = 0;                    // of current_
  int backoff_ms_ = -1;                // a retry's wait, before the next batch (outside any Txn)
  uint64_t backoff_epoch_ = 0;         // the poke epoch when that batch began
};

Status Executor::Run(int64_t job_id, const std::atomic<bool>* stop) {
  BG_ASSIGN_OR_RETURN(BatchJob job, store_->GetJobInternal(job_id));
  if (model::IsTerminal(job.status)) return Status::Ok();
  const schema::Registry* registry = schema::Registry::Get(job.version);
  if (registry == nullptr) return Internal("executor: unsupported version " + job.version);
  if (job.status == JobStatus::kCanceling) {
    // Canceled before (or while) executing: the results so far, possibly none.
    BG_ASSIGN_OR_RETURN(std::optional<ApiError> not_executed,
                        NotExecuted(store_, job, job.next_operation));
    BG_RETURN_IF_ERROR(Finish(store_, job, *registry, JobStatus::kCanceled, CheckpointOf(job),
                              nullptr, not_executed));
    ++counters_.jobs_finished;
    return Status::Ok();
  }
  if (job.status != JobStatus::kActive || !UploadComplete(job)) {
    return FailedPrecondition("executor: job " + std::to_string(job_id) + " is not runnable");
  }
  JobRun run(*this, std::move(job), *registry, stop);
  return run.Execute();
}

}  // namespace bg::engine
