#include "upload/upload_service.hpp"

#include <mutex>
#include <unordered_map>

#include "common/clock.hpp"
#include "http/storage_error.hpp"
#include "upload/content_range.hpp"
#include "upload/exchanges.hpp"

namespace bg::upload {
namespace {

using http::ErrorFormat;
using http::StorageError;
using internal::kChunkUnit;
using internal::MakeFixed;
using internal::NoSuchUpload;

constexpr std::string_view kUploadPrefix = "/batchjob/upload/";

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::unique_ptr<http::Exchange> Busy(ErrorFormat fmt) {
  http::Response r =
      StorageError(503, "ServiceUnavailable", "Another request is using this upload; retry.", fmt);
  r.Set("Retry-After", "1");
  return MakeFixed(std::move(r));
}

std::unique_ptr<http::Exchange> BadRequest(std::string_view message, ErrorFormat fmt) {
  return MakeFixed(StorageError(400, "InvalidArgument", message, fmt));
}

// Data requests in flight per customer (upload.max_concurrent_per_customer). Thread-safe.
class CustomerSlots {
 public:
  explicit CustomerSlots(int limit) : limit_(limit) {}
  bool TryAcquire(const std::string& customer) {
    std::lock_guard<std::mutex> lock(mu_);
    int& n = in_flight_[customer];
    if (n >= limit_) return false;
    ++n;
    return true;
  }
  void Release(const std::string& customer) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = in_flight_.find(customer);
    if (it != in_flight_.end() && --it->second <= 0) in_flight_.erase(it);
  }

 private:
  const int limit_;
  std::mutex mu_;
  std::unordered_map<std::string, int> in_flight_;
};

// Holds one customer slot around a chunk Exchange; the slot is freed as soon as the answer is
// known (before the transport writes it), or when the exchange is dropped (connection lost).
class SlotExchange : public http::Exchange {
 public:
  SlotExchange(CustomerSlots* slots, std::string customer, std::unique_ptr<http::Exchange> inner)
      : slots_(slots), customer_(std::move(customer)), inner_(std::move(inner)) {}
  ~SlotExchange() override { Release(); }
  std::optional<http::Response> OnBody(std::string_view piece) override {
    std::optional<http::Response> r = inner_->OnBody(piece);
    if (r) Release();
    return r;
  }
  http::Response Finish() override {
    http::Response r = inner_->Finish();
    Release();
    return r;
  }

 private:
  void Release() {
    if (slots_ != nullptr) slots_->Release(customer_);
    slots_ = nullptr;
  }
  CustomerSlots* slots_;
  std::string customer_;
  std::unique_ptr<http::Exchange> inner_;
};

}  // namespace

class UploadService::Impl {
 public:
  Impl(UploadOptions options, store::JobStore* store, engine::Scheduler* scheduler,
       const UrlSigner* signer)
      : options_(std::move(options)),
        store_(store),
        scheduler_(scheduler),
        signer_(signer),
        slots_(options_.max_concurrent_per_customer) {}

  std::unique_ptr<http::Exchange> Route(const http::RequestHead& head) {
    if (!head.path().starts_with(kUploadPrefix)) return nullptr;
    const ErrorFormat fmt = http::PreferredErrorFormat(head);
    std::optional<SignedTarget> t = ParseSignedTarget(head.target);
    if (!t || t->purpose != UrlPurpose::kUpload) return MakeFixed(NoSuchUpload(fmt));
    // Signature first, then expiry, then the job: a forged or expired URL learns nothing about
    // which jobs exist.
    if (!signer_->Verify(*t)) {
      return MakeFixed(StorageError(403, "SignatureDoesNotMatch",
                                    "The request signature we calculated does not match the "
                                    "signature you provided.",
                                    fmt));
    }
    const int64_t now_ms = NowMs();
    if (t->expires_unix <= now_ms / 1000) return MakeFixed(NoSuchUpload(fmt));
    Result<model::BatchJob> job = store_->GetJobInternal(t->job_id);
    if (!job.ok()) {
      return MakeFixed(job.status().code() == StatusCode::kNotFound ? NoSuchUpload(fmt)
                                                                    : InternalServerError(fmt));
    }
    if (job->customer_id != t->customer_id) return MakeFixed(NoSuchUpload(fmt));
    if (job->status == model::JobStatus::kAwaitingFile && job->upload_expires_ms <= now_ms) {
      return MakeFixed(NoSuchUpload(fmt));  // the session lives no longer than its uploadUrl
    }

    const bool is_post = head.method == "POST";
    const bool is_delete = head.method == "DELETE";
    if (!is_post && !is_delete && head.method != "PUT") {
      http::Response r =
          StorageError(405, "MethodNotAllowed",
                       "The specified method is not allowed against this resource.", fmt);
      r.Set("Allow", "POST, PUT, DELETE");
      return MakeFixed(std::move(r));
    }
    std::optional<std::string_view> resumable = head.Get("x-goog-resumable");
    const bool start =
        is_post && resumable && http::HeaderNameEquals(TrimSpaces(*resumable), "start");
    if (!t->upload_id) {
      if (!start) {
        return BadRequest("Start a resumable upload with POST and x-goog-resumable: start.", fmt);
      }
      return Start(head, *t, fmt);
    }
    // Session URL: the upload id must be the job's (constant-time comparison).
    if (job->upload_session.empty() || !ConstantTimeEquals(job->upload_session, *t->upload_id)) {
      Result<bool> canceled = store_->IsCanceledUploadSession(job->id, *t->upload_id);
      if (canceled.ok() && *canceled) return MakeFixed(internal::SessionCanceled(), true);
      return MakeFixed(NoSuchUpload(fmt));
    }
    if (is_delete) return Cancel(job->id, *t->upload_id, fmt);
    // A repeated start on the session URL (no data) just answers the same session again.
    if (start && !head.Get("Content-Range")) return Start(head, *t, fmt);
    return Data(head, *job, fmt);
  }

