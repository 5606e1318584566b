// Internal to upload/: the http::Exchange objects UploadService::Route hands out, one per kind of
// request (session start, status query, data chunk, cancel), plus the Cloud Storage-shaped
// replies (XML error bodies, or JSON ones when the request asked for JSON).
//
// Route() has already verified the signed URL and the session id; these classes do the protocol
// work. Each Exchange borrows the JobStore, the Scheduler and the JobLockSet of its UploadService,
// which must outlive it. An Exchange itself is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

#include "engine/scheduler.hpp"
#include "http/message.hpp"
#include "http/storage_error.hpp"
#include "store/job_store.hpp"
#include "upload/content_range.hpp"

namespace bg::upload::internal {

// Cloud Storage's chunk granularity: non-final chunks must be at least this long (and, as
// recommended, a multiple of it). Enforced only in strict mode.
inline constexpr int64_t kChunkUnit = 262144;

// 404 for every unknown / expired / foreign upload: never reveals whether a job exists.
http::Response NoSuchUpload(http::ErrorFormat fmt);
// 499 Client Closed Request, empty body: the answer of a canceled session (reference §1.9).
http::Response SessionCanceled();
// 403 QuotaExceeded: the chunk would take the customer's pending upload bytes past the quota.
http::Response QuotaExceeded(http::ErrorFormat fmt);
http::Response InternalError(http::ErrorFormat fmt);

// Ids of jobs that have a chunk in flight. Chunks of one job are serialized by refusing a second
// concurrent one (503, which resumable-upload clients retry) rather than blocking a transport
// thread. Thread-safe.
class JobLockSet {
 public:
  bool TryAcquire(int64_t job_id);
  void Release(int64_t job_id);

 private:
  std::mutex mu_;
  std::unordered_set<int64_t> busy_;
};

// Holds one job's lock for the lifetime of an Exchange.
class JobLock {
 public:
  JobLock(JobLockSet* set, int64_t job_id) : set_(set), job_id_(job_id) {}
  ~JobLock() { set_->Release(job_id_); }
  JobLock(const JobLock&) = delete;
  JobLock& operator=(const JobLock&) = delete;

 private:
  JobLockSet* set_;
  int64_t job_id_;
};

// Answers `response`: at the first body piece (the transport then stops reading), or, with
// `drain`, after the whole body has been read and dropped (keeps the connection usable).
std::unique_ptr<http::Exchange> MakeFixed(http::Response response, bool drain = false);

// POST x-goog-resumable: start. At Finish: creates (or reuses) the session and answers 201 with
// Location = session_url(upload id).
std::unique_ptr<http::Exchange> MakeStart(
    store::JobStore* store, int64_t job_id,
    std::function<std::string(std::string_view upload_id)> session_url, http::ErrorFormat fmt);

// PUT with an empty body and Content-Range bytes */* or */N: 308 (+Range) or 200 {"size"}.
// With `lock` (taken by the caller for "*/N", N > 0), an upload holding exactly N bytes is
// finalized, as Cloud Storage does; "*/0" (.NET's resume query) never finalizes.
std::unique_ptr<http::Exchange> MakeStatusQuery(store::JobStore* store,
                                                engine::Scheduler* scheduler,
                                                std::unique_ptr<JobLock> lock, int64_t job_id,
                                                std::optional<int64_t> total,
                                                http::ErrorFormat fmt);

// PUT (or POST) of bytes [first, last] of the upload. `job` is the job as read after `lock` was
// taken; the caller has checked the chunk is no gap, agrees with any known total and fits the
// quota. Only bytes below `commit_end` are acknowledged (strict mode commits the 256 KiB-aligned
// prefix of a misaligned non-final chunk, as Cloud Storage does); normally commit_end = last + 1.
std::unique_ptr<http::Exchange> MakeChunk(store::JobStore* store, engine::Scheduler* scheduler,
                                          std::unique_ptr<JobLock> lock, model::BatchJob job,
                                          ContentRange range, int64_t commit_end,
                                          http::ErrorFormat fmt);

// DELETE on the session URL: cancels the session (store + truncates the file), 499.
std::unique_ptr<http::Exchange> MakeCancel(store::JobStore* store, std::unique_ptr<JobLock> lock,
                                           int64_t job_id, std::string session,
                                           http::ErrorFormat fmt);

// 308 Resume Incomplete with Range: bytes=0-<stored-1> (no Range when nothing is stored).
http::Response Incomplete(int64_t stored);
// The reply to a job whose upload is complete (200 + {"size":"N"}).
http::Response Complete(int64_t size);
bool UploadComplete(const model::BatchJob& job);

}  // namespace bg::upload::internal
