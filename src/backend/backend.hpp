// Backend: where operations take effect (DESIGN.md ⑥). The embedded default is the sandbox
// (backend/sandbox/), which simulates AdWords accounts in the same SQLite database as the job
// store so that its mutations and the executor's checkpoint commit in one transaction.
//
// The executor calls Apply() once per operation, in upload order, inside its transaction `txn`;
// a backend must make every change through txn.db() so that a rolled-back batch leaves no trace.
// Temporary ids (negative ids defined by earlier operations of the same job) are resolved by the
// backend and must be persisted in the same transaction (a job resumes after a crash).
// Implementations must be thread-safe across different jobs (each call gets its own txn).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/sqlite.hpp"
#include "common/status.hpp"
#include "model/operation.hpp"
#include "schema/registry.hpp"

namespace bg::backend {

struct ExecContext {
  int64_t job_id = 0;
  std::string customer_id;
  const schema::Registry* registry = nullptr;
  int64_t now_ms = 0;  // wall clock (ms); the executor reads it at the start of each batch
  // The operation exactly as uploaded (nullable). schema::Validate no longer changes operations,
  // so this equals the operation passed to Apply; kept for backends that rewrite operands.
  // The sandbox reads temporary ids from it: Campaign.id and AdGroup.id are read-only for ADD
  // in the schema, yet a negative value there is how a client defines a temp id (reference §5.2).
  const model::Operation* uploaded = nullptr;
  // 0 on the first Apply() of an operation, 1, 2, ... on the executor's retries of a transient
  // failure (see IsTransient below). The sandbox's `++Type.REASON#N++` markers fail attempts < N.
  int attempt = 0;
};

// --- Transient failures: the contract between backends and the executor's retry policy ---
// IsTransientError: RateExceededError (any reason) and InternalApiError.TRANSIENT_ERROR.
// IsTransient(r): r carries errors and at least one of them is transient.
// A backend that returns a transient result has made NO change for that operation (no entity,
// id or temp-id bookkeeping), so the executor may call Apply() again for the same operation in
// the same transaction after a backoff (setting ExecContext::attempt). When the executor gives
// up, it reports the errors as the operation's result and MUST call OnRejected() for it, so that
// a temp id the operation defines is recorded as failed (children: TEMP_ID_ENTITY_HAD_ERRORS).
bool IsTransientError(const ApiError& e);
bool IsTransient(const model::MutateResult& r);

class Backend {
 public:
  virtual ~Backend() = default;
  // Creates the backend's tables if needed (called once at start-up).
  virtual Status Init(sqlite::Db& db) = 0;
  // Applies one schema-valid operation. Returns the result to report: the echoed entity with
  // server-side fields filled (real ids), or errors. An error Status (not ApiErrors) means an
  // internal failure: the executor rolls the batch back.
  virtual Result<model::MutateResult> Apply(sqlite::Txn& txn, const ExecContext& ctx,
                                            const model::Operation& op) = 0;
  // Called instead of Apply() for an operation the executor rejected before the backend saw it
  // (schema validation errors), in the same transaction: lets the backend remember that a temp
  // id defined by `op` failed, so that its children get TEMP_ID_ENTITY_HAD_ERRORS.
  virtual Status OnRejected(sqlite::Txn& txn, const ExecContext& ctx, const model::Operation& op) {
    (void)txn, (void)ctx, (void)op;
    return Status::Ok();
  }
};

// The embedded sandbox backend (docs/sandbox.md).
struct SandboxOptions {
  // "yyyyMMdd": the sandbox's "today" (campaign startDate, ...) instead of the clock, so that
  // golden results do not change daily (config key sandbox.fixed_date). Empty: the clock.
  std::string fixed_date;
  // Seed files (fixtures/accounts/ format) loaded by Init() (config key sandbox.seed_files).
  std::vector<std::string> seed_files;
};
std::unique_ptr<Backend> MakeSandboxBackend();
std::unique_ptr<Backend> MakeSandboxBackend(SandboxOptions options);

}  // namespace bg::backend
