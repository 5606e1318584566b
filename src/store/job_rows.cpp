#include "store/job_rows.hpp"

#include <charconv>

namespace bg::store::internal {
namespace {

constexpr std::string_view kSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
  id                         INTEGER PRIMARY KEY,
  customer_id                TEXT    NOT NULL,
  version                    TEXT    NOT NULL,
  status                     TEXT    NOT NULL,
  created_ms                 INTEGER NOT NULL,
  upload_expires_ms          INTEGER NOT NULL,
  finished_ms                INTEGER NOT NULL DEFAULT 0,
  results_expires_ms         INTEGER NOT NULL DEFAULT 0,
  upload_session             TEXT    NOT NULL DEFAULT '',
  upload_stored_bytes        INTEGER NOT NULL DEFAULT 0,
  upload_total               INTEGER,
  next_operation             INTEGER NOT NULL DEFAULT 0,
  input_offset               INTEGER NOT NULL DEFAULT 0,
  results_bytes              INTEGER NOT NULL DEFAULT 0,
  num_operations_executed    INTEGER NOT NULL DEFAULT 0,
  num_operations_succeeded   INTEGER NOT NULL DEFAULT 0,
  estimated_percent_executed INTEGER NOT NULL DEFAULT 0,
  num_results_written        INTEGER NOT NULL DEFAULT 0,
  active_reported            INTEGER NOT NULL DEFAULT 0,
  error_type                 TEXT,
  error_reason               TEXT,
  error_field_path           TEXT,
  error_trigger              TEXT,
  error_string               TEXT,
  error_extra                TEXT,
  files_deleted_ms           INTEGER NOT NULL DEFAULT 0,
  upload_started_ms          INTEGER NOT NULL DEFAULT 0,
  active_ms                  INTEGER NOT NULL DEFAULT 0,
  canceling_ms               INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS canceled_upload_sessions (
  job_id  INTEGER NOT NULL,
  session TEXT    NOT NULL,
  PRIMARY KEY (job_id, session)
);
CREATE INDEX IF NOT EXISTS jobs_by_customer ON jobs(customer_id, id);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs(status, id);
)sql";

// Column order is the contract between SelectJobsSql() and RowToJob().
constexpr std::string_view kSelectSql =
    "SELECT id, customer_id, version, status, created_ms, upload_expires_ms, finished_ms, "
    "results_expires_ms, upload_session, upload_stored_bytes, upload_total, next_operation, "
    "input_offset, results_bytes, num_operations_executed, num_operations_succeeded, "
    "estimated_percent_executed, num_results_written, active_reported, error_type, "
    "error_reason, error_field_path, error_trigger, error_string, error_extra, upload_started_ms, "
    "active_ms, canceling_ms FROM jobs ";

void AppendField(std::string_view s, std::string* out) {
  out->append(std::to_string(s.size()));
  out->push_back(':');
  out->append(s);
}

// Reads "<len>:<bytes>" from the front of `text`; false on malformed input.
bool ReadField(std::string_view* text, std::string* out) {
  size_t colon = text->find(':');
  if (colon == std::string_view::npos) return false;
  size_t len = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + colon, len);
  if (ec != std::errc() || p != text->data() + colon || len > text->size() - colon - 1) {
    return false;
  }
  *out = std::string(text->substr(colon + 1, len));
  text->remove_prefix(colon + 1 + len);
  return true;
}

// Columns added by later schema versions (ALTER TABLE for a database that lacks them).
constexpr std::string_view kAddedColumns[] = {"files_deleted_ms", "upload_started_ms", "active_ms",
                                              "canceling_ms"};

Result<bool> HasColumn(sqlite::Db& db, std::string_view column) {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt st, db.Prepare("SELECT name FROM pragma_table_info('jobs')"));
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return false;
    if (st.Text(0) == column) return true;
  }
}

}  // namespace

