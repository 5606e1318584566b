// UploadFile: the resumable upload of one file to a job's uploadUrl, as the client libraries do
// it (reference legacy-protocol.md §3.0): `POST uploadUrl` with `x-goog-resumable: start` and
// `Content-Length: 0` (2xx + Location: the session URL), then one `PUT` per piece of the
// UploadPlan with `Content-Range: bytes A-B/*` (308 Resume Incomplete) and `bytes A-B/TOTAL` on
// the last one (200/201).
//
// Resuming (what .NET does; the Python library gives up instead): after a transport failure or
// a 5xx answer (503 with Retry-After when the customer has too many chunks in flight) the client
// waits, asks the session how far it got (`PUT`, empty body, `Content-Range: bytes */*` -> 308
// with `Range: bytes=0-N`, or 200 when complete) and continues from byte N+1, re-reading that
// stream offset from the plan. A 308 whose Range is short of what was sent resumes the same way.
// Any other answer (4xx) fails with the status and the Cloud Storage error body.
//
// Blocking; uses the caller's HttpClient (not thread-safe, like it).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "client/http_client.hpp"
#include "client/upload_plan.hpp"
#include "common/status.hpp"

namespace bg::client {

struct UploadOptions {
  int max_retries = 8;  // failed requests in a row before the upload gives up
  // Called after every acknowledged request: (stream bytes stored, plan.total).
  std::function<void(uint64_t, uint64_t)> progress;
};

// Uploads `path` (cut as `plan` says) to `upload_url`; returns the number of requests sent.
Result<int> UploadFile(HttpClient& http, const std::string& upload_url, const std::string& path,
                       const UploadPlan& plan, const UploadOptions& options = {});

// The stored byte count a 308's `Range: bytes=0-N` reports (N+1); 0 without a Range header.
uint64_t StoredBytes(const HttpResponse& response);

}  // namespace bg::client
