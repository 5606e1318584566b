#include "store/job_store.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <system_error>
#include <unordered_map>

#include "common/clock.hpp"
#include "common/signed_url.hpp"
#include "common/wal_checkpointer.hpp"
#include "schema/registry.hpp"
#include "store/job_rows.hpp"

namespace bg::store {
namespace {

using internal::NormalizeCustomerId;
using internal::RowToJob;
using internal::SelectJobsSql;

std::string Sql(std::string_view where) {
  std::string s(SelectJobsSql());
  s.append(where);
  return s;
}

Status JobNotFound(int64_t job_id) { return NotFound("job " + std::to_string(job_id)); }

// Reads one job by id; the caller holds the Db mutex.
Result<model::BatchJob> LoadJob(sqlite::Db& db, int64_t job_id) {
  return internal::LoadJob(db, job_id);
}

Status WriteCheckpoint(sqlite::Db& db, int64_t job_id, const Checkpoint& cp) {
  BG_ASSIGN_OR_RETURN(
      sqlite::Stmt st,
      db.Prepare("UPDATE jobs SET next_operation = ?, input_offset = ?, results_bytes = ?, "
                 "num_operations_executed = ?, num_operations_succeeded = ?, "
                 "estimated_percent_executed = ?, num_results_written = ? WHERE id = ?"));
  st.Bind(1, cp.next_operation)
      .Bind(2, cp.input_offset)
      .Bind(3, cp.results_bytes)
      .Bind(4, cp.progress.num_operations_executed)
      .Bind(5, cp.progress.num_operations_succeeded)
      .Bind(6, static_cast<int64_t>(cp.progress.estimated_percent_executed))
      .Bind(7, cp.progress.num_results_written)
      .Bind(8, job_id);
  BG_RETURN_IF_ERROR(st.Run());
  if (db.Changes() == 0) return JobNotFound(job_id);
  return Status::Ok();
}

Status SetStatus(sqlite::Db& db, int64_t job_id, model::JobStatus status) {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt st, db.Prepare("UPDATE jobs SET status = ? WHERE id = ?"));
  st.Bind(1, model::JobStatusName(status)).Bind(2, job_id);
  return st.Run();
}

}  // namespace

namespace {

// GetJob's memo, one per thread (the I/O threads poll without sharing a lock): a job as it was
// read while the write connection's commit_epoch() had the value kept with it. A commit on that
// connection (every write to the jobs table is one) makes every entry older than it stale, so
// a poll never reports a state older than the last commit before it. Bounded: cleared when full.
struct MemoJob {
  uint64_t store = 0;  // JobStore::serial_: entries of a destroyed store never match
  uint64_t epoch = 0;
  model::BatchJob job;
};
constexpr size_t kMaxMemoJobs = 1024;
thread_local std::unordered_map<int64_t, MemoJob> memo_jobs;
std::atomic<uint64_t> next_store_serial{1};

}  // namespace

JobStore::JobStore(StoreOptions options, std::unique_ptr<sqlite::Db> db,
                   std::vector<std::unique_ptr<sqlite::Db>> readers,
                   std::unique_ptr<sqlite::WalCheckpointer> checkpointer)
    : options_(std::move(options)),
      db_(std::move(db)),
      readers_(std::move(readers)),
      checkpointer_(std::move(checkpointer)),
      serial_(next_store_serial.fetch_add(1, std::memory_order_relaxed)) {}

sqlite::Db& JobStore::Reader() {
  return *readers_[next_reader_.fetch_add(1, std::memory_order_relaxed) % readers_.size()];
}

JobStore::~JobStore() = default;

Result<std::unique_ptr<JobStore>> JobStore::Open(StoreOptions options) {
  if (options.data_dir.empty()) return InvalidArgument("store: empty data_dir");
  for (const char* sub : {"", "/uploads", "/results"}) {
    std::error_code ec;
    std::filesystem::create_directories(options.data_dir + sub, ec);
    if (ec) return Internal("store: create " + options.data_dir + sub + ": " + ec.message());
  }
  const std::string path = options.data_dir + "/batchgate.db";
  BG_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Db> db, sqlite::Db::Open(path));
  BG_RETURN_IF_ERROR(internal::EnsureSchema(*db));
  std::vector<std::unique_ptr<sqlite::Db>> readers;
  for (size_t i = 0; i < kReaders; ++i) {
    BG_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Db> r, sqlite::Db::Open(path));
    BG_RETURN_IF_ERROR(r->Exec("PRAGMA query_only=1"));
    readers.push_back(std::move(r));
  }
  BG_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::WalCheckpointer> checkpointer,
                      sqlite::WalCheckpointer::Start(*db, path));
  return std::unique_ptr<JobStore>(
      new JobStore(std::move(options), std::move(db), std::move(readers), std::move(checkpointer)));
}

