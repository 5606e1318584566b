// JobStore: the read-only views of observability (JobStore::Stats for /metrics, Ping for
// /readyz). Reads happen under the Db mutex, without a write transaction.
#include <filesystem>

#include "store/job_store.hpp"

namespace bg::store {
namespace {

// Sum of the regular files' sizes directly under `dir` (0 when it is missing).
int64_t DirectoryBytes(const std::string& dir) {
  int64_t total = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      const auto size = it->file_size(size_ec);
      if (!size_ec) total += static_cast<int64_t>(size);
    }
  }
  return total;
}

int64_t FileBytes(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

}  // namespace

Result<StoreStats> JobStore::Stats(int64_t now_ms) {
  using model::JobStatus;
  StoreStats s;
  for (JobStatus st : {JobStatus::kAwaitingFile, JobStatus::kActive, JobStatus::kCanceling,
                       JobStatus::kCanceled, JobStatus::kDone}) {
    s.jobs_by_status.emplace_back(st, 0);
  }
  {
    std::lock_guard<std::mutex> lock(db_->mutex());
    BG_ASSIGN_OR_RETURN(
        sqlite::Stmt by_status,
        db_->Prepare("SELECT status, COUNT(*), SUM(num_operations_succeeded), "
                     "SUM(num_operations_executed - num_operations_succeeded) FROM jobs "
                     "GROUP BY status"));
    while (true) {
      BG_ASSIGN_OR_RETURN(bool row, by_status.Step());
      if (!row) break;
      std::optional<JobStatus> st = model::ParseJobStatus(by_status.Text(0));
      for (auto& [status, count] : s.jobs_by_status) {
        if (st && status == *st) count = by_status.Int(1);
      }
      s.operations_succeeded += by_status.Int(2);
      s.operations_failed += by_status.Int(3);
    }
    BG_ASSIGN_OR_RETURN(
        sqlite::Stmt sessions,
        db_->Prepare("SELECT COUNT(*) FROM jobs WHERE status = ? AND upload_session != '' AND "
                     "upload_expires_ms > ?"));
    sessions.Bind(1, model::JobStatusName(JobStatus::kAwaitingFile)).Bind(2, now_ms);
    BG_ASSIGN_OR_RETURN(bool row, sessions.Step());
    if (row) s.upload_sessions_open = sessions.Int(0);
  }
  const std::string& dir = options_.data_dir;
  s.database_bytes = FileBytes(dir + "/batchgate.db") + FileBytes(dir + "/batchgate.db-wal");
  s.upload_bytes = DirectoryBytes(dir + "/uploads");
  s.results_bytes = DirectoryBytes(dir + "/results");
  return s;
}

Status JobStore::Ping() {
  std::lock_guard<std::mutex> lock(db_->mutex());
  BG_ASSIGN_OR_RETURN(sqlite::Stmt st, db_->Prepare("SELECT 1"));
  BG_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Internal("SELECT 1 returned no row");
  return Status::Ok();
}

}  // namespace bg::store
