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

#include "common/sqlite.hpp"
#include "common/status.hpp"
#include "model/operation.hpp"
#include "schema/registry.hpp"

namespace bg::backend {

struct ExecContext {
  int64_t job_id = 0;
  std::string customer_id;
  const schema::Registry* registry = nullptr;
  int64_t now_ms = 0;
  // The operation as uploaded, before schema::Validate stripped read-only fields (nullable).
  // The sandbox reads temporary ids from it: Campaign.id and AdGroup.id are read-only for ADD
  // in the schema, yet a negative value there is how a client defines a temp id (reference §5.2).
  const model::Operation* uploaded = nullptr;
};

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

// The embedded sandbox backend.
std::unique_ptr<Backend> MakeSandboxBackend();

}  // namespace bg::backend