 private:
  static http::Response InternalServerError(ErrorFormat fmt) {
    return StorageError(500, "InternalError", "We encountered an internal error. Please try again.",
                        fmt);
  }

  std::unique_ptr<internal::JobLock> Lock(int64_t job_id) {
    if (!locks_.TryAcquire(job_id)) return nullptr;
    return std::make_unique<internal::JobLock>(&locks_, job_id);
  }

  std::unique_ptr<http::Exchange> Start(const http::RequestHead& head, const SignedTarget& t,
                                        ErrorFormat fmt) {
    if (head.content_length && *head.content_length > 0) {
      return BadRequest("A resumable upload start request must not carry a body.", fmt);
    }
    std::string base = options_.public_base_url;
    if (base.empty()) {
      std::optional<std::string_view> host = head.Get("Host");
      if (!host || host->empty()) return BadRequest("Missing Host header.", fmt);
      base = std::string(head.secure ? "https://" : "http://") + std::string(*host);
    }
    return internal::MakeStart(
        store_, t.job_id,
        [signer = signer_, base = std::move(base), customer = t.customer_id, job = t.job_id,
         expires = t.expires_unix](std::string_view upload_id) {
          return signer->SessionUrl(base, customer, job, expires, upload_id);
        },
        fmt);
  }

  std::unique_ptr<http::Exchange> Cancel(int64_t job_id, const std::string& session,
                                         ErrorFormat fmt) {
    std::unique_ptr<internal::JobLock> lock = Lock(job_id);
    if (!lock) return Busy(fmt);
    return internal::MakeCancel(store_, std::move(lock), job_id, session, fmt);
  }

