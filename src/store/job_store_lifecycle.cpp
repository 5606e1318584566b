// JobStore: upload-session cancellation, the per-customer upload quota and the retention sweep
// (the parts of job_store.hpp that concern the lifetime of a job's files).
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include "common/clock.hpp"
#include "common/signed_url.hpp"
#include "store/job_rows.hpp"
#include "store/job_store.hpp"

namespace bg::store {
namespace {

// Removes a file; a missing one is fine (a previous sweep or a crash got there first).
Status RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) == 0 || errno == ENOENT) return Status::Ok();
  return Internal("unlink " + path + ": " + std::strerror(errno));
}

// The processing error of a job whose uploadUrl expired before the upload was complete: the
// batch could not be run in the allotted time (BatchJobProcessingError.DEADLINE_EXCEEDED, the
// closest reason the API has); the trigger is the expiration the uploadUrl carried.
ApiError UploadExpiredError(int64_t upload_expires_ms) {
  ApiError e = ApiError::Make("BatchJobProcessingError", "DEADLINE_EXCEEDED", "",
                              AccountTime(upload_expires_ms));
  e.error_string = "BatchJobProcessingError.DEADLINE_EXCEEDED";
  return e;
}

}  // namespace

Status JobStore::CancelUploadSession(int64_t job_id, const std::string& session) {
  sqlite::Txn txn(*db_);
  BG_RETURN_IF_ERROR(txn.status());
  BG_ASSIGN_OR_RETURN(model::BatchJob job, internal::LoadJob(*db_, job_id));
  if (job.upload_session.empty() || !ConstantTimeEquals(job.upload_session, session)) {
    return NotFound("no such upload session");
  }
  if (job.upload_total && job.upload_stored_bytes == *job.upload_total) {
    return FailedPrecondition("the upload is complete");
  }
  BG_ASSIGN_OR_RETURN(
      sqlite::Stmt ins,
      db_->Prepare("INSERT OR IGNORE INTO canceled_upload_sessions(job_id, session) VALUES(?, ?)"));
  BG_RETURN_IF_ERROR(ins.Bind(1, job_id).Bind(2, session).Run());
  BG_ASSIGN_OR_RETURN(sqlite::Stmt upd,
                      db_->Prepare("UPDATE jobs SET upload_session = '', upload_stored_bytes = 0, "
                                   "upload_total = NULL WHERE id = ?"));
  BG_RETURN_IF_ERROR(upd.Bind(1, job_id).Run());
  return txn.Commit();
}

Result<bool> JobStore::IsCanceledUploadSession(int64_t job_id, const std::string& session) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  BG_ASSIGN_OR_RETURN(
      sqlite::Stmt st,
      db_->Prepare("SELECT session FROM canceled_upload_sessions WHERE job_id = ?"));
  st.Bind(1, job_id);
  bool found = false;
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    // Compare against every row so the time taken does not depend on which one matches.
    found = ConstantTimeEquals(st.Text(0), session) || found;
  }
  return found;
}

Result<int64_t> JobStore::PendingUploadBytes(const std::string& customer_id) {
  const std::string customer = internal::NormalizeCustomerId(customer_id);
  if (customer.empty()) return int64_t{0};
  std::lock_guard<std::mutex> lock(db_->mutex());
  return internal::PendingBytes(*db_, customer, NowMs());
}

Result<int64_t> JobStore::QuotaBalanceBytes(const std::string& customer_id) {
  if (options_.upload_quota_bytes <= 0) return std::numeric_limits<int64_t>::max();
  BG_ASSIGN_OR_RETURN(int64_t pending, PendingUploadBytes(customer_id));
  return std::max<int64_t>(0, options_.upload_quota_bytes - pending);
}

Result<SweepStats> JobStore::SweepExpired(int64_t now_ms) {
  struct Expired {
    int64_t id;
    bool finished;
    int64_t upload_expires_ms;
  };
  std::vector<Expired> expired;
  {
    std::lock_guard<std::mutex> lock(db_->mutex());
    BG_ASSIGN_OR_RETURN(
        sqlite::Stmt st,
        db_->Prepare(
            "SELECT id, status, upload_expires_ms FROM jobs WHERE files_deleted_ms = 0 AND "
            "((status = 'AWAITING_FILE' AND upload_expires_ms <= ?) OR "
            "(status IN ('DONE', 'CANCELED') AND results_expires_ms > 0 AND "
            "results_expires_ms <= ?)) ORDER BY id"));
    st.Bind(1, now_ms).Bind(2, now_ms);
    while (true) {
      BG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      expired.push_back({st.Int(0), st.Text(1) != "AWAITING_FILE", st.Int(2)});
    }
  }
  SweepStats stats;
  for (const Expired& e : expired) {
    // Files first, then the row: a crash in between only makes the next sweep redo the unlink.
    BG_RETURN_IF_ERROR(RemoveFile(UploadPath(e.id)));
    if (e.finished) {
      BG_RETURN_IF_ERROR(RemoveFile(ResultsPath(e.id)));
      BG_RETURN_IF_ERROR(RemoveFile(ResultsIndexPath(e.id)));
    }
    sqlite::Txn txn(*db_);
    BG_RETURN_IF_ERROR(txn.status());
    if (e.finished) {
      BG_ASSIGN_OR_RETURN(sqlite::Stmt upd,
                          db_->Prepare("UPDATE jobs SET files_deleted_ms = ? WHERE id = ?"));
      BG_RETURN_IF_ERROR(upd.Bind(1, now_ms).Bind(2, e.id).Run());
    } else {
      // The job leaves AWAITING_FILE, so it is swept once; files_deleted_ms stays 0 for the
      // results retention of the CANCELED job it becomes.
      BG_ASSIGN_OR_RETURN(
          sqlite::Stmt upd,
          db_->Prepare("UPDATE jobs SET status = 'CANCELING', upload_stored_bytes = 0, "
                       "upload_total = NULL, error_type = ?, error_reason = ?, "
                       "error_field_path = '', error_trigger = ?, error_string = ?, "
                       "error_extra = '', canceling_ms = ? WHERE id = ? AND "
                       "status = 'AWAITING_FILE'"));
      const ApiError err = UploadExpiredError(e.upload_expires_ms);
      BG_RETURN_IF_ERROR(upd.Bind(1, err.type)
                             .Bind(2, err.reason)
                             .Bind(3, err.trigger)
                             .Bind(4, err.error_string)
                             .Bind(5, now_ms)
                             .Bind(6, e.id)
                             .Run());
    }
    const bool changed = db_->Changes() > 0;
    BG_RETURN_IF_ERROR(txn.Commit());
    if (!changed) continue;
    if (e.finished) {
      ++stats.expired_results;
    } else {
      ++stats.expired_uploads;
      stats.canceled_jobs.push_back(e.id);
    }
  }
  return stats;
}

}  // namespace bg::store
