// JobStore: durable state of every batch job (SQLite) plus the job's files on disk.
//
// Owns: the jobs table, the upload session bookkeeping, the executor checkpoint, and the layout
// of <data>/uploads/<job>.upload (the assembled upload bytes at their offsets) and
// <data>/results/<job>.xml (the results document). A state change is committed before it is
// reported (DESIGN.md decision 4). Customer isolation: every lookup that serves a client takes the
// customer id and answers NotFound for another customer's job, exactly as for a missing one.
//
// Thread-safe: all methods may be called from any thread. Writes serialize on the Db mutex of
// the one write connection (db()); the lookups that serve polling (GetJob, ListJobs) run on a
// small pool of read connections instead, so that they never wait for an executor batch holding
// the write connection (WAL: a reader sees every committed transaction, from a consistent
// snapshot). GetJob answers repeated polls of a job from a per-thread memo until the next commit
// on the write connection (sqlite::Db::commit_epoch), which assumes what holds for a data dir:
// this JobStore is the only writer of its jobs table. Methods taking a Txn& run inside the caller's
// transaction (the executor's batch). The write connection's WAL checkpoints run on a thread of
// their own (sqlite::WalCheckpointer), not inside the commits of the executor's batches.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/sqlite.hpp"
#include "common/status.hpp"
#include "model/job.hpp"

namespace bg::sqlite {
class WalCheckpointer;
}  // namespace bg::sqlite

namespace bg::store {

struct StoreOptions {
  std::string data_dir;  // created if missing
  int64_t upload_ttl_ms = 7LL * 24 * 3600 * 1000;
  int64_t results_ttl_ms = 30LL * 24 * 3600 * 1000;
  // Cap on a customer's pending upload bytes (see PendingUploadBytes); 0: no cap.
  int64_t upload_quota_bytes = 1LL << 30;
};

// What one retention sweep removed (see JobStore::SweepExpired).
struct SweepStats {
  int64_t expired_uploads = 0;  // AWAITING_FILE jobs whose uploadUrl expired: now CANCELING
  int64_t expired_results = 0;  // DONE/CANCELED jobs past results retention: files deleted
  // The ids of the expired_uploads jobs: runnable now (the executor ends them CANCELED).
  std::vector<int64_t> canceled_jobs;
};

// A snapshot for the metrics endpoint (JobStore::Stats).
struct StoreStats {
  std::vector<std::pair<model::JobStatus, int64_t>> jobs_by_status;  // every status, zeros too
  int64_t upload_sessions_open = 0;  // AWAITING_FILE, session started, uploadUrl not expired
  int64_t operations_succeeded = 0;  // summed over every stored job's progress
  int64_t operations_failed = 0;     // executed minus succeeded, summed likewise
  int64_t database_bytes = 0;        // the SQLite file plus its WAL
  int64_t upload_bytes = 0;          // files under <data>/uploads
  int64_t results_bytes = 0;         // files under <data>/results
};

// The executor's checkpoint, committed in the same transaction as the backend's mutations.
struct Checkpoint {
  int64_t next_operation = 0;
  int64_t input_offset = 0;
  int64_t results_bytes = 0;
  model::ProgressStats progress;
};

// A page of one or several customers' jobs (the dashboard's list, see JobStore::QueryJobs).
struct JobQuery {
  std::vector<std::string> customer_ids;   // whose jobs; none (or none valid): an empty page
  std::vector<model::JobStatus> statuses;  // empty: any status
  int64_t offset = 0;
  int64_t limit = 50;
};
struct JobPage {
  std::vector<model::BatchJob> jobs;  // newest first (id descending)
  int64_t total = 0;                  // jobs matching the query, over all pages
  // Jobs of the query's customers per status, whatever the status filter (for filter counts).
  std::vector<std::pair<model::JobStatus, int64_t>> status_counts;
};

// Identifies one state of the jobs table: while JobStore::version() returns an equal value, no
// job has changed (every write is a commit on the write connection, which moves the epoch).
// Values of different JobStores never compare equal.
struct StoreVersion {
  uint64_t store = 0;  // JobStore::serial_
  uint64_t epoch = 0;  // sqlite::Db::commit_epoch() of the write connection
  bool operator==(const StoreVersion&) const = default;
};

class JobStore {
 public:
  static Result<std::unique_ptr<JobStore>> Open(StoreOptions options);
  ~JobStore();

  sqlite::Db& db() { return *db_; }
  const StoreOptions& options() const { return options_; }
  // The current state of the jobs table (see StoreVersion). Read it BEFORE reading jobs: a
  // commit in between then makes what was read look older than it is, never newer.
  StoreVersion version() const { return {serial_, db_->commit_epoch()}; }

  // Creates `count` jobs in AWAITING_FILE for the customer (one transaction), ids increasing.
  Result<std::vector<model::BatchJob>> CreateJobs(const std::string& customer_id,
                                                  const std::string& version, int count,
                                                  int64_t now_ms);
  // The job if it exists AND belongs to the customer; NotFound otherwise.
  Result<model::BatchJob> GetJob(const std::string& customer_id, int64_t job_id);
  // Any customer's job (internal use: upload/download URLs carry their own signed customer).
  Result<model::BatchJob> GetJobInternal(int64_t job_id);
  // All jobs of one customer, ordered by id.
  Result<std::vector<model::BatchJob>> ListJobs(const std::string& customer_id);
  // One page of the given customers' jobs (job_query.cpp). The caller has checked that the
  // requester may see every customer listed.
  Result<JobPage> QueryJobs(const JobQuery& query);

