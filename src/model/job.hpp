// BatchJob as the gateway keeps it: identity, owner, API version, lifecycle and progress.
//
// Plain value types shared by store/, engine/, soap/ and upload/. The store owns the persistent
// copy; everything else works on snapshots returned by JobStore. No thread-safety of its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/api_error.hpp"

namespace bg::model {

// BatchJobStatus of the API (same values in v201702 and v201809).
enum class JobStatus { kUnknown, kAwaitingFile, kActive, kCanceling, kCanceled, kDone };

std::string_view JobStatusName(JobStatus s);        // "AWAITING_FILE", ...
std::optional<JobStatus> ParseJobStatus(std::string_view s);
bool IsTerminal(JobStatus s);                       // CANCELED or DONE

// The API versions the gateway speaks are those of the schema registry
// (schema::Registry::Versions(): whatever schema/<version>/ holds). The version of a job is the
// one of the BatchJobService endpoint that created it and never changes.
// "https://adwords.google.com/api/adwords/cm/<version>"
std::string CmNamespace(std::string_view version);

struct ProgressStats {
  int64_t num_operations_executed = 0;
  int64_t num_operations_succeeded = 0;
  int32_t estimated_percent_executed = 0;
  int64_t num_results_written = 0;
};

struct BatchJob {
  int64_t id = 0;
  std::string customer_id;  // normalized: digits only (dashes removed)
  std::string version;      // e.g. "v201702": one of schema::Registry::Versions()
  JobStatus status = JobStatus::kAwaitingFile;
  int64_t created_ms = 0;          // unix epoch milliseconds
  int64_t upload_expires_ms = 0;   // uploadUrl expiry
  int64_t finished_ms = 0;         // DONE/CANCELED time, 0 while running
  int64_t results_expires_ms = 0;  // downloadUrl expiry (finished + retention)
  // When the job changed state (the dashboard's timeline); 0: not (yet) happened, or before the
  // store recorded it (jobs of a data dir older than store schema 3).
  int64_t upload_started_ms = 0;  // first upload session opened (the start POST)
  int64_t active_ms = 0;          // upload complete: AWAITING_FILE -> ACTIVE
  int64_t canceling_ms = 0;       // cancel requested (or the uploadUrl expired): -> CANCELING

  // Upload state (resumable session).
  std::string upload_session;          // hex session id, empty before the start POST
  int64_t upload_stored_bytes = 0;     // contiguous bytes durable from offset 0
  std::optional<int64_t> upload_total; // known once a final chunk arrived

  // Execution checkpoint (committed together with backend mutations).
  int64_t next_operation = 0;     // index of the next operation to execute
  int64_t input_offset = 0;       // bytes of the upload consumed by the op reader (progress)
  int64_t results_bytes = 0;      // durable length of the results file
  ProgressStats progress;
  bool active_reported = false;   // `get` has shown ACTIVE at least once (see soap/)

  // Job-level processing error (e.g. FILE_FORMAT_ERROR); empty type when none.
  std::optional<ApiError> processing_error;
};

}  // namespace bg::model
