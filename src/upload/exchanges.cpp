#include "upload/exchanges.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace bg::upload::internal {
namespace {

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
  EmptyBodyExchange(std::string message, http::ErrorFormat fmt)
      : message_(std::move(message)), fmt_(fmt) {}
  std::optional<http::Response> OnBody(std::string_view piece) override {
    if (piece.empty()) return std::nullopt;
    return http::StorageError(400, "InvalidArgument", message_, fmt_);
  }

 protected:
  http::ErrorFormat fmt() const { return fmt_; }

 private:
  std::string message_;
  http::ErrorFormat fmt_;
};

class StartExchange : public EmptyBodyExchange {
 public:
  StartExchange(store::JobStore* store, int64_t job_id,
                std::function<std::string(std::string_view)> url, http::ErrorFormat fmt)
      : EmptyBodyExchange("A resumable upload start request must not carry a body.", fmt),
        store_(store),
        job_id_(job_id),
        url_(std::move(url)) {}

  http::Response Finish() override {
    Result<std::string> session = store_->StartUploadSession(job_id_);
    if (!session.ok()) {
      return session.status().code() == StatusCode::kNotFound ? NoSuchUpload(fmt())
                                                              : InternalError(fmt());
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
  StatusQueryExchange(store::JobStore* store, engine::Scheduler* scheduler,
                      std::unique_ptr<JobLock> lock, int64_t job_id, std::optional<int64_t> total,
                      http::ErrorFormat fmt)
      : EmptyBodyExchange("Client sent query request with a non-empty body.", fmt),
        store_(store),
        scheduler_(scheduler),
        lock_(std::move(lock)),
        job_id_(job_id),
        total_(total) {}

  http::Response Finish() override {
    http::Response r = Answer();
    lock_.reset();
    return r;
  }

 private:
  http::Response Answer() {
    Result<model::BatchJob> job = store_->GetJobInternal(job_id_);
    if (!job.ok()) {
      return job.status().code() == StatusCode::kNotFound ? NoSuchUpload(fmt())
                                                          : InternalError(fmt());
    }
    if (UploadComplete(*job)) return Complete(job->upload_stored_bytes);
    // ".../N" finalizes an upload holding exactly N bytes (Cloud Storage, reference §1.3) —
    // only with the lock, only for N > 0 (.NET's "*/0" is a pure query), never on a job that
    // can no longer run.
    if (lock_ && total_ && *total_ > 0 && *total_ == job->upload_stored_bytes &&
        !model::IsTerminal(job->status)) {
      Result<model::BatchJob> done = store_->CommitUpload(job_id_, *total_, total_);
      if (!done.ok()) {
        if (done.status().code() == StatusCode::kInvalidArgument) {
          return http::StorageError(400, "InvalidArgument", done.status().message(), fmt());
        }
        if (done.status().code() == StatusCode::kNotFound) return NoSuchUpload(fmt());
        return InternalError(fmt());
      }
      if (UploadComplete(*done)) {
        if (scheduler_ != nullptr) scheduler_->Notify(job_id_);
        return Complete(done->upload_stored_bytes);
      }
      return Incomplete(done->upload_stored_bytes);
    }
    return Incomplete(job->upload_stored_bytes);
  }

  store::JobStore* store_;
  engine::Scheduler* scheduler_;
  std::unique_ptr<JobLock> lock_;
  int64_t job_id_;
  std::optional<int64_t> total_;
};

class CancelExchange : public http::Exchange {
 public:
  CancelExchange(store::JobStore* store, std::unique_ptr<JobLock> lock, int64_t job_id,
                 std::string session, http::ErrorFormat fmt)
      : store_(store),
        lock_(std::move(lock)),
        job_id_(job_id),
        session_(std::move(session)),
        fmt_(fmt) {}

  std::optional<http::Response> OnBody(std::string_view) override { return std::nullopt; }

  http::Response Finish() override {
    http::Response r = Cancel();
    lock_.reset();
    return r;
  }

 private:
  http::Response Cancel() {
    Status s = store_->CancelUploadSession(job_id_, session_);
    if (s.code() == StatusCode::kFailedPrecondition) {
      // Too late: the upload is complete and the job owns it (cancel the job over SOAP).
      Result<model::BatchJob> job = store_->GetJobInternal(job_id_);
      if (job.ok()) return Complete(job->upload_stored_bytes);
      return InternalError(fmt_);
    }
    if (s.code() == StatusCode::kNotFound) return NoSuchUpload(fmt_);
    if (!s.ok()) return InternalError(fmt_);
    // The bytes are forgotten once the row says so; dropping them from disk is best effort (a
    // later session overwrites them, and the op reader never reads past the declared total).
    (void)::truncate(store_->UploadPath(job_id_).c_str(), 0);
    return SessionCanceled();
  }

  store::JobStore* store_;
  std::unique_ptr<JobLock> lock_;
  int64_t job_id_;
  std::string session_;
  http::ErrorFormat fmt_;
};

}  // namespace

http::Response Incomplete(int64_t stored) {
  http::Response r;
  r.status = 308;
  r.reason = "Resume Incomplete";  // Cloud Storage's phrase; no Location, so no redirect
  // No Range header when nothing is stored, as Cloud Storage does.
  if (stored > 0) r.Set("Range", "bytes=0-" + std::to_string(stored - 1));
  return r;
}

http::Response NoSuchUpload(http::ErrorFormat fmt) {
  return http::StorageError(404, "NoSuchUpload", "No such upload session (unknown or expired).",
                            fmt);
}

http::Response SessionCanceled() {
  http::Response r;
  r.status = 499;
  r.reason = "Client Closed Request";
  return r;
}

http::Response QuotaExceeded(http::ErrorFormat fmt) {
  return http::StorageError(403, "QuotaExceeded",
                            "The pending upload bytes of this customer would exceed the disk "
                            "quota. Finish, cancel or let expire other batch jobs first.",
                            fmt);
}

http::Response InternalError(http::ErrorFormat fmt) {
  return http::StorageError(500, "InternalError",
                            "We encountered an internal error. Please try again.", fmt);
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
    std::function<std::string(std::string_view upload_id)> session_url, http::ErrorFormat fmt) {
  return std::make_unique<StartExchange>(store, job_id, std::move(session_url), fmt);
}

std::unique_ptr<http::Exchange> MakeStatusQuery(store::JobStore* store,
                                                engine::Scheduler* scheduler,
                                                std::unique_ptr<JobLock> lock, int64_t job_id,
                                                std::optional<int64_t> total,
                                                http::ErrorFormat fmt) {
  return std::make_unique<StatusQueryExchange>(store, scheduler, std::move(lock), job_id, total,
                                               fmt);
}

std::unique_ptr<http::Exchange> MakeCancel(store::JobStore* store, std::unique_ptr<JobLock> lock,
                                           int64_t job_id, std::string session,
                                           http::ErrorFormat fmt) {
  return std::make_unique<CancelExchange>(store, std::move(lock), job_id, std::move(session), fmt);
}

}  // namespace bg::upload::internal
