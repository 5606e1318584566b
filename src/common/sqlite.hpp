// Thin RAII wrapper over one SQLite connection (WAL mode), shared by store/ and backend/sandbox.
//
// One Db holds one connection and a mutex. Every use of the connection happens inside a Txn
// (which holds the mutex for its lifetime), so the job store and the sandbox can commit their
// changes together in a single transaction (DESIGN.md decision 4: mutations and the executor's
// checkpoint commit at once). Thread-safe through that mutex; Stmt objects are used only while
// their Txn is alive.
//
// Statement cache: Db::Prepare hands out an already compiled statement for SQL text it has seen
// before, and a Stmt from Prepare goes back to the cache (reset, bindings cleared) when it is
// destroyed instead of being finalized. Callers see no difference; the SQL parser and planner no
// longer run per operation (they were half of the executor's time). A few idle statements per SQL
// text are kept, for at most kMaxCachedSql texts.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace bg::sqlite {

class Db;

class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  ~Stmt();
  Stmt(Stmt&& o) noexcept : s_(o.s_), cache_(o.cache_), key_(o.key_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Parameters are 1-based, as in SQLite.
  Stmt& Bind(int index, int64_t value);
  Stmt& Bind(int index, std::string_view text);  // copied (SQLITE_TRANSIENT)
  Stmt& BindBlob(int index, std::string_view bytes);
  Stmt& BindNull(int index);
  Stmt& Bind(int index, const std::optional<int64_t>& value);
  // true: a row is available; false: done. Errors are returned as kInternal.
  Result<bool> Step();
  // Runs to completion (for INSERT/UPDATE/DELETE).
  Status Run();
  void Reset();

  int64_t Int(int col) const;
  std::string Text(int col) const;
  bool IsNull(int col) const;
  // How often SQLite recompiled this statement (SQLITE_STMTSTATUS_REPREPARE), for tests.
  int Reprepares() const;

 private:
  friend class Db;
  Stmt(sqlite3_stmt* s, Db* cache, std::vector<sqlite3_stmt*>* slot)
      : s_(s), cache_(cache), key_(slot) {}
  void Release();
  sqlite3_stmt* s_ = nullptr;
  Db* cache_ = nullptr;                        // the Db whose statement cache takes s_ back
  std::vector<sqlite3_stmt*>* key_ = nullptr;  // its idle list for s_'s SQL text
};

class Db {
 public:
  // Opens (creating) the database file, sets WAL, synchronous=FULL, foreign_keys=ON, and the
  // query planner stability guarantee (SQLITE_DBCONFIG_ENABLE_QPSG): without it a cached
  // statement whose plan could depend on a bound value (a `kind=?` next to a partial index on
  // kind) is recompiled whenever that value changes, which was ~2,400 recompiles a 100k-op job.
  static Result<std::unique_ptr<Db>> Open(const std::string& path);
  ~Db();

  sqlite3* raw() { return db_; }
  std::mutex& mutex() { return mu_; }
  // Transactions committed on this connection so far (a Txn's successful Commit() adds one,
  // after COMMIT returned). What was read from any connection before the count moved may be
  // stale; what was read after is not (JobStore's memo of polled jobs relies on this).
  uint64_t commit_epoch() const { return commit_epoch_.load(std::memory_order_acquire); }

  // Only inside a Txn (or during single-threaded setup).
  Status Exec(std::string_view sql);
  Result<Stmt> Prepare(std::string_view sql);
  int64_t LastInsertId();
  int Changes();

 private:
  friend class Stmt;
  friend class Txn;
  static constexpr size_t kMaxCachedSql = 256;
  static constexpr size_t kMaxIdlePerSql = 4;
  explicit Db(sqlite3* db) : db_(db) {}
  void ReturnToCache(sqlite3_stmt* s, std::vector<sqlite3_stmt*>* slot);
  sqlite3* db_;
  std::mutex mu_;
  std::atomic<uint64_t> commit_epoch_{0};
  std::mutex cache_mu_;  // the cache alone (a Stmt may die after its Txn)
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>, SqlHash, std::equal_to<>> cache_;
};

// BEGIN IMMEDIATE ... COMMIT while holding the Db mutex. Rolls back on destruction unless
// committed. Not reentrant: do not open a second Txn on the same Db in the same thread.
//
// serial() is unique per Txn object in the process, so that a caller can keep state that is
// valid for one transaction only (the sandbox's per-batch caches) and notice a new one.
// BeforeCommit() registers work that must land in this transaction but is cheaper done once at
// its end (e.g. writing back a counter kept in memory); Commit() runs the hooks in order, and a
// failing hook rolls the transaction back. A transaction that rolls back runs no hook.
class Txn {
 public:
  explicit Txn(Db& db);
  ~Txn();
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  Db& db() { return db_; }
  Status status() const { return begin_status_; }  // BEGIN failed when not OK
  uint64_t serial() const { return serial_; }
  void BeforeCommit(std::function<Status()> hook) { hooks_.push_back(std::move(hook)); }
  Status Commit();
  // Rolls back now, as the destructor would, and releases the Db mutex: the thread may open
  // another Txn on the same Db afterwards.
  void Rollback();

 private:
  Db& db_;
  std::unique_lock<std::mutex> lock_;
  Status begin_status_;
  bool done_ = false;
  uint64_t serial_;
  std::vector<std::function<Status()>> hooks_;
};

}  // namespace bg::sqlite
