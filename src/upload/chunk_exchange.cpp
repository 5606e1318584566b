// The data chunk of a resumable upload (MakeChunk in exchanges.hpp): streams the body to the
// upload file at its offsets, fsyncs, then records the new stored length in the JobStore.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "common/clock.hpp"
#include "common/writeback.hpp"
#include "upload/exchanges.hpp"

namespace bg::upload::internal {
namespace {

class ChunkExchange : public http::Exchange {
 public:
  ChunkExchange(store::JobStore* store, engine::Scheduler* scheduler, std::unique_ptr<JobLock> lock,
                model::BatchJob job, ContentRange range, int64_t commit_end, http::ErrorFormat fmt)
      : store_(store),
        scheduler_(scheduler),
        lock_(std::move(lock)),
        job_(std::move(job)),
        range_(range),
        commit_end_(commit_end),
        fmt_(fmt),
        pos_(*range.first) {}

  ~ChunkExchange() override {
    if (fd_ >= 0) ::close(fd_);
  }

  // The job lock is released as soon as the answer is known, before the transport writes it: the
  // client may send its next chunk the moment it reads the answer.
  std::optional<http::Response> OnBody(std::string_view piece) override {
    std::optional<http::Response> r = Consume(piece);
    if (r) lock_.reset();
    return r;
  }

  http::Response Finish() override {
    http::Response r = Commit();
    lock_.reset();
    return r;
  }

 private:
  std::optional<http::Response> Consume(std::string_view piece) {
    if (received_ + static_cast<int64_t>(piece.size()) > range_.length()) {
      return http::StorageError(400, "InvalidArgument",
                                "The request body is longer than its Content-Range says.", fmt_);
    }
    received_ += static_cast<int64_t>(piece.size());
    // Bytes below the stored end are already durable: Cloud Storage ignores re-sent data, even
    // when it differs (reference §1.6). Acknowledged bytes are never rewritten.
    const auto size = static_cast<int64_t>(piece.size());
    const int64_t skip =
        std::min<int64_t>(size, std::max<int64_t>(0, job_.upload_stored_bytes - pos_));
    // Bytes at or past commit_end are not acknowledged: do not write them either.
    const int64_t keep = std::min<int64_t>(size, std::max<int64_t>(0, commit_end_ - pos_));
    const int64_t offset = pos_ + skip;
    pos_ += size;
    if (keep <= skip) return std::nullopt;
    if (!Write(piece.substr(static_cast<size_t>(skip), static_cast<size_t>(keep - skip)), offset)) {
      return InternalError(fmt_);
    }
    return std::nullopt;
  }

  http::Response Commit() {
    if (received_ != range_.length()) {
      return http::StorageError(400, "InvalidArgument",
                                "The request body length does not match its Content-Range.", fmt_);
    }
    if (fd_ >= 0) {
      if (::fdatasync(fd_) != 0) return InternalError(fmt_);
      // A new file also needs its directory entry made durable.
      if (job_.upload_stored_bytes == 0 && !SyncDir()) return InternalError(fmt_);
    }
    if (job_.status == model::JobStatus::kAwaitingFile && job_.upload_expires_ms <= NowMs()) {
      // Expired while the body was arriving: the retention sweep may delete the file at any
      // moment, so nothing is acknowledged into it.
      return NoSuchUpload(fmt_);
    }
    const bool was_complete = UploadComplete(job_);
    Result<model::BatchJob> job = store_->CommitUpload(job_.id, commit_end_, range_.total);
    if (!job.ok()) {
      switch (job.status().code()) {
        case StatusCode::kInvalidArgument:
          return http::StorageError(400, "InvalidArgument", job.status().message(), fmt_);
        case StatusCode::kResourceExhausted:
          return QuotaExceeded(fmt_);
        case StatusCode::kNotFound:
          return NoSuchUpload(fmt_);
        default:
          return InternalError(fmt_);
      }
    }
    if (!UploadComplete(*job)) return Incomplete(job->upload_stored_bytes);
    if (!was_complete && scheduler_ != nullptr) scheduler_->Notify(job->id);
    return Complete(job->upload_stored_bytes);
  }

  bool Write(std::string_view bytes, int64_t offset) {
    if (fd_ < 0) {
      fd_ = ::open(store_->UploadPath(job_.id).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      if (fd_ < 0) return false;
      writeback_.set_fd(fd_);
    }
    const int64_t start = offset;
    while (!bytes.empty()) {
      ssize_t n = ::pwrite(fd_, bytes.data(), bytes.size(), offset);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
      offset += n;
    }
    // The disk writes of what has arrived start while the rest of the body is still arriving;
    // durability is still the fdatasync of Commit().
    writeback_.Wrote(start, offset);
    return true;
  }

  bool SyncDir() {
    std::string dir = std::filesystem::path(store_->UploadPath(job_.id)).parent_path().string();
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return false;
    bool ok = ::fsync(dfd) == 0;
    ::close(dfd);
    return ok;
  }

  store::JobStore* store_;
  engine::Scheduler* scheduler_;
  std::unique_ptr<JobLock> lock_;
  model::BatchJob job_;  // as read under lock_, before this chunk
  ContentRange range_;
  int64_t commit_end_;  // bytes [0, commit_end_) are acknowledged on success
  http::ErrorFormat fmt_;
  int64_t pos_;           // upload offset of the next body byte
  int64_t received_ = 0;  // body bytes seen so far
  int fd_ = -1;
  Writeback writeback_;
};

}  // namespace

std::unique_ptr<http::Exchange> MakeChunk(store::JobStore* store, engine::Scheduler* scheduler,
                                          std::unique_ptr<JobLock> lock, model::BatchJob job,
                                          ContentRange range, int64_t commit_end,
                                          http::ErrorFormat fmt) {
  return std::make_unique<ChunkExchange>(store, scheduler, std::move(lock), std::move(job), range,
                                         commit_end, fmt);
}

}  // namespace bg::upload::internal
