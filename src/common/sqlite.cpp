#include "common/sqlite.hpp"

#include <atomic>

#include <sqlite3.h>

namespace bg::sqlite {
namespace {

Status Error(sqlite3* db, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : "out of memory";
  return Internal(std::move(msg));
}

}  // namespace

// --- Stmt ---

Stmt::~Stmt() { Release(); }

void Stmt::Release() {
  if (s_ == nullptr) return;
  if (cache_ != nullptr) {
    cache_->ReturnToCache(s_, key_);
  } else {
    sqlite3_finalize(s_);
  }
  s_ = nullptr;
}

Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    Release();
    s_ = o.s_;
    cache_ = o.cache_;
    key_ = o.key_;
    o.s_ = nullptr;
  }
  return *this;
}

Stmt& Stmt::Bind(int index, int64_t value) {
  sqlite3_bind_int64(s_, index, value);
  return *this;
}

Stmt& Stmt::Bind(int index, std::string_view text) {
  sqlite3_bind_text(s_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(s_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::BindNull(int index) {
  sqlite3_bind_null(s_, index);
  return *this;
}

Stmt& Stmt::Bind(int index, const std::optional<int64_t>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error(sqlite3_db_handle(s_), "sqlite3_step");
}

Status Stmt::Run() {
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

void Stmt::Reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

int64_t Stmt::Int(int col) const { return sqlite3_column_int64(s_, col); }

std::string Stmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(s_, col);
  int n = sqlite3_column_bytes(s_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

bool Stmt::IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

int Stmt::Reprepares() const { return sqlite3_stmt_status(s_, SQLITE_STMTSTATUS_REPREPARE, 0); }

// --- Db ---

Result<std::unique_ptr<Db>> Db::Open(const std::string& path) {
  // Before SQLite initializes (its first use): no memory statistics, which SQLite keeps behind
  // one process-wide mutex taken on every allocation, so that the I/O threads' read connections
  // and the executor's do not contend for it (perf: the most waited-on futex under `get` load).
  static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)configured;  // SQLITE_MISUSE when something initialized SQLite first: harmless
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = Error(raw, "sqlite3_open " + path);
    sqlite3_close(raw);
    return s;
  }
  std::unique_ptr<Db> db(new Db(raw));
  sqlite3_busy_timeout(raw, 10000);
  // Plans never depend on bound values (see the header); queries that want a partial index
  // name its kind as a literal.
  sqlite3_db_config(raw, SQLITE_DBCONFIG_ENABLE_QPSG, 1, nullptr);
  // journal_mode returns a row; Exec ignores rows.
  BG_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
  BG_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=FULL"));
  BG_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON"));
  return db;
}

Db::~Db() {
  for (auto& [sql, stmts] : cache_) {
    for (sqlite3_stmt* s : stmts) sqlite3_finalize(s);
  }
  if (db_) sqlite3_close_v2(db_);
}

// `slot` is the idle list of the statement's SQL text (entries of cache_ are never erased before
// ~Db, so the pointer stays valid).
void Db::ReturnToCache(sqlite3_stmt* s, std::vector<sqlite3_stmt*>* slot) {
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    if (slot->size() < kMaxIdlePerSql) {
      slot->push_back(s);
      return;
    }
  }
  sqlite3_finalize(s);
}

Status Db::Exec(std::string_view sql) {
  // sqlite3_exec needs a NUL-terminated string.
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = "sqlite3_exec: ";
    msg += err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return Internal(std::move(msg));
  }
  return Status::Ok();
}

Result<Stmt> Db::Prepare(std::string_view sql) {
  std::vector<sqlite3_stmt*>* slot = nullptr;
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = cache_.find(sql);
    if (it == cache_.end() && cache_.size() < kMaxCachedSql) {
      it = cache_.emplace(std::string(sql), std::vector<sqlite3_stmt*>()).first;
    }
    if (it != cache_.end()) {
      slot = &it->second;
      if (!slot->empty()) {
        sqlite3_stmt* cached = slot->back();
        slot->pop_back();
        return Stmt(cached, this, slot);
      }
    }
  }
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &s, nullptr);
  if (rc != SQLITE_OK) {
    if (s) sqlite3_finalize(s);
    return Error(db_, "sqlite3_prepare " + std::string(sql.substr(0, 60)));
  }
  if (s == nullptr || slot == nullptr) return Stmt(s);  // empty SQL, or the cache is full
  return Stmt(s, this, slot);
}

int64_t Db::LastInsertId() { return sqlite3_last_insert_rowid(db_); }

int Db::Changes() { return sqlite3_changes(db_); }

// --- Txn ---

namespace {
std::atomic<uint64_t> next_txn_serial{1};
}  // namespace

Txn::Txn(Db& db)
    : db_(db), lock_(db.mutex()), serial_(next_txn_serial.fetch_add(1, std::memory_order_relaxed)) {
  begin_status_ = db_.Exec("BEGIN IMMEDIATE");
  if (!begin_status_.ok()) done_ = true;
}

Txn::~Txn() {
  if (!done_) (void)db_.Exec("ROLLBACK");
}

void Txn::Rollback() {
  if (!done_) (void)db_.Exec("ROLLBACK");
  done_ = true;
  hooks_.clear();
  if (lock_.owns_lock()) lock_.unlock();
}

Status Txn::Commit() {
  if (done_)
    return begin_status_.ok() ? FailedPrecondition("transaction already finished") : begin_status_;
  Status s;
  for (auto& hook : hooks_) {
    s = hook();
    if (!s.ok()) break;
  }
  hooks_.clear();
  if (s.ok()) s = db_.Exec("COMMIT");
  if (s.ok()) db_.commit_epoch_.fetch_add(1, std::memory_order_release);
  if (!s.ok()) {
    // A failed COMMIT (e.g. SQLITE_BUSY) leaves the transaction open: roll it back.
    (void)db_.Exec("ROLLBACK");
  }
  done_ = true;
  return s;
}

}  // namespace bg::sqlite
