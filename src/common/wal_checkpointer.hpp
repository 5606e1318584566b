// WalCheckpointer: runs the WAL checkpoints of the connection that commits on a thread of its own.
//
// Why: SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1,000 pages,
// on the committing thread — the executor's, whose batches of 10,000 operations each take the
// WAL past it, so that every batch also waited for the checkpoint's copy of the pages into the
// database file and its two fsyncs. Here the writer's commit only wakes this thread (a wal hook
// replaces the automatic checkpoint), which checkpoints PASSIVE through a connection of its own
// while the writer goes on. Durability is unchanged: a commit is durable in the WAL
// (synchronous=FULL) whether or not it has been checkpointed, and a checkpoint, wherever it
// runs, is crash-safe (SQLite's own protocol).
//
// Bounded: should this thread fall behind (say, a reader holding an old snapshot while the
// writer commits gigabytes), the writer checkpoints PASSIVE itself once the WAL has
// `inline_frames` frames, as the automatic checkpoint would have.
//
// Ownership: borrows `writer`, which must outlive this object; owns the thread and its
// connection. ~WalCheckpointer stops the thread and gives `writer` back its automatic
// checkpoint. Thread-safe: the hook runs on whichever thread commits on `writer`.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/sqlite.hpp"

namespace bg::sqlite {

// SQLite's automatic checkpoint threshold (SQLITE_DEFAULT_WAL_AUTOCHECKPOINT), in frames.
inline constexpr int kAutoCheckpointFrames = 1000;

struct WalCheckpointOptions {
  int wake_frames = kAutoCheckpointFrames;
  int inline_frames = 16000;  // 64 MiB of 4 KiB pages
};

class WalCheckpointer {
 public:
  // `path` is the database file `writer` has open.
  static Result<std::unique_ptr<WalCheckpointer>> Start(Db& writer, const std::string& path,
                                                        WalCheckpointOptions options = {});
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Checkpoints run to completion so far, by this thread and by the writer itself (tests).
  uint64_t background_checkpoints() const { return background_.load(); }
  uint64_t inline_checkpoints() const { return inline_.load(); }

 private:
  WalCheckpointer(Db& writer, std::unique_ptr<Db> own, WalCheckpointOptions options);
  static int OnCommit(void* self, sqlite3* db, const char* name, int frames);
  void Loop();

  Db& writer_;
  std::unique_ptr<Db> own_;  // used by the thread only
  WalCheckpointOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false;  // under mu_
  bool stop_ = false;     // under mu_
  std::atomic<uint64_t> background_{0}, inline_{0};
  std::thread thread_;
};

}  // namespace bg::sqlite