Status EnsureSchema(sqlite::Db& db) {
  sqlite::Txn txn(db);
  BG_RETURN_IF_ERROR(txn.status());
  BG_RETURN_IF_ERROR(db.Exec(kSchemaSql));
  BG_ASSIGN_OR_RETURN(sqlite::Stmt get,
                      db.Prepare("SELECT value FROM meta WHERE key = 'schema_version'"));
  BG_ASSIGN_OR_RETURN(bool found, get.Step());
  if (found) {
    int64_t v = 0;
    std::string text = get.Text(0);
    std::from_chars(text.data(), text.data() + text.size(), v);
    if (v > kSchemaVersion) {
      return FailedPrecondition("job store schema version " + text +
                                " is newer than this binary (" + std::to_string(kSchemaVersion) +
                                ")");
    }
    if (v < kSchemaVersion) {
      // Version 1 lacked the retention bookkeeping (the new table is created above), version 2
      // the state change times: their columns start at 0 ("not recorded").
      for (std::string_view column : kAddedColumns) {
        BG_ASSIGN_OR_RETURN(bool has, HasColumn(db, column));
        if (has) continue;
        BG_RETURN_IF_ERROR(db.Exec("ALTER TABLE jobs ADD COLUMN " + std::string(column) +
                                   " INTEGER NOT NULL DEFAULT 0"));
      }
      BG_ASSIGN_OR_RETURN(sqlite::Stmt put,
                          db.Prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'"));
      BG_RETURN_IF_ERROR(put.Bind(1, std::to_string(kSchemaVersion)).Run());
    }
  } else {
    BG_ASSIGN_OR_RETURN(sqlite::Stmt put,
                        db.Prepare("INSERT INTO meta(key, value) VALUES('schema_version', ?)"));
    BG_RETURN_IF_ERROR(put.Bind(1, std::to_string(kSchemaVersion)).Run());
  }
  BG_RETURN_IF_ERROR(db.Exec("INSERT OR IGNORE INTO meta(key, value) VALUES('last_job_id', '" +
                             std::to_string(kJobIdBase) + "')"));
  return txn.Commit();
}

std::string_view SelectJobsSql() { return kSelectSql; }

Result<model::BatchJob> LoadJob(sqlite::Db& db, int64_t job_id) {
  std::string sql(kSelectSql);
  sql.append("WHERE id = ?");
  BG_ASSIGN_OR_RETURN(sqlite::Stmt st, db.Prepare(sql));
  st.Bind(1, job_id);
  BG_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("job " + std::to_string(job_id));
  return RowToJob(st);
}

Result<int64_t> PendingBytes(sqlite::Db& db, const std::string& customer, int64_t now_ms) {
  BG_ASSIGN_OR_RETURN(
      sqlite::Stmt st,
      db.Prepare("SELECT COALESCE(SUM(upload_stored_bytes), 0) FROM jobs WHERE customer_id = ? "
                 "AND (status IN ('ACTIVE', 'CANCELING') OR "
                 "(status = 'AWAITING_FILE' AND upload_expires_ms > ?))"));
  st.Bind(1, customer).Bind(2, now_ms);
  BG_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

model::BatchJob RowToJob(const sqlite::Stmt& r) {
  model::BatchJob j;
  j.id = r.Int(0);
  j.customer_id = r.Text(1);
  j.version = r.Text(2);
  j.status = model::ParseJobStatus(r.Text(3)).value_or(model::JobStatus::kUnknown);
  j.created_ms = r.Int(4);
  j.upload_expires_ms = r.Int(5);
  j.finished_ms = r.Int(6);
  j.results_expires_ms = r.Int(7);
  j.upload_session = r.Text(8);
  j.upload_stored_bytes = r.Int(9);
  if (!r.IsNull(10)) j.upload_total = r.Int(10);
  j.next_operation = r.Int(11);
  j.input_offset = r.Int(12);
  j.results_bytes = r.Int(13);
  j.progress.num_operations_executed = r.Int(14);
  j.progress.num_operations_succeeded = r.Int(15);
  j.progress.estimated_percent_executed = static_cast<int32_t>(r.Int(16));
  j.progress.num_results_written = r.Int(17);
  j.active_reported = r.Int(18) != 0;
  if (!r.IsNull(19)) {
    ApiError e;
    e.type = r.Text(19);
    e.reason = r.Text(20);
    e.field_path = r.Text(21);
    e.trigger = r.Text(22);
    e.error_string = r.Text(23);
    DecodeExtra(r.Text(24), &e);
    j.processing_error = std::move(e);
  }
  j.upload_started_ms = r.Int(25);
  j.active_ms = r.Int(26);
  j.canceling_ms = r.Int(27);
  return j;
}

std::string EncodeExtra(const ApiError& e) {
  std::string out;
  for (const auto& [name, value] : e.extra) {
    AppendField(name, &out);
    AppendField(value, &out);
  }
  return out;
}

void DecodeExtra(std::string_view text, ApiError* e) {
  e->extra.clear();
  while (!text.empty()) {
    std::string name, value;
    if (!ReadField(&text, &name) || !ReadField(&text, &value)) return;
    e->extra.emplace_back(std::move(name), std::move(value));
  }
}

std::string NormalizeCustomerId(std::string_view customer_id) {
  std::string out;
  for (char c : customer_id) {
    if (c >= '0' && c <= '9') {
      out.push_back(c);
    } else if (c != '-' && c != ' ') {
      return std::string();  // not a customer id at all
    }
  }
  return out;
}

}  // namespace bg::store::internal
