#include "upload/upload_service.hpp"

#include "common/clock.hpp"
#include "http/storage_error.hpp"
#include "upload/content_range.hpp"
#include "upload/exchanges.hpp"

namespace bg::upload {
namespace {

using internal::MakeFixed;
using internal::NoSuchUpload;

constexpr std::string_view kUploadPrefix = "/batchjob/upload/";

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return http::HeaderNameEquals(a, b);  // plain ASCII case folding
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

class UploadService::Impl {
 public:
  Impl(UploadOptions options, store::JobStore* store, engine::Scheduler* scheduler,
       const UrlSigner* signer)
      : options_(std::move(options)), store_(store), scheduler_(scheduler), signer_(signer) {}

  std::unique_ptr<http::Exchange> Route(const http::RequestHead& head) {
    if (!head.path().starts_with(kUploadPrefix)) return nullptr;
    std::optional<SignedTarget> t = ParseSignedTarget(head.target);
    if (!t || t->purpose != UrlPurpose::kUpload) return MakeFixed(NoSuchUpload());
    // Signature first, so that a forged URL learns nothing about which jobs exist.
    if (!signer_->Verify(*t)) {
      return MakeFixed(http::StorageError(403, "SignatureDoesNotMatch",
                                          "The request signature we calculated does not match the "
                                          "signature you provided."));
    }
    if (t->expires_unix <= NowMs() / 1000) return MakeFixed(NoSuchUpload());
    Result<model::BatchJob> job = store_->GetJobInternal(t->job_id);
    if (!job.ok()) {
      return MakeFixed(job.status().code() == StatusCode::kNotFound ? NoSuchUpload()
                                                                    : InternalServerError());
    }
    if (job->customer_id != t->customer_id) return MakeFixed(NoSuchUpload());

    const bool is_post = head.method == "POST";
    if (!is_post && head.method != "PUT") {
      http::Response r = http::StorageError(
          405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
      r.Set("Allow", "POST, PUT");
      return MakeFixed(std::move(r));
    }
    std::optional<std::string_view> resumable = head.Get("x-goog-resumable");
    const bool start = is_post && resumable && EqualsIgnoreCase(TrimSpaces(*resumable), "start");
    if (!t->upload_id) {
      if (!start) {
        return MakeFixed(
            http::StorageError(400, "InvalidArgument",
                               "Start a resumable upload with POST and x-goog-resumable: start."));
      }
      return Start(head, *t);
    }
    // Session URL: the upload id must be the job's (constant-time comparison).
    if (job->upload_session.empty() || !ConstantTimeEquals(job->upload_session, *t->upload_id)) {
      return MakeFixed(NoSuchUpload());
    }
    // A repeated start on the session URL (no data) just answers the same session again.
    if (start && !head.Get("Content-Range")) return Start(head, *t);
    return Data(head, job->id);
  }

 private:
  static http::Response InternalServerError() {
    return http::StorageError(500, "InternalError",
                              "We encountered an internal error. Please try again.");
  }

  std::unique_ptr<http::Exchange> Start(const http::RequestHead& head, const SignedTarget& t) {
    if (head.content_length && *head.content_length > 0) {
      return MakeFixed(http::StorageError(
          400, "InvalidArgument", "A resumable upload start request must not carry a body."));
    }
    std::string base = options_.public_base_url;
    if (base.empty()) {
      std::optional<std::string_view> host = head.Get("Host");
      if (!host || host->empty()) {
        return MakeFixed(http::StorageError(400, "InvalidArgument", "Missing Host header."));
      }
      base = std::string(head.secure ? "https://" : "http://") + std::string(*host);
    }
    return internal::MakeStart(
        store_, t.job_id,
        [signer = signer_, base = std::move(base), customer = t.customer_id, job = t.job_id,
         expires = t.expires_unix](std::string_view upload_id) {
          return signer->SessionUrl(base, customer, job, expires, upload_id);
        });
  }

  // PUT/POST to the session URL: a status query or a chunk.
  std::unique_ptr<http::Exchange> Data(const http::RequestHead& head, int64_t job_id) {
    ContentRange range;
    if (std::optional<std::string_view> cr = head.Get("Content-Range")) {
      Result<ContentRange> parsed = ParseContentRange(*cr);
      if (!parsed.ok()) {
        return MakeFixed(
            http::StorageError(400, "InvalidArgument", "Failed to parse Content-Range header."));
      }
      range = *parsed;
    } else if (!head.content_length) {
      return MakeFixed(http::StorageError(411, "MissingContentLength",
                                          "You must provide the Content-Length HTTP header."));
    } else if (*head.content_length > 0) {
      // No Content-Range: the whole upload in one request.
      const auto n = static_cast<int64_t>(*head.content_length);
      range.first = 0;
      range.last = n - 1;
      range.total = n;
    }  // else: an empty request without a range is a status query.

    if (range.is_query()) {
      if (head.content_length && *head.content_length > 0) {
        return MakeFixed(http::StorageError(400, "InvalidArgument",
                                            "Client sent query request with a non-empty body."));
      }
      return internal::MakeStatusQuery(store_, job_id);
    }
    if (head.content_length && static_cast<int64_t>(*head.content_length) != range.length()) {
      return MakeFixed(http::StorageError(400, "InvalidArgument",
                                          "Content-Length does not match the Content-Range."));
    }
    if (!locks_.TryAcquire(job_id)) {
      http::Response r = http::StorageError(503, "ServiceUnavailable",
                                            "Another request is writing to this upload; retry.");
      r.Set("Retry-After", "1");
      return MakeFixed(std::move(r));
    }
    auto lock = std::make_unique<internal::JobLock>(&locks_, job_id);
    // Re-read under the lock: the previous chunk of this job may just have committed.
    Result<model::BatchJob> job = store_->GetJobInternal(job_id);
    if (!job.ok()) return MakeFixed(InternalServerError());
    if (internal::UploadComplete(*job)) {
      // Any request to a completed upload answers "complete" (the body is drained).
      return MakeFixed(internal::Complete(job->upload_stored_bytes), /*drain=*/true);
    }
    if (model::IsTerminal(job->status)) {
      return MakeFixed(
          http::StorageError(410, "Gone", "The batch job of this upload was canceled."));
    }
    if (*range.first > job->upload_stored_bytes) {
      return MakeFixed(http::StorageError(
          400, "InvalidArgument",
          "Invalid request. The chunk starts at byte " + std::to_string(*range.first) +
              " but only " + std::to_string(job->upload_stored_bytes) + " bytes are stored."));
    }
    const std::optional<int64_t> total = range.total ? range.total : job->upload_total;
    if ((range.total && job->upload_total && *range.total != *job->upload_total) ||
        (total && *range.last + 1 > *total) ||
        (range.total && *range.total < job->upload_stored_bytes)) {
      return MakeFixed(http::StorageError(
          400, "InvalidArgument", "Content-Range total size does not match previous chunks."));
    }
    return internal::MakeChunk(store_, scheduler_, std::move(lock), std::move(job).value(), range);
  }

  UploadOptions options_;
  store::JobStore* store_;
  engine::Scheduler* scheduler_;
  const UrlSigner* signer_;
  internal::JobLockSet locks_;
};

UploadService::UploadService(UploadOptions options, store::JobStore* store,
                             engine::Scheduler* scheduler, const UrlSigner* signer)
    : impl_(std::make_unique<Impl>(std::move(options), store, scheduler, signer)) {}

UploadService::~UploadService() = default;

std::unique_ptr<http::Exchange> UploadService::Route(const http::RequestHead& head) {
  return impl_->Route(head);
}

}  // namespace bg::upload
