#include "common/wal_checkpointer.hpp"

#include <sqlite3.h>

namespace bg::sqlite {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(Db& writer, const std::string& path,
                                                                WalCheckpointOptions options) {
  BG_ASSIGN_OR_RETURN(std::unique_ptr<Db> own, Db::Open(path));
  std::unique_ptr<WalCheckpointer> c(new WalCheckpointer(writer, std::move(own), options));
  // Replaces the automatic checkpoint, which is itself a wal hook (sqlite3_wal_hook(3)).
  sqlite3_wal_hook(writer.raw(), &WalCheckpointer::OnCommit, c.get());
  return c;
}

WalCheckpointer::WalCheckpointer(Db& writer, std::unique_ptr<Db> own, WalCheckpointOptions options)
    : writer_(writer), own_(std::move(own)), options_(options), thread_([this] { Loop(); }) {}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_autocheckpoint(writer_.raw(), kAutoCheckpointFrames);  // removes our hook
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

// After every commit on the writer, with the WAL's size in frames (SQLite holds the writer's
// connection mutex; the return value is an SQLite result code).
int WalCheckpointer::OnCommit(void* self, sqlite3* db, const char* name, int frames) {
  auto* c = static_cast<WalCheckpointer*>(self);
  if (frames >= c->options_.inline_frames) {
    int log = 0, done = 0;
    if (sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, &log, &done) == SQLITE_OK &&
        done == log) {
      c->inline_.fetch_add(1);
    }
    return SQLITE_OK;  // a busy or partial checkpoint is retried after the next commit
  }
  if (frames >= c->options_.wake_frames) {
    {
      std::lock_guard<std::mutex> lock(c->mu_);
      c->pending_ = true;
    }
    c->cv_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return pending_ || stop_; });
    if (stop_) return;
    pending_ = false;
    lock.unlock();
    int log = 0, done = 0;
    int rc =
        sqlite3_wal_checkpoint_v2(own_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    if (rc == SQLITE_OK && done == log) background_.fetch_add(1);
    lock.lock();
  }
}

}  // namespace bg::sqlite
