// UploadService: the resumable-upload protocol behind a job's uploadUrl (DESIGN.md ②,
// reference §3 and resumable-upload.md).
//
// POST with x-goog-resumable: start -> 201 + absolute Location (the session URL). PUT chunks with
// Content-Range: bytes A-B/* -> 308 + Range: bytes=0-N (no Location); the final chunk
// bytes A-B/TOTAL -> 200, after which the job is ACTIVE and the scheduler is notified. Bodies
// are streamed to <data>/uploads/<job>.upload at their offsets and fsynced before the reply.
// Errors are Cloud Storage-shaped (<Error><Code/><Message/></Error>).
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
