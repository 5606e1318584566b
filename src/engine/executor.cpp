// Executor::Run (executor.hpp). The order of durable steps is what makes a crash anywhere safe:
//   1. results appended for a batch, then ResultWriter::Sync() (fsync) -> durable size S;
//   2. SaveCheckpoint(next_operation, S, progress) in the same Txn as the batch's backend
//      mutations and temp ids; commit.
// A crash before 2 rolls the batch back; the next Run() truncates the results file to the last
// committed size and re-executes the batch, so every operation takes effect exactly once and the
// file is byte-identical to an uninterrupted run. The final batch commits FinishJob (DONE)
// instead of SaveCheckpoint, after </mutateResponse> is written and fsynced.
//
// Canceling: the status is re-read before every batch; a CANCELING job ends CANCELED with the
// results written so far (a well-formed document). Operations not executed get no <rval>.
#include "engine/executor.hpp"

#include <algorithm>
#include <optional>

#include "common/clock.hpp"
#include "engine/op_reader.hpp"
#include "results/writer.hpp"
#include "schema/validator.hpp"

namespace bg::engine {
namespace {

using model::BatchJob;
using model::JobStatus;

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

}  // namespace

Executor::Executor(store::JobStore* store, backend::Backend* backend, ExecutorOptions options)
    : store_(store), backend_(backend), options_(options) {
  if (options_.batch_size < 1) options_.batch_size = 1;
}

namespace {

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

// Phase 1: the whole document must be well-formed and typed before anything executes.
// Returns the document error when there is one.
Result<std::optional<DocumentError>> Scan(store::JobStore* store, const BatchJob& job,
                                          const schema::Registry& registry) {
  BG_ASSIGN_OR_RETURN(std::unique_ptr<OpReader> reader,
                      OpReader::Open(store->UploadPath(job.id),
                                     static_cast<uint64_t>(*job.upload_total), registry));
  while (true) {
    auto next = reader->Next();
    if (!next.ok()) {
      if (next.status().code() == StatusCode::kInvalidArgument) {
        return std::optional<DocumentError>(reader->error());
      }
      return next.status();
    }
    if (!next->has_value()) return std::optional<DocumentError>();
  }
}

ApiError FileFormatError(const DocumentError& e) {
  ApiError err = ApiError::Make("BatchJobProcessingError", "FILE_FORMAT_ERROR", "", e.ToString());
  err.error_string = "BatchJobProcessingError.FILE_FORMAT_ERROR";
  return err;
}

}  // namespace

Status Executor::Run(int64_t job_id) {
  BG_ASSIGN_OR_RETURN(BatchJob job, store_->GetJobInternal(job_id));
  if (model::IsTerminal(job.status)) return Status::Ok();
  const schema::Registry* registry = schema::Registry::Get(job.version);
  if (registry == nullptr) return Internal("executor: unsupported version " + job.version);
  if (job.status == JobStatus::kCanceling) {
    // Canceled before (or while) executing: the results so far, possibly none.
    return Finish(store_, job, *registry, JobStatus::kCanceled, CheckpointOf(job), nullptr,
                  std::nullopt);
  }
  if (job.status != JobStatus::kActive || !UploadComplete(job)) {
    return FailedPrecondition("executor: job " + std::to_string(job_id) + " is not runnable");
  }

  if (job.next_operation == 0 && job.results_bytes == 0) {
    BG_ASSIGN_OR_RETURN(std::optional<DocumentError> bad, Scan(store_, job, *registry));
    if (bad) {
      return Finish(store_, job, *registry, JobStatus::kCanceled, store::Checkpoint{}, nullptr,
                    FileFormatError(*bad));
    }
  }

  // Phase 2: execute from the checkpoint.
  BG_ASSIGN_OR_RETURN(std::unique_ptr<OpReader> reader,
                      OpReader::Open(store_->UploadPath(job_id),
                                     static_cast<uint64_t>(*job.upload_total), *registry));
  for (int64_t i = 0; i < job.next_operation; ++i) {
    BG_ASSIGN_OR_RETURN(std::optional<model::Operation> skipped, reader->Next());
    if (!skipped) return Status(StatusCode::kDataLoss, "executor: upload shorter than checkpoint");
  }
  BG_ASSIGN_OR_RETURN(std::unique_ptr<results::ResultWriter> writer,
                      results::ResultWriter::Open(store_->ResultsPath(job_id), *registry,
                                                  static_cast<uint64_t>(job.results_bytes)));
  store::Checkpoint cp = CheckpointOf(job);
  backend::ExecContext ctx;
  ctx.job_id = job_id;
  ctx.customer_id = job.customer_id;
  ctx.registry = registry;

  while (true) {
    // Between batches (never inside one: the Txn holds the Db mutex).
    BG_ASSIGN_OR_RETURN(BatchJob now, store_->GetJobInternal(job_id));
    if (model::IsTerminal(now.status)) return Status::Ok();
    if (now.status == JobStatus::kCanceling) {
      return Finish(store_, job, *registry, JobStatus::kCanceled, cp, writer.get(), std::nullopt);
    }

    sqlite::Txn txn(store_->db());
    BG_RETURN_IF_ERROR(txn.status());
    bool end = false;
    for (int n = 0; n < options_.batch_size; ++n) {
      BG_ASSIGN_OR_RETURN(std::optional<model::Operation> op, reader->Next());
      if (!op) {
        end = true;
        break;
      }
      ctx.now_ms = NowMs();
      model::Operation uploaded = *op;
      ctx.uploaded = &uploaded;
      model::MutateResult result;
      std::vector<ApiError> errors = schema::Validate(*registry, *op);
      if (!errors.empty()) {
        BG_RETURN_IF_ERROR(backend_->OnRejected(txn, ctx, *op));
        result.errors = std::move(errors);
      } else {
        BG_ASSIGN_OR_RETURN(result, backend_->Apply(txn, ctx, *op));
      }
      result.index = op->index;
      BG_RETURN_IF_ERROR(writer->Append(result));
      ++cp.next_operation;
      ++cp.progress.num_operations_executed;
      if (result.errors.empty()) ++cp.progress.num_operations_succeeded;
      ++cp.progress.num_results_written;
    }
    ctx.uploaded = nullptr;
    cp.input_offset = static_cast<int64_t>(reader->bytes_consumed());
    if (end) {
      cp.progress.estimated_percent_executed = 100;
      BG_ASSIGN_OR_RETURN(uint64_t size, writer->Finish());
      cp.results_bytes = static_cast<int64_t>(size);
      BG_RETURN_IF_ERROR(
          store_->FinishJob(txn, job_id, JobStatus::kDone, cp, std::nullopt, NowMs()));
      return txn.Commit();
    }
    cp.progress.estimated_percent_executed = Percent(cp.input_offset, *job.upload_total);
    BG_ASSIGN_OR_RETURN(uint64_t size, writer->Sync());
    cp.results_bytes = static_cast<int64_t>(size);
    BG_RETURN_IF_ERROR(store_->SaveCheckpoint(txn, job_id, cp));
    BG_RETURN_IF_ERROR(txn.Commit());
  }
}

}  // namespace bg::engine