Result<std::vector<model::BatchJob>> JobStore::CreateJobs(const std::string& customer_id,
                                                          const std::string& version, int count,
                                                          int64_t now_ms) {
  const std::string customer = NormalizeCustomerId(customer_id);
  if (customer.empty()) return InvalidArgument("store: invalid customer id");
  if (schema::Registry::Get(version) == nullptr) return InvalidArgument("store: bad version");
  if (count < 0) return InvalidArgument("store: negative job count");
  std::vector<model::BatchJob> jobs;
  if (count == 0) return jobs;

  sqlite::Txn txn(*db_);
  BG_RETURN_IF_ERROR(txn.status());
  BG_ASSIGN_OR_RETURN(sqlite::Stmt last,
                      db_->Prepare("SELECT value FROM meta WHERE key = 'last_job_id'"));
  BG_ASSIGN_OR_RETURN(bool row, last.Step());
  if (!row) return Internal("store: meta.last_job_id missing");
  int64_t next_id = 0;
  const std::string last_text = last.Text(0);
  auto [end, ec] = std::from_chars(last_text.data(), last_text.data() + last_text.size(), next_id);
  if (ec != std::errc() || next_id < internal::kJobIdBase) {
    return Internal("store: bad meta.last_job_id");
  }
  BG_ASSIGN_OR_RETURN(sqlite::Stmt ins,
                      db_->Prepare("INSERT INTO jobs(id, customer_id, version, status, created_ms, "
                                   "upload_expires_ms) VALUES(?, ?, ?, ?, ?, ?)"));
  for (int i = 0; i < count; ++i) {
    model::BatchJob j;
    j.id = ++next_id;
    j.customer_id = customer;
    j.version = version;
    j.status = model::JobStatus::kAwaitingFile;
    j.created_ms = now_ms;
    j.upload_expires_ms = now_ms + options_.upload_ttl_ms;
    ins.Reset();
    ins.Bind(1, j.id)
        .Bind(2, j.customer_id)
        .Bind(3, j.version)
        .Bind(4, model::JobStatusName(j.status))
        .Bind(5, j.created_ms)
        .Bind(6, j.upload_expires_ms);
    BG_RETURN_IF_ERROR(ins.Run());
    jobs.push_back(std::move(j));
  }
  BG_ASSIGN_OR_RETURN(sqlite::Stmt upd,
                      db_->Prepare("UPDATE meta SET value = ? WHERE key = 'last_job_id'"));
  BG_RETURN_IF_ERROR(upd.Bind(1, std::to_string(next_id)).Run());
  BG_RETURN_IF_ERROR(txn.Commit());
  return jobs;
}

Result<model::BatchJob> JobStore::GetJob(const std::string& customer_id, int64_t job_id) {
  const std::string customer = NormalizeCustomerId(customer_id);
  // Read before the row: a commit after this point moves the epoch past the memo's.
  const uint64_t epoch = db_->commit_epoch();
  auto it = memo_jobs.find(job_id);
  if (it == memo_jobs.end() || it->second.store != serial_ || it->second.epoch != epoch) {
    model::BatchJob job;
    {
      sqlite::Db& reader = Reader();
      std::lock_guard<std::mutex> lock(reader.mutex());
      BG_ASSIGN_OR_RETURN(job, LoadJob(reader, job_id));
    }
    if (memo_jobs.size() >= kMaxMemoJobs) memo_jobs.clear();
    it = memo_jobs.insert_or_assign(job_id, MemoJob{serial_, epoch, std::move(job)}).first;
  }
  const model::BatchJob& job = it->second.job;
  // Another customer's job answers exactly like a missing one.
  if (customer.empty() || job.customer_id != customer) return JobNotFound(job_id);
  return job;
}

Result<model::BatchJob> JobStore::GetJobInternal(int64_t job_id) {
  // The write connection: its callers (uploads, the executor) write next, and a read connection
  // would re-read the pages every write just changed.
  std::lock_guard<std::mutex> lock(db_->mutex());
  return LoadJob(*db_, job_id);
}

