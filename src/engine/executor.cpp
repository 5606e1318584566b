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
  Result<int64_t> total = CountOperations(store->UploadPath(job.id),
                                          static_cast<uint64_t>(*job.upload_total));
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
  const auto total = static_cast<uint64_t>(*job.upload_total);

  // Phase 1, the well-formedness scan of a fresh job. From concurrent_scan_bytes on it runs on a
  // thread of its own beside phase 2: operations are applied speculatively in the job's first
  // transaction, which cannot commit before the scan has passed (a broken document executes
  // nothing: that transaction rolls back). So that the wait is spent working, the first batch
  // does not end on batch_size or max_batch_ms until the scan is done.
  // A broken document: the job ends CANCELED with empty results (no transaction open).
  auto end_malformed = [&](const DocumentError& bad) -> Status {
    BG_RETURN_IF_ERROR(Finish(store_, job, *registry, JobStatus::kCanceled, store::Checkpoint{},
                              nullptr, FileFormatError(bad)));
    ++counters_.jobs_finished;
    return Status::Ok();
  };
  std::atomic<bool> scanned{true};
  std::future<Result<std::optional<DocumentError>>> scan;
  const bool fresh = job.next_operation == 0 && job.results_bytes == 0;
  if (fresh && total < options_.concurrent_scan_bytes) {
    // Small: scanning costs less than starting a thread; batches keep their exact bounds.
    BG_ASSIGN_OR_RETURN(std::optional<DocumentError> bad,
                        ScanDocument(store_->UploadPath(job_id), total));
    if (bad) return end_malformed(*bad);
  } else if (fresh) {
    scanned.store(false);
    scan = std::async(std::launch::async, [&scanned, path = store_->UploadPath(job_id), total] {
      Result<std::optional<DocumentError>> r = ScanDocument(path, total);
      scanned.store(true, std::memory_order_release);
      return r;
    });
  }
  // The scan's verdict (waiting for it once); nullopt when the document is well-formed.
  auto scan_verdict = [&]() -> Result<std::optional<DocumentError>> {
    if (!scan.valid()) return std::optional<DocumentError>();
    return scan.get();
  };

  // Phase 2: execute from the checkpoint.
  BG_ASSIGN_OR_RETURN(
      std::unique_ptr<OpPipeline> ops,
      OpPipeline::Start(store_->UploadPath(job_id), total, *registry, job.next_operation,
                        static_cast<size_t>(std::clamp(options_.batch_size, 64, 1024))));
  BG_ASSIGN_OR_RETURN(std::unique_ptr<results::ResultWriter> file,
                      results::ResultWriter::Open(store_->ResultsPath(job_id), *registry,
                                                  static_cast<uint64_t>(job.results_bytes)));
  // The XML of the results is written on a thread of its own (this one applies operations).
  std::unique_ptr<results::ResultWriter> writer = results::WriteInBackground(std::move(file));
  // The same once phase 2 has started: its reader and writer go first.
  auto malformed = [&](const DocumentError& bad) -> Status {
    ops.reset();
    writer.reset();  // Finish() opens the file anew, truncated to nothing
    return end_malformed(bad);
  };
  // Before a batch commits: the scan must have passed.
  auto before_commit = [&](sqlite::Txn& txn) -> Result<bool> {
    BG_ASSIGN_OR_RETURN(std::optional<DocumentError> bad, scan_verdict());
    if (!bad) return true;
    txn.Rollback();
    BG_RETURN_IF_ERROR(malformed(*bad));
    return false;
  };
  store::Checkpoint cp = CheckpointOf(job);
  backend::ExecContext ctx;
  ctx.job_id = job_id;
  ctx.customer_id = job.customer_id;
  ctx.registry = registry;
  std::mt19937_64 jitter(std::random_device{}() ^ static_cast<uint64_t>(job_id));

  std::optional<PreparedOp> current;  // read, not yet applied (kept across a backoff)
  int attempt = 0;                    // of `current`
  bool end = false;
  int backoff_ms = -1;         // a retry's wait, before the next batch (outside any Txn)
  uint64_t backoff_epoch = 0;  // the poke epoch when that batch began
  while (true) {
    if (backoff_ms >= 0) Backoff(backoff_ms, backoff_epoch);  // a poke since then ends it
    backoff_ms = -1;
    // Between batches (never inside one: the Txn holds the Db mutex).
    BG_ASSIGN_OR_RETURN(BatchJob now, store_->GetJobInternal(job_id));
    if (model::IsTerminal(now.status)) return Status::Ok();
    if (now.status == JobStatus::kCanceling) {
      // A broken document ends with FILE_FORMAT_ERROR even when canceled.
      BG_ASSIGN_OR_RETURN(std::optional<DocumentError> bad, scan_verdict());
      if (bad) return malformed(*bad);
      ops.reset();  // stop reading ahead
      BG_ASSIGN_OR_RETURN(std::optional<ApiError> not_executed,
                          NotExecuted(store_, job, cp.next_operation));
      BG_RETURN_IF_ERROR(
          Finish(store_, job, *registry, JobStatus::kCanceled, cp, writer.get(), not_executed));
      ++counters_.jobs_finished;
      return Status::Ok();
    }

    if (stop != nullptr && stop->load()) {
      return Status(StatusCode::kUnavailable, "stopping: job " + std::to_string(job_id) +
                                                  " stays ACTIVE at operation " +
                                                  std::to_string(cp.next_operation));
    }
    const uint64_t epoch = poke_epoch_.load(std::memory_order_relaxed);
    backoff_epoch = epoch;
    const auto deadline = SteadyClock::now() + std::chrono::milliseconds(options_.max_batch_ms);
    sqlite::Txn txn(store_->db());
    BG_RETURN_IF_ERROR(txn.status());
    for (int n = 0; n < options_.batch_size || !scanned.load(std::memory_order_acquire); ++n) {
      if (!current) {
        Result<std::optional<PreparedOp>> next = ops->Next();
        if (!next.ok()) {
          // The reader can meet a broken spot before the scan reports it.
          BG_ASSIGN_OR_RETURN(bool passed, before_commit(txn));
          if (!passed) return Status::Ok();
          return next.status();
        }
        current = std::move(next).value();
        if (!current) {
          end = true;
          break;
        }
        attempt = 0;
      }
      model::Operation& op = current->op;
      ctx.now_ms = NowMs();
      ctx.uploaded = &op;
      ctx.attempt = attempt;
      model::MutateResult result;
      if (!current->errors.empty()) {
        BG_RETURN_IF_ERROR(backend_->OnRejected(txn, ctx, op));
        result.errors = std::move(current->errors);
      } else {
        BG_ASSIGN_OR_RETURN(result, backend_->Apply(txn, ctx, op));
        if (backend::IsTransient(result)) {
          ++counters_.transient_failures;
          if (attempt < options_.retry_limit) {
            // Commit what ran so far, wait outside the transaction, try again.
            const int64_t d = std::min<int64_t>(
                options_.retry_max_ms, int64_t{options_.retry_base_ms} << std::min(attempt, 30));
            backoff_ms = static_cast<int>(d / 2 + (d > 0 ? jitter() % (d / 2 + 1) : 0));
            ++attempt;
            ++counters_.retries;
            if (options_.log) {
              options_.log("job " + std::to_string(job_id) + " operation " +
                           std::to_string(op.index) + ": " + Describe(result.errors) + ", retry " +
                           std::to_string(attempt) + "/" + std::to_string(options_.retry_limit) +
                           " in " + std::to_string(backoff_ms) + " ms");
            }
            break;
          }
          ++counters_.retries_exhausted;
          if (options_.log) {
            options_.log("job " + std::to_string(job_id) + " operation " +
                         std::to_string(op.index) + ": " + Describe(result.errors) + " after " +
                         std::to_string(attempt) + " retries, giving up");
          }
          BG_RETURN_IF_ERROR(backend_->OnRejected(txn, ctx, op));
        }
      }
      result.index = op.index;
      if (result.errors.empty()) ++cp.progress.num_operations_succeeded;
      BG_RETURN_IF_ERROR(writer->Append(std::move(result)));
      ++counters_.operations;
      ++cp.next_operation;
      ++cp.progress.num_operations_executed;
      ++cp.progress.num_results_written;
      cp.input_offset = static_cast<int64_t>(current->end_offset);
      current.reset();
      if (poke_epoch_.load(std::memory_order_relaxed) != epoch) break;  // e.g. a cancel
      if (SteadyClock::now() >= deadline && scanned.load(std::memory_order_acquire)) {
        break;  // live progress
      }
    }
    ctx.uploaded = nullptr;
    BG_ASSIGN_OR_RETURN(bool passed, before_commit(txn));
    if (!passed) return Status::Ok();
    ++counters_.batches;
    if (end) {
      cp.progress.estimated_percent_executed = 100;
      BG_ASSIGN_OR_RETURN(uint64_t size, writer->Finish());
      cp.results_bytes = static_cast<int64_t>(size);
      BG_RETURN_IF_ERROR(
          store_->FinishJob(txn, job_id, JobStatus::kDone, cp, std::nullopt, NowMs()));
      BG_RETURN_IF_ERROR(txn.Commit());
      ++counters_.jobs_finished;
      return Status::Ok();
    }
    cp.progress.estimated_percent_executed = Percent(cp.input_offset, *job.upload_total);
    BG_ASSIGN_OR_RETURN(uint64_t size, writer->Sync());
    cp.results_bytes = static_cast<int64_t>(size);
    BG_RETURN_IF_ERROR(store_->SaveCheckpoint(txn, job_id, cp));
    BG_RETURN_IF_ERROR(txn.Commit());
  }
}

}  // namespace bg::engine
