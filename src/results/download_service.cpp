#include "results/download_service.hpp"

#include <sys/stat.h>

#include <charconv>

#include "common/clock.hpp"
#include "common/xml_writer.hpp"
#include "http/storage_error.hpp"

namespace bg::results {
namespace {

constexpr std::string_view kResultsPrefix = "/batchjob/results/";

http::Response NoSuchKey() {
  return http::StorageError(404, "NoSuchKey", "The specified key does not exist.");
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

std::optional<uint64_t> Digits(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
};

enum class RangeKind { kNone, kSatisfiable, kUnsatisfiable };

// One "bytes=A-B" / "bytes=A-" / "bytes=-N" range. Anything else (several ranges, other units,
// garbage) is ignored as RFC 9110 allows: the whole file is sent.
RangeKind ParseRange(std::string_view v, uint64_t size, ByteRange* out) {
  if (!v.starts_with("bytes=")) return RangeKind::kNone;
  v.remove_prefix(6);
  size_t dash = v.find('-');
  if (dash == std::string_view::npos || v.find(',') != std::string_view::npos) {
    return RangeKind::kNone;
  }
  std::string_view a = v.substr(0, dash), b = v.substr(dash + 1);
  if (a.empty()) {  // suffix range
    auto n = Digits(b);
    if (!n) return RangeKind::kNone;
    if (*n == 0 || size == 0) return RangeKind::kUnsatisfiable;
    out->first = *n >= size ? 0 : size - *n;
    out->last = size - 1;
    return RangeKind::kSatisfiable;
  }
  auto first = Digits(a);
  if (!first) return RangeKind::kNone;
  std::optional<uint64_t> last = b.empty() ? std::optional<uint64_t>(UINT64_MAX) : Digits(b);
  if (!last || *last < *first) return RangeKind::kNone;
  if (*first >= size) return RangeKind::kUnsatisfiable;
  out->first = *first;
  out->last = std::min(*last, size - 1);
  return RangeKind::kSatisfiable;
}

}  // namespace

DownloadService::DownloadService(store::JobStore* store, const UrlSigner* signer)
    : store_(store), signer_(signer) {}

std::unique_ptr<http::Exchange> DownloadService::Route(const http::RequestHead& head) {
  if (!head.path().starts_with(kResultsPrefix)) return nullptr;
  const bool head_only = head.method == "HEAD";
  if (!head_only && head.method != "GET") {
    http::Response r = http::StorageError(
        405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
    r.Set("Allow", "GET, HEAD");
    return Fixed(std::move(r));
  }
  std::optional<SignedTarget> t = ParseSignedTarget(head.target);
  if (!t || t->purpose != UrlPurpose::kDownload) return Fixed(NoSuchKey());
  if (!signer_->Verify(*t)) {
    return Fixed(
        http::StorageError(403, "SignatureDoesNotMatch",
                           "The request signature we calculated does not match the signature "
                           "you provided."));
  }
  if (t->expires_unix <= NowMs() / 1000) return Fixed(NoSuchKey());
  Result<model::BatchJob> job = store_->GetJobInternal(t->job_id);
  if (!job.ok()) {
    if (job.status().code() == StatusCode::kNotFound) return Fixed(NoSuchKey());
    return Fixed(http::StorageError(500, "InternalError", "We encountered an internal error."));
  }
  if (job->customer_id != t->customer_id) return Fixed(NoSuchKey());
  if (job->status != model::JobStatus::kDone && job->status != model::JobStatus::kCanceled) {
    return Fixed(NoSuchKey());
  }
  const std::string path = store_->ResultsPath(job->id);
  struct stat st {};
  const auto size = static_cast<uint64_t>(job->results_bytes);
  if (::stat(path.c_str(), &st) != 0 || static_cast<uint64_t>(st.st_size) < size) {
    return Fixed(NoSuchKey());
  }

  http::Response r;
  r.status = 200;
  r.head_only = head_only;
  r.Set("Content-Type", "application/xml");
  r.Set("Accept-Ranges", "bytes");
  r.Set("Cache-Control", "private, max-age=0");
  http::FileBody file{path, 0, size};
  if (std::optional<std::string_view> range = head.Get("Range")) {
    ByteRange br;
    switch (ParseRange(*range, size, &br)) {
      case RangeKind::kNone:
        break;
      case RangeKind::kUnsatisfiable: {
        http::Response bad =
            http::StorageError(416, "InvalidRange", "The requested range cannot be satisfied.");
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