  // PUT/POST to the session URL: a status query or a chunk.
  std::unique_ptr<http::Exchange> Data(const http::RequestHead& head, const model::BatchJob& seen,
                                       ErrorFormat fmt) {
    const int64_t job_id = seen.id;
    ContentRange range;
    if (std::optional<std::string_view> cr = head.Get("Content-Range")) {
      Result<ContentRange> parsed = ParseContentRange(*cr);
      if (!parsed.ok()) return BadRequest("Failed to parse Content-Range header.", fmt);
      range = *parsed;
    } else if (!head.content_length) {
      return MakeFixed(StorageError(411, "MissingContentLength",
                                    "You must provide the Content-Length HTTP header.", fmt));
    } else if (*head.content_length > 0) {
      // No Content-Range: the whole upload in one request.
      const auto n = static_cast<int64_t>(*head.content_length);
      range.first = 0;
      range.last = n - 1;
      range.total = n;
    }  // else: an empty request without a range is a status query.

    if (range.is_query()) return Query(head, seen, range, fmt);
    if (head.content_length && static_cast<int64_t>(*head.content_length) != range.length()) {
      return BadRequest("Content-Length does not match the Content-Range.", fmt);
    }
    if (range.length() > options_.max_chunk_bytes) {
      return MakeFixed(StorageError(413, "EntityTooLarge",
                                    "Your proposed upload is larger than the maximum request size "
                                    "of this server (" +
                                        std::to_string(options_.max_chunk_bytes) + " bytes).",
                                    fmt));
    }
    std::unique_ptr<internal::JobLock> lock = Lock(job_id);
    if (!lock) return Busy(fmt);
    // Re-read under the lock: the previous chunk of this job may just have committed.
    Result<model::BatchJob> job = store_->GetJobInternal(job_id);
    if (!job.ok()) return MakeFixed(InternalServerError(fmt));
    if (internal::UploadComplete(*job)) {
      // Any request to a completed upload answers "complete" (the body is drained).
      return MakeFixed(internal::Complete(job->upload_stored_bytes), /*drain=*/true);
    }
    if (model::IsTerminal(job->status)) {
      return MakeFixed(
          StorageError(410, "Gone", "The batch job of this upload was canceled.", fmt));
    }
    const int64_t stored = job->upload_stored_bytes;
    if (*range.first > stored) {
      // Cloud Storage answers a gap with 503 (reference §1.6); lenient mode with 400, which no
      // client retries in a loop.
      return MakeFixed(StorageError(
          options_.strict ? 503 : 400, options_.strict ? "ServiceUnavailable" : "InvalidArgument",
          "Invalid request. The chunk starts at byte " + std::to_string(*range.first) +
              " but only " + std::to_string(stored) + " bytes are stored.",
          fmt));
    }
    const std::optional<int64_t> total = range.total ? range.total : job->upload_total;
    if ((range.total && job->upload_total && *range.total != *job->upload_total) ||
        (total && *range.last + 1 > *total) || (range.total && *range.total < stored)) {
      return BadRequest("Content-Range total size does not match previous chunks.", fmt);
    }
    int64_t commit_end = *range.last + 1;
    const bool final_chunk = total && commit_end == *total;
    if (options_.strict && !final_chunk) {
      if (range.length() < kChunkUnit) {
        return BadRequest(
            "Invalid request. The number of bytes uploaded is required to be equal or greater "
            "than 262144, except for the final request (it's recommended to be the exact "
            "multiple of 262144). The received request contained " +
                std::to_string(range.length()) + " bytes, which does not meet this requirement.",
            fmt);
      }
      commit_end -= commit_end % kChunkUnit;  // only the aligned prefix is committed
    }
    // Quota: refuse before reading a byte (the store re-checks atomically at commit).
    const int64_t growth = std::max<int64_t>(0, commit_end - stored);
    if (growth > 0) {
      Result<int64_t> balance = store_->QuotaBalanceBytes(job->customer_id);
      if (!balance.ok()) return MakeFixed(InternalServerError(fmt));
      if (growth > *balance) return MakeFixed(internal::QuotaExceeded(fmt));
    }
    std::string customer = job->customer_id;
    if (!slots_.TryAcquire(customer)) {
      http::Response r = StorageError(
          503, "ServiceUnavailable",
          "Too many concurrent uploads for this customer; retry after a status query.", fmt);
      r.Set("Retry-After", "1");
      return MakeFixed(std::move(r));
    }
    return std::make_unique<SlotExchange>(
        &slots_, std::move(customer),
        internal::MakeChunk(store_, scheduler_, std::move(lock), std::move(job).value(), range,
                            commit_end, fmt));
  }

  std::unique_ptr<http::Exchange> Query(const http::RequestHead& head, const model::BatchJob& job,
                                        const ContentRange& range, ErrorFormat fmt) {
    if (head.content_length && *head.content_length > 0) {
      return BadRequest("Client sent query request with a non-empty body.", fmt);
    }
    std::unique_ptr<internal::JobLock> lock;
    if (range.total && *range.total > 0 && !internal::UploadComplete(job)) {
      if (job.upload_total && *range.total != *job.upload_total) {
        return BadRequest("Content-Range total size does not match previous chunks.", fmt);
      }
      if (*range.total == job.upload_stored_bytes) {
        lock = Lock(job.id);  // may finalize: serialize with chunks
        if (!lock) return Busy(fmt);
      }
    }
    return internal::MakeStatusQuery(store_, scheduler_, std::move(lock), job.id, range.total, fmt);
  }

  UploadOptions options_;
  store::JobStore* store_;
  engine::Scheduler* scheduler_;
  const UrlSigner* signer_;
  internal::JobLockSet locks_;
  CustomerSlots slots_;
};

UploadService::UploadService(UploadOptions options, store::JobStore* store,
                             engine::Scheduler* scheduler, const UrlSigner* signer)
    : impl_(std::make_unique<Impl>(std::move(options), store, scheduler, signer)) {}

UploadService::~UploadService() = default;

std::unique_ptr<http::Exchange> UploadService::Route(const http::RequestHead& head) {
  return impl_->Route(head);
}

}  // namespace bg::upload
