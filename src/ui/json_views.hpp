// The JSON shapes of the dashboard's API (docs/dashboard.md): a job (list entry or detail), a
// result row, and the error body. This file is the one place of ui/ where a job, a row or an
// ApiError becomes JSON (as soap/fault and results/writer are for XML).
//
// Times are Unix epoch milliseconds (null when a moment has not happened or was not recorded);
// job ids are JSON numbers (10 digits: exact in JavaScript), customer ids strings of digits.
// Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/json_writer.hpp"
#include "common/signed_url.hpp"
#include "common/status.hpp"
#include "http/message.hpp"
#include "model/job.hpp"
#include "ui/results_index.hpp"

namespace bg::ui {

// What a job view shows besides the job itself.
struct JobViewOptions {
  bool detail = false;                // timeline, expirations and downloadUrl too
  const UrlSigner* signer = nullptr;  // for downloadUrl (a path on this server)
  int64_t now_ms = 0;
};

// A job can be canceled from the dashboard (the states SOAP's SET CANCELING accepts).
bool Cancelable(model::JobStatus status);

void WriteJob(JsonWriter& w, const model::BatchJob& job, const JobViewOptions& options);
void WriteApiError(JsonWriter& w, const ApiError& e);
void WriteResultRow(JsonWriter& w, const ResultRow& row);

// An application/json response, never cached.
http::Response JsonResponse(int status, std::string body);
// The error body {"error":{"code","message","errors":[ApiError...]}} with its HTTP status:
// credentials refused 401 (with WWW-Authenticate: Bearer; a missing or malformed customer id is
// 400), authorization errors 403, a missing
// job 404, a refused state change 409, other ApiErrors and malformed requests 400; anything
// else 500 with a generic message (the details are for the log, not the client).
http::Response ErrorResponse(const Status& status);

}  // namespace bg::ui
