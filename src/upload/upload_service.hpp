// UploadService: the resumable-upload protocol behind a job's uploadUrl (DESIGN.md ②,
// reference §3 and resumable-upload.md).
//
// POST with x-goog-resumable: start -> 201 + absolute Location (the session URL). PUT (or POST)
// chunks with Content-Range: bytes A-B/* -> 308 + Range: bytes=0-N (no Location); the final
// chunk bytes A-B/TOTAL -> 200 {"size":"TOTAL"}, after which the job is ACTIVE and the scheduler
// is notified. Bodies are streamed to <data>/uploads/<job>.upload at their offsets and fsynced
// before the reply; re-sent bytes below the stored end are ignored, a gap is refused.
// Status query (empty body, bytes */* or */N) -> 308 (+Range), or 200 once complete; */N with
// N > 0 bytes stored finalizes as Cloud Storage does, */0 (.NET) never does. DELETE on the
// session URL -> 499 and the session is dead (499 forever); the job stays AWAITING_FILE and a new
// start POST opens a fresh session. Expired or unknown -> 404, bad signature -> 403, a chunk past
// the customer's quota -> 403 QuotaExceeded. Errors are Cloud Storage-shaped: XML
// <Error><Code/><Message/></Error>, or JSON {"error":{...}} when the request asks for JSON.
//
// Thread-safe: concurrent chunks of different jobs proceed in parallel; chunks of one job are
// serialized.
#pragma once

#include <memory>
#include <string>

#include "common/signed_url.hpp"
#include "engine/scheduler.hpp"
#include "http/message.hpp"
#include "store/job_store.hpp"

namespace bg::upload {

struct UploadOptions {
  std::string public_base_url;  // empty: from the Host header
  // Cloud Storage's exact chunk rules (config upload.strict): a non-final chunk shorter than
  // 262144 bytes is refused with 400, a longer misaligned one has only its 256 KiB-aligned prefix
  // committed (the 308 Range says so), and a gap answers 503. Default (false): any chunk size is
  // accepted whole, a gap answers 400 — legacy clients count characters, not bytes.
  bool strict = false;
  // Largest body of one data request (config upload.max_chunk_bytes): more -> 413 EntityTooLarge.
  int64_t max_chunk_bytes = 1LL << 30;
  // Data requests of one customer in flight at once (config upload.max_concurrent_per_customer):
  // a further one -> 503 ServiceUnavailable + Retry-After, which resumable clients retry.
  int max_concurrent_per_customer = 16;
};

class UploadService {
 public:
  UploadService(UploadOptions options, store::JobStore* store, engine::Scheduler* scheduler,
                const UrlSigner* signer);
  ~UploadService();
  // An Exchange for /batchjob/upload/... targets, or nullptr when the path is not ours.
  std::unique_ptr<http::Exchange> Route(const http::RequestHead& head);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bg::upload
