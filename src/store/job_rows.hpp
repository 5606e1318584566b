// Internal to store/: the SQLite schema of the jobs table and the mapping between a jobs row and
// model::BatchJob. Kept apart from job_store.cpp so the SQL layout lives in one place.
// Plain functions; callers hold the Db mutex (inside a Txn or a lock on db.mutex()).
#pragma once

#include <string>
#include <string_view>

#include "common/sqlite.hpp"
#include "common/status.hpp"
#include "model/job.hpp"

namespace bg::store::internal {

// 2: jobs.files_deleted_ms (retention sweep) and canceled_upload_sessions.
// 3: jobs.upload_started_ms, active_ms, canceling_ms (state change times; 0 for older jobs).
// An older database is migrated in place by EnsureSchema.
inline constexpr int kSchemaVersion = 3;
// First job id handed out is kJobIdBase + 1 (a realistic 10-digit AdWords-like id).
inline constexpr int64_t kJobIdBase = 1000000000;

// Creates the tables when missing; refuses a database written by a newer schema.
Status EnsureSchema(sqlite::Db& db);

// "SELECT <every job column> FROM jobs" (append a WHERE/ORDER BY clause).
std::string_view SelectJobsSql();
model::BatchJob RowToJob(const sqlite::Stmt& row);

// One job by id (NotFound when missing).
Result<model::BatchJob> LoadJob(sqlite::Db& db, int64_t job_id);

// Sum of upload_stored_bytes over the customer's unfinished jobs (AWAITING_FILE with
// upload_expires_ms > now_ms, ACTIVE, CANCELING).
Result<int64_t> PendingBytes(sqlite::Db& db, const std::string& customer, int64_t now_ms);

// Encodes ApiError::extra (name/value pairs) as one text column and back.
std::string EncodeExtra(const ApiError& e);
void DecodeExtra(std::string_view text, ApiError* e);

// Digits only (dashes and spaces removed): "123-456-7890" -> "1234567890". Empty when the
// input holds any other character (callers treat that as an unknown customer).
std::string NormalizeCustomerId(std::string_view customer_id);

}  // namespace bg::store::internal