Result<std::vector<model::BatchJob>> JobStore::ListJobs(const std::string& customer_id) {
  const std::string customer = NormalizeCustomerId(customer_id);
  std::vector<model::BatchJob> jobs;
  if (customer.empty()) return jobs;
  sqlite::Db& reader = Reader();
  std::lock_guard<std::mutex> lock(reader.mutex());
  BG_ASSIGN_OR_RETURN(sqlite::Stmt st, reader.Prepare(Sql("WHERE customer_id = ? ORDER BY id")));
  st.Bind(1, customer);
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    jobs.push_back(RowToJob(st));
  }
  return jobs;
}

Result<model::BatchJob> JobStore::RequestCancel(const std::string& customer_id, int64_t job_id) {
  const std::string customer = NormalizeCustomerId(customer_id);
  sqlite::Txn txn(*db_);
  BG_RETURN_IF_ERROR(txn.status());
  BG_ASSIGN_OR_RETURN(model::BatchJob job, LoadJob(*db_, job_id));
  if (customer.empty() || job.customer_id != customer) return JobNotFound(job_id);
  if (job.status != model::JobStatus::kAwaitingFile && job.status != model::JobStatus::kActive) {
    return ApiError::Make("BatchJobError", "INVALID_STATE_CHANGE", "operations[0].operand.status",
                          "CANCELING");
  }
  BG_RETURN_IF_ERROR(SetStatus(*db_, job_id, model::JobStatus::kCanceling));
  const int64_t now_ms = NowMs();
  BG_ASSIGN_OR_RETURN(sqlite::Stmt at,
                      db_->Prepare("UPDATE jobs SET canceling_ms = ? WHERE id = ?"));
  BG_RETURN_IF_ERROR(at.Bind(1, now_ms).Bind(2, job_id).Run());
  BG_RETURN_IF_ERROR(txn.Commit());
  job.status = model::JobStatus::kCanceling;
  job.canceling_ms = now_ms;
  return job;
}

Status JobStore::MarkActiveReported(int64_t job_id) {
  sqlite::Txn txn(*db_);
  BG_RETURN_IF_ERROR(txn.status());
  BG_ASSIGN_OR_RETURN(sqlite::Stmt st,
                      db_->Prepare("UPDATE jobs SET active_reported = 1 WHERE id = ?"));
  BG_RETURN_IF_ERROR(st.Bind(1, job_id).Run());
  if (db_->Changes() == 0) return JobNotFound(job_id);
  return txn.Commit();
}

Result<std::string> JobStore::StartUploadSession(int64_t job_id) {
  sqlite::Txn txn(*db_);
  BG_RETURN_IF_ERROR(txn.status());
  BG_ASSIGN_OR_RETURN(model::BatchJob job, LoadJob(*db_, job_id));
  if (!job.upload_session.empty()) return job.upload_session;
  std::string session = RandomHex(16);  // 128 bits
  // The first session opened is when the job started uploading (a later one, after a DELETE,
  // keeps that time).
  BG_ASSIGN_OR_RETURN(
      sqlite::Stmt st,
      db_->Prepare("UPDATE jobs SET upload_session = ?, upload_started_ms = CASE WHEN "
                   "upload_started_ms = 0 THEN ? ELSE upload_started_ms END WHERE id = ?"));
  BG_RETURN_IF_ERROR(st.Bind(1, session).Bind(2, NowMs()).Bind(3, job_id).Run());
  BG_RETURN_IF_ERROR(txn.Commit());
  return session;
}

std::string JobStore::UploadPath(int64_t job_id) const {
  return options_.data_dir + "/uploads/" + std::to_string(job_id) + ".upload";
}

std::string JobStore::ResultsPath(int64_t job_id) const {
  return options_.data_dir + "/results/" + std::to_string(job_id) + ".xml";
}

std::string JobStore::ResultsIndexPath(int64_t job_id) const {
  return options_.data_dir + "/results/" + std::to_string(job_id) + ".index";
}

