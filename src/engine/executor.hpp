// Executor: runs one ACTIVE (or CANCELING) job to DONE/CANCELED (DESIGN.md ⑤).
//
// Phase 1 scans the whole upload with OpReader (counts operations, proves the document is
// well-formed and typed); a malformed document ends the job CANCELED with one processing error
// BatchJobProcessingError.FILE_FORMAT_ERROR whose trigger/errorString say where and what.
// Phase 2 streams the operations again from the checkpoint: validates each one (schema/
// validator), applies it through the Backend, appends its MutateResult (results/writer). Every
// `batch_size` operations the results file is fsynced and the backend's mutations plus the new
// checkpoint commit in one SQLite transaction: after kill -9 the job resumes at the checkpoint,
// no operation applies twice and the results file is byte-identical. CANCELING is honoured
// between batches. One failed operation never stops the others; a child of a failed parent gets
// NewEntityCreationError.TEMP_ID_ENTITY_HAD_ERRORS (backend's job).
//
// Thread-safety: Run() may be called concurrently for different jobs.
#pragma once

#include <cstdint>
#include <functional>

#include "backend/backend.hpp"
#include "common/status.hpp"
#include "store/job_store.hpp"

namespace bg::engine {

struct ExecutorOptions {
  int batch_size = 200;
};

class Executor {
 public:
  Executor(store::JobStore* store, backend::Backend* backend, ExecutorOptions options = {});
  // Runs the job to a terminal state (or returns an error Status on an internal failure, leaving
  // the last committed checkpoint in place for a later retry).
  Status Run(int64_t job_id);

 private:
  store::JobStore* store_;
  backend::Backend* backend_;
  ExecutorOptions options_;
};

}  // namespace bg::engine
