#include "upload/exchanges.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/xml_writer.hpp"
#include "http/storage_error.hpp"

namespace bg::upload::internal {
namespace {

http::Response Incomplete(int64_t stored) {
  http::Response r;
  r.status = 308;
  r.reason = "Resume Incomplete";  // Cloud Storage's phrase; no Location, so no redirect
  // No Range header when nothing is stored, as Cloud Storage does.
  if (stored > 0) r.Set("Range", "bytes=0-" + std::to_string(stored - 1));
  return r;
}

http::Response InternalError() {
  return http::StorageError(500, "InternalError",
                            "We encountered an internal error. Please try again.");
}

class FixedExchange : public http::Exchange {
 public:
  FixedExchange(http::Response r, bool drain) : response_(std::move(r)), drain_(drain) {}
  std::optional<http::Response> OnBody(std::string_view piece) override {
    if (drain_ || piece.empty()) return std::nullopt;
    return response_;
  }
  http::Response Finish() override { return response_; }

 private:
  http::Response response_;
  bool drain_;
};

// Base for exchanges that must not carry a body.
class EmptyBodyExchange : public http::Exchange {
 public:
  explicit EmptyBodyExchange(std::string message) : message_(std::move(message)) {}
  std::optional<http::Response> OnBody(std::string_view piece) override {
    if (piece.empty()) return std::nullopt;
    return http::StorageError(400, "InvalidArgument", message_);
  }

 private:
  std::string message_;
};

class StartExchange : public EmptyBodyExchange {
 public:
  StartExchange(store::JobStore* store, int64_t job_id,
                std::function<std::string(std::string_view)> url)
      : EmptyBodyExchange("A resumable upload start request must not carry a body."),
        store_(store),
        job_id_(job_id),
        url_(std::move(url)) {}

  http::Response Finish() override {
    Result<std::string> session = store_->StartUploadSession(job_id_);
    if (!session.ok()) {
      return session.status().code() == StatusCode::kNotFound ? NoSuchUpload() : InternalError();
    }
    http::Response r;
    r.status = 201;
    r.Set("Location", url_(*session));
    return r;
  }

 private:
  store::JobStore* store_;
  int64_t job_id_;
  std::function<std::string(std::string_view)> url_;
};

class StatusQueryExchange : public EmptyBodyExchange {
 public:
  StatusQueryExchange(store::JobStore* store, int64_t job_id)
      : EmptyBodyExchange("Client sent query request with a non-empty body."),
        store_(store),
        job_id_(job_id) {}

  http::Response Finish() override {
    Result<model::BatchJob> job = store_->GetJobInternal(job_id_);
    if (!job.ok()) {
      return job.status().code() == StatusCode::kNotFound ? NoSuchUpload() : InternalError();
    }
    if (UploadComplete(*job)) return Complete(job->upload_stored_bytes);
    return Incomplete(job->upload_stored_bytes);
  }

 private:
  store::JobStore* store_;
  int64_t job_id_;
};

class ChunkExchange : public http::Exchange {
 public:
  ChunkExchange(store::JobStore* store, engine::Scheduler* scheduler, std::unique_ptr<JobLock> lock,
                model::BatchJob job, ContentRange range)
      : store_(store),
        scheduler_(scheduler),
        lock_(std::move(lock)),
        job_(std::move(job)),
        range_(range),
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
                                "The request body is longer than its Content-Range says.");
    }
    received_ += static_cast<int64_t>(piece.size());
    // Bytes below the stored end are already durable: Cloud Storage ignores re-sent data.
    const int64_t skip = std::min<int64_t>(static_cast<int64_t>(piece.size()),
                                           std::max<int64_t>(0, job_.upload_stored_bytes - pos_));
    const int64_t offset = pos_ + skip;
    pos_ += static_cast<int64_t>(piece.size());
    if (skip == static_cast<int64_t>(piece.size())) return std::nullopt;
    if (!Write(piece.substr(static_cast<size_t>(skip)), offset)) return InternalError();
    return std::nullopt;
  }

  http::Response Commit() {
    if (received_ != range_.length()) {
      return http::StorageError(400, "InvalidArgument",
                                "The request body length does not match its Content-Range.");
    }
    if (fd_ >= 0) {
      if (::fdatasync(fd_) != 0) return InternalError();
      // A new file also needs its directory entry made durable.
      if (job_.upload_stored_bytes == 0 && !SyncDir()) return InternalError();
    }
    const bool was_complete = UploadComplete(job_);
    Result<model::BatchJob> job = store_->CommitUpload(job_.id, *range_.last + 1, range_.total);
    if (!job.ok()) {
      if (job.status().code() == StatusCode::kInvalidArgument) {
        return http::StorageError(400, "InvalidArgument", job.status().message());
      }
      return InternalError();
    }
    if (!UploadComplete(*job)) return Incomplete(job->upload_stored_bytes);
    if (!was_complete && scheduler_ != nullptr) scheduler_->Notify(job->id);
    return Complete(job->upload_stored_bytes);
  }

  bool Write(std::string_view bytes, int64_t offset) {
    if (fd_ < 0) {
      fd_ = ::open(store_->UploadPath(job_.id).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      if (fd_ < 0) return false;
    }
    while (!bytes.empty()) {
      ssize_t n = ::pwrite(fd_, bytes.data(), bytes.size(), offset);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
      offset += n;
    }
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
  int64_t pos_;           // upload offset of the next body byte
  int64_t received_ = 0;  // body bytes seen so far
  int fd_ = -1;
};

}  // namespace

http::Response NoSuchUpload() {
  return http::StorageError(404, "NoSuchUpload", "No such upload session (unknown or expired).");
}

http::Response Complete(int64_t size) {
  return http::Response::Text(200, "application/json; charset=UTF-8",
                              "{\"size\":\"" + std::to_string(size) + "\"}");
}

bool UploadComplete(const model::BatchJob& job) {
  return job.upload_total.has_value() && job.upload_stored_bytes == *job.upload_total;
}

bool JobLockSet::TryAcquire(int64_t job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return busy_.insert(job_id).second;
}

void JobLockSet::Release(int64_t job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  busy_.erase(job_id);
}

std::unique_ptr<http::Exchange> MakeFixed(http::Response response, bool drain) {
  return std::make_unique<FixedExchange>(std::move(response), drain);
}

std::unique_ptr<http::Exchange> MakeStart(
    store::JobStore* store, int64_t job_id,
    std::function<std::string(std::string_view upload_id)> session_url) {
  return std::make_unique<StartExchange>(store, job_id, std::move(session_url));
}

std::unique_ptr<http::Exchange> MakeStatusQuery(store::JobStore* store, int64_t job_id) {
  return std::make_unique<StatusQueryExchange>(store, job_id);
}

std::unique_ptr<http::Exchange> MakeChunk(store::JobStore* store, engine::Scheduler* scheduler,
                                          std::unique_ptr<JobLock> lock, model::BatchJob job,
                                          ContentRange range) {
  return std::make_unique<ChunkExchange>(store, scheduler, std::move(lock), std::move(job), range);
}

}  // namespace bg::upload::internal