Result<model::BatchJob> JobStore::CommitUpload(int64_t job_id, int64_t stored,
                                               std::optional<int64_t> total) {
  if (stored < 0 || (total && *total < 0)) return InvalidArgument("upload: negative size");
  sqlite::Txn txn(*db_);
  BG_RETURN_IF_ERROR(txn.status());
  BG_ASSIGN_OR_RETURN(model::BatchJob job, LoadJob(*db_, job_id));
  if (total && job.upload_total && *total != *job.upload_total) {
    return InvalidArgument("upload: total " + std::to_string(*total) +
                           " contradicts the declared total " + std::to_string(*job.upload_total));
  }
  const std::optional<int64_t> new_total = total ? total : job.upload_total;
  const int64_t new_stored = std::max(job.upload_stored_bytes, stored);
  if (new_total && new_stored > *new_total) {
    return InvalidArgument("upload: " + std::to_string(new_stored) + " bytes exceed the total " +
                           std::to_string(*new_total));
  }
  const int64_t now_ms = NowMs();
  if (new_stored > job.upload_stored_bytes && options_.upload_quota_bytes > 0 &&
      !model::IsTerminal(job.status)) {
    BG_ASSIGN_OR_RETURN(int64_t pending, internal::PendingBytes(*db_, job.customer_id, now_ms));
    const int64_t after = pending + (new_stored - job.upload_stored_bytes);
    if (after > options_.upload_quota_bytes) {
      return Status(StatusCode::kResourceExhausted,
                    "upload: customer " + job.customer_id + " would hold " + std::to_string(after) +
                        " pending bytes, over the quota of " +
                        std::to_string(options_.upload_quota_bytes));
    }
  }
  model::JobStatus status = job.status;
  if (new_total && new_stored == *new_total && status == model::JobStatus::kAwaitingFile) {
    status = model::JobStatus::kActive;
    job.active_ms = now_ms;
  }
  BG_ASSIGN_OR_RETURN(
      sqlite::Stmt st,
      db_->Prepare("UPDATE jobs SET upload_stored_bytes = ?, upload_total = ?, status = ?, "
                   "active_ms = ? WHERE id = ?"));
  st.Bind(1, new_stored)
      .Bind(2, new_total)
      .Bind(3, model::JobStatusName(status))
      .Bind(4, job.active_ms)
      .Bind(5, job_id);
  BG_RETURN_IF_ERROR(st.Run());
  BG_RETURN_IF_ERROR(txn.Commit());
  job.upload_stored_bytes = new_stored;
  job.upload_total = new_total;
  job.status = status;
  return job;
}

Result<std::vector<int64_t>> JobStore::RunnableJobs() {
  std::lock_guard<std::mutex> lock(db_->mutex());
  BG_ASSIGN_OR_RETURN(
      sqlite::Stmt st,
      db_->Prepare("SELECT id FROM jobs WHERE status IN ('ACTIVE', 'CANCELING') ORDER BY id"));
  std::vector<int64_t> ids;
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ids.push_back(st.Int(0));
  }
  return ids;
}

Status JobStore::SaveCheckpoint(sqlite::Txn& txn, int64_t job_id, const Checkpoint& cp) {
  return WriteCheckpoint(txn.db(), job_id, cp);
}

Status JobStore::FinishJob(sqlite::Txn& txn, int64_t job_id, model::JobStatus status,
                           const Checkpoint& cp, const std::optional<ApiError>& processing_error,
                           int64_t now_ms) {
  if (!model::IsTerminal(status)) return InvalidArgument("FinishJob: status is not terminal");
  sqlite::Db& db = txn.db();
  BG_RETURN_IF_ERROR(WriteCheckpoint(db, job_id, cp));
  BG_ASSIGN_OR_RETURN(
      sqlite::Stmt st,
      db.Prepare(processing_error
                     ? "UPDATE jobs SET status = ?, finished_ms = ?, results_expires_ms = ?, "
                       "error_type = ?, error_reason = ?, error_field_path = ?, "
                       "error_trigger = ?, error_string = ?, error_extra = ? WHERE id = ?"
                     : "UPDATE jobs SET status = ?, finished_ms = ?, results_expires_ms = ? "
                       "WHERE id = ?"));
  st.Bind(1, model::JobStatusName(status))
      .Bind(2, now_ms)
      .Bind(3, now_ms + options_.results_ttl_ms);
  if (!processing_error) return st.Bind(4, job_id).Run();
  const ApiError& e = *processing_error;
  st.Bind(4, e.type)
      .Bind(5, e.reason)
      .Bind(6, e.field_path)
      .Bind(7, e.trigger)
      .Bind(8, e.error_string)
      .Bind(9, internal::EncodeExtra(e))
      .Bind(10, job_id);
  return st.Run();
}

}  // namespace bg::store