  // AWAITING_FILE or ACTIVE -> CANCELING. Any other state: ApiError
  // BatchJobError.INVALID_STATE_CHANGE (field path given by caller). NotFound for other customers.
  Result<model::BatchJob> RequestCancel(const std::string& customer_id, int64_t job_id);
  // Remembers that `get` reported ACTIVE once (see soap/batch_job_service).
  Status MarkActiveReported(int64_t job_id);

  // --- upload ---
  // Returns the job's upload session id, creating a random 128-bit one if none exists yet.
  Result<std::string> StartUploadSession(int64_t job_id);
  std::string UploadPath(int64_t job_id) const;
  std::string ResultsPath(int64_t job_id) const;
  // <data>/results/<job>.index: a cache derived from the results file (the dashboard's results
  // index, ui/); deleted with the results file by the retention sweep.
  std::string ResultsIndexPath(int64_t job_id) const;
  // Records that bytes [0, stored) are durable (the caller fsynced the upload file). When
  // `total` is set it is the declared total. If stored == total the job becomes ACTIVE (unless it
  // is CANCELING/terminal). Returns the updated job.
  //
  // Refused without any change: a total contradicting the declared one or smaller than the
  // stored bytes (InvalidArgument); growth that would take the customer's pending bytes past
  // upload_quota_bytes (ResourceExhausted).
  Result<model::BatchJob> CommitUpload(int64_t job_id, int64_t stored,
                                       std::optional<int64_t> total);
  // Cancels the job's current upload session `session` (a DELETE on the session URL): the
  // session id is remembered as canceled, the stored bytes are forgotten (the caller truncates
  // the file) and the job stays as it is (AWAITING_FILE: a new start POST opens a new session).
  // NotFound when `session` is not the current one; FailedPrecondition when the upload is
  // already complete.
  Status CancelUploadSession(int64_t job_id, const std::string& session);
  // True when `session` is a canceled session of the job (constant-time comparisons).
  Result<bool> IsCanceledUploadSession(int64_t job_id, const std::string& session);

  // --- quota (reference: BatchJob.diskUsageQuotaBalance, BatchJobError.DISK_QUOTA_EXCEEDED) ---
  // Upload bytes stored for the customer's jobs that are not finished: AWAITING_FILE (with an
  // unexpired uploadUrl), ACTIVE and CANCELING.
  Result<int64_t> PendingUploadBytes(const std::string& customer_id);
  // upload_quota_bytes minus PendingUploadBytes, never negative (INT64_MAX without a cap).
  Result<int64_t> QuotaBalanceBytes(const std::string& customer_id);

  // --- retention ---
  // Deletes the files of jobs past their lifetime, once per job, and keeps the job rows:
  // * an AWAITING_FILE job whose uploadUrl expired: its partial upload is deleted (stored bytes
  //   0) and the job becomes CANCELING with the processing error
  //   BatchJobProcessingError.DEADLINE_EXCEEDED (trigger: the uploadUrl's expiration), so that
  //   the executor ends it CANCELED with empty results and polling clients see it end;
  // * a DONE/CANCELED job whose results retention ended: its results and upload files.
  Result<SweepStats> SweepExpired(int64_t now_ms);

  // --- observability ---
  // Counts and sizes for /metrics (one short read transaction plus a walk of the file dirs).
  Result<StoreStats> Stats(int64_t now_ms);
  // A trivial query: the database answers (for /readyz).
  Status Ping();

  // --- execution ---
  // Ids of jobs the executor must (re)run: ACTIVE, or CANCELING (with or without an upload:
  // a job canceled while AWAITING_FILE ends CANCELED with empty results), oldest first.
  Result<std::vector<int64_t>> RunnableJobs();
  // Inside the executor's transaction.
  Status SaveCheckpoint(sqlite::Txn& txn, int64_t job_id, const Checkpoint& cp);
  // Terminal transition (DONE or CANCELED) with the final checkpoint, in the caller's txn.
  // Without `processing_error` a processing error recorded earlier (an expired upload) stays.
  Status FinishJob(sqlite::Txn& txn, int64_t job_id, model::JobStatus status, const Checkpoint& cp,
                   const std::optional<ApiError>& processing_error, int64_t now_ms);

 private:
  static constexpr size_t kReaders = 4;
  JobStore(StoreOptions options, std::unique_ptr<sqlite::Db> db,
           std::vector<std::unique_ptr<sqlite::Db>> readers,
           std::unique_ptr<sqlite::WalCheckpointer> checkpointer);
  // A read connection (round robin); lock its mutex() while using it.
  sqlite::Db& Reader();
  StoreOptions options_;
  std::unique_ptr<sqlite::Db> db_;
  std::vector<std::unique_ptr<sqlite::Db>> readers_;       // query_only connections
  std::unique_ptr<sqlite::WalCheckpointer> checkpointer_;  // of db_; destroyed before it
  std::atomic<size_t> next_reader_{0};
  const uint64_t serial_;  // unique per JobStore in the process (GetJob's per-thread memo)
};

}  // namespace bg::store
