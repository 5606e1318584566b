#include "results/download_service.hpp"

#include <sys/stat.h>

#include <charconv>

#include "common/clock.hpp"
#include "common/xml_writer.hpp"
#include "http/storage_error.hpp"
#include "results/range_header.hpp"

namespace bg::results {
namespace {

constexpr std::string_view kResultsPrefix = "/batchjob/results/";

http::Response NoSuchKey(http::ErrorFormat fmt) {
  return http::StorageError(404, "NoSuchKey", "The specified key does not exist.", fmt);
}

// Strong validator: a results file never changes once its job has finished.
std::string ETagOf(const model::BatchJob& job, uint64_t size) {
  return "\"" + std::to_string(job.id) + "-" + std::to_string(size) + "-" +
         std::to_string(job.finished_ms) + "\"";
}

// If-None-Match lists `etag` (or is "*").
bool MatchesNoneMatch(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
  }
  return false;
}

// GET/HEAD carry no body worth reading: answer at once.
class FixedExchange : public http::Exchange {
 public:
  explicit FixedExchange(http::Response r) : response_(std::move(r)) {}
  std::optional<http::Response> OnBody(std::string_view piece) override {
    if (piece.empty()) return std::nullopt;
    return response_;
  }
  http::Response Finish() override { return response_; }

 private:
  http::Response response_;
};

std::unique_ptr<http::Exchange> Fixed(http::Response r) {
  return std::make_unique<FixedExchange>(std::move(r));
}

}  // namespace

DownloadService::DownloadService(store::JobStore* store, const UrlSigner* signer)
    : store_(store), signer_(signer) {}

std::unique_ptr<http::Exchange> DownloadService::Route(const http::RequestHead& head) {
  if (!head.path().starts_with(kResultsPrefix)) return nullptr;
  const http::ErrorFormat fmt = http::PreferredErrorFormat(head);
  const bool head_only = head.method == "HEAD";
  if (!head_only && head.method != "GET") {
    http::Response r = http::StorageError(
        405, "MethodNotAllowed", "The specified method is not allowed against this resource.", fmt);
    r.Set("Allow", "GET, HEAD");
    return Fixed(std::move(r));
  }
  std::optional<SignedTarget> t = ParseSignedTarget(head.target);
  if (!t || t->purpose != UrlPurpose::kDownload) return Fixed(NoSuchKey(fmt));
  // Signature, then expiry, then the job: the answer never depends on whether the job exists.
  if (!signer_->Verify(*t)) {
    return Fixed(
        http::StorageError(403, "SignatureDoesNotMatch",
                           "The request signature we calculated does not match the signature "
                           "you provided.",
                           fmt));
  }
  const int64_t now_ms = NowMs();
  if (t->expires_unix <= now_ms / 1000) return Fixed(NoSuchKey(fmt));
  Result<model::BatchJob> job = store_->GetJobInternal(t->job_id);
  if (!job.ok()) {
    if (job.status().code() == StatusCode::kNotFound) return Fixed(NoSuchKey(fmt));
    return Fixed(
        http::StorageError(500, "InternalError", "We encountered an internal error.", fmt));
  }
  if (job->customer_id != t->customer_id) return Fixed(NoSuchKey(fmt));
  if (job->status != model::JobStatus::kDone && job->status != model::JobStatus::kCanceled) {
    return Fixed(NoSuchKey(fmt));
  }
  // Past the results retention the file is (or is about to be) deleted by the sweep.
  if (job->results_expires_ms <= now_ms) return Fixed(NoSuchKey(fmt));
  const std::string path = store_->ResultsPath(job->id);
  struct stat st {};
  const auto size = static_cast<uint64_t>(job->results_bytes);
  if (::stat(path.c_str(), &st) != 0 || static_cast<uint64_t>(st.st_size) < size) {
    return Fixed(NoSuchKey(fmt));
  }
  const std::string etag = ETagOf(*job, size);
  if (std::optional<std::string_view> inm = head.Get("If-None-Match")) {
    if (MatchesNoneMatch(*inm, etag)) {
      http::Response nm;
      nm.status = 304;
      nm.head_only = true;  // no body, whatever the method
      nm.Set("ETag", etag);
      return Fixed(std::move(nm));
    }
  }

  http::Response r;
  r.status = 200;
  r.head_only = head_only;
  r.Set("Content-Type", "application/xml");
  r.Set("Accept-Ranges", "bytes");
  r.Set("Cache-Control", "private, max-age=0");
  r.Set("ETag", etag);
  // Identity only, whatever Accept-Encoding says: legacy PHP asks for gzip by hand and cannot
  // decode it (reference §4.3).
  r.Set("x-goog-stored-content-encoding", "identity");
  r.Set("x-goog-stored-content-length", std::to_string(size));
  http::FileBody file{path, 0, size};
  if (std::optional<std::string_view> range = head.Get("Range")) {
    ByteRange br;
    switch (ParseRange(*range, size, &br)) {
      case RangeKind::kNone:
        break;
      case RangeKind::kUnsatisfiable: {
        http::Response bad = http::StorageError(416, "InvalidRange",
                                                "The requested range cannot be satisfied.", fmt);
        bad.Set("Content-Range", "bytes */" + std::to_string(size));
        return Fixed(std::move(bad));
      }
      case RangeKind::kSatisfiable:
        r.status = 206;
        r.Set("Content-Range", "bytes " + std::to_string(br.first) + "-" + std::to_string(br.last) +
                                   "/" + std::to_string(size));
        file = http::FileBody{path, br.first, br.last - br.first + 1};
        break;
    }
  }
  if (file.length > 0) r.file = std::move(file);  // an empty result is an empty body
  return Fixed(std::move(r));
}

}  // namespace bg::results
