// DownloadService: GET/HEAD of a job's downloadUrl (DESIGN.md ⑧): verifies the signature and
// expiry, then streams <data>/results/<job>.xml from disk with Content-Length,
// Content-Type application/xml and identity encoding (reference §4.4 rule 5).
// Thread-safe.
#pragma once

#include <memory>

#include "common/signed_url.hpp"
#include "http/message.hpp"
#include "store/job_store.hpp"

namespace bg::results {

class DownloadService {
 public:
  DownloadService(store::JobStore* store, const UrlSigner* signer);
  // An Exchange for /batchjob/results/... targets, or nullptr when the path is not ours.
  std::unique_ptr<http::Exchange> Route(const http::RequestHead& head);

 private:
  store::JobStore* store_;
  const UrlSigner* signer_;
};

}  // namespace bg::results
