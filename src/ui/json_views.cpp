#include "ui/json_views.hpp"

#include <optional>

namespace bg::ui {
namespace {

using model::JobStatus;

void OptionalInt(JsonWriter& w, std::string_view name, std::optional<int64_t> v) {
  w.Key(name);
  if (v) {
    w.Int(*v);
  } else {
    w.Null();
  }
}

// A moment: null when it has not happened (or was not recorded).
void TimeField(JsonWriter& w, std::string_view name, int64_t ms) {
  OptionalInt(w, name, ms > 0 ? std::optional<int64_t>(ms) : std::nullopt);
}

void WriteStep(JsonWriter& w, std::string_view state, int64_t at_ms, bool reached) {
  w.BeginObject().Field("state", state);
  TimeField(w, "atMs", at_ms);
  w.Field("reached", reached).EndObject();
}

// created -> uploading -> active -> [canceling ->] done | canceled. A step without a recorded
// time (jobs older than the store's state times) is still shown as reached when the job is past
// it.
void WriteTimeline(JsonWriter& w, const model::BatchJob& job) {
  const bool finished = model::IsTerminal(job.status);
  const bool uploaded = job.upload_total.has_value() || job.active_ms > 0;
  const bool canceling = job.canceling_ms > 0 || job.status == JobStatus::kCanceling ||
                         (job.status == JobStatus::kCanceled && !uploaded);
  w.Key("timeline").BeginArray();
  WriteStep(w, "CREATED", job.created_ms, true);
  WriteStep(w, "UPLOADING", job.upload_started_ms,
            job.upload_started_ms > 0 || job.upload_stored_bytes > 0 || uploaded);
  // A job canceled before its upload completed never became ACTIVE: no such step.
  if (uploaded || !canceling) WriteStep(w, "ACTIVE", job.active_ms, uploaded);
  if (canceling) WriteStep(w, "CANCELING", job.canceling_ms, true);
  const bool canceled = job.status == JobStatus::kCanceled || canceling;
  WriteStep(w, canceled ? "CANCELED" : "DONE", job.finished_ms, finished);
  w.EndArray();
}

int HttpStatusFor(const ApiError& e) {
  // A malformed or missing customer id is the request's fault, not the credentials'.
  if (e.reason == "CLIENT_CUSTOMER_ID_INVALID" || e.reason == "CLIENT_CUSTOMER_ID_IS_REQUIRED") {
    return 400;
  }
  if (e.type == "AuthenticationError" || e.type == "QuotaCheckError") return 401;
  if (e.type == "AuthorizationError") return 403;
  if (e.type == "IdError" && e.reason == "NOT_FOUND") return 404;
  if (e.type == "BatchJobError" && e.reason == "INVALID_STATE_CHANGE") return 409;
  return 400;
}

}  // namespace

bool Cancelable(JobStatus status) {
  return status == JobStatus::kAwaitingFile || status == JobStatus::kActive;
}

void WriteApiError(JsonWriter& w, const ApiError& e) {
  w.BeginObject()
      .Field("type", e.type)
      .Field("reason", e.reason)
      .Field("fieldPath", e.field_path)
      .Field("trigger", e.trigger)
      .Field("errorString", e.ErrorString());
  if (!e.extra.empty()) {
    w.Key("details").BeginObject();
    for (const auto& [name, value] : e.extra) w.Field(name, value);
    w.EndObject();
  }
  w.EndObject();
}

void WriteJob(JsonWriter& w, const model::BatchJob& job, const JobViewOptions& options) {
  const model::ProgressStats& p = job.progress;
  w.BeginObject()
      .Field("id", job.id)
      .Field("customerId", job.customer_id)
      .Field("version", job.version)
      .Field("status", model::JobStatusName(job.status))
      .Field("cancelable", Cancelable(job.status));
  w.Key("progressStats")
      .BeginObject()
      .Field("numOperationsExecuted", p.num_operations_executed)
      .Field("numOperationsSucceeded", p.num_operations_succeeded)
      .Field("estimatedPercentExecuted", static_cast<int64_t>(p.estimated_percent_executed))
      .Field("numResultsWritten", p.num_results_written)
      .EndObject();
  w.Field("numOperationsFailed", p.num_operations_executed - p.num_operations_succeeded);
  w.Field("uploadBytes", job.upload_stored_bytes);
  OptionalInt(w, "uploadTotalBytes", job.upload_total);
  TimeField(w, "createdMs", job.created_ms);
  TimeField(w, "finishedMs", job.finished_ms);
  w.Key("processingErrors").BeginArray();
  if (job.processing_error && !job.processing_error->reason.empty()) {
    WriteApiError(w, *job.processing_error);
  }
  w.EndArray();
  if (options.detail) {
    WriteTimeline(w, job);
    TimeField(w, "uploadExpiresMs",
              job.status == JobStatus::kAwaitingFile ? job.upload_expires_ms : 0);
    TimeField(w, "resultsExpiresMs", job.results_expires_ms);
    w.Key("downloadUrl");
    if (model::IsTerminal(job.status) && job.results_expires_ms > options.now_ms &&
        options.signer != nullptr) {
      // A path on this server: the page's own origin is the gateway's.
      w.String(
          options.signer->DownloadUrl("", job.customer_id, job.id, job.results_expires_ms / 1000));
    } else {
      w.Null();
    }
  }
  w.EndObject();
}

void WriteResultRow(JsonWriter& w, const ResultRow& row) {
  w.BeginObject()
      .Field("row", row.row)
      .Field("index", row.index)
      .Field("operationType", row.operation_type)
      .Field("operator", row.op_operator)
      .Field("operandType", row.operand_type)
      .Field("resultType", row.result_type)
      .Field("outcome", row.failed ? "FAILED" : "SUCCEEDED");
  w.Key("errors").BeginArray();
  for (const ApiError& e : row.errors) WriteApiError(w, e);
  w.EndArray().EndObject();
}

http::Response JsonResponse(int status, std::string body) {
  http::Response r =
      http::Response::Text(status, "application/json; charset=utf-8", std::move(body));
  r.Set("Cache-Control", "no-store");
  return r;
}

http::Response ErrorResponse(const Status& status) {
  int code = 500;
  std::string message = "internal error";
  switch (status.code()) {
    case StatusCode::kApiError:
      code = status.api_errors().empty() ? 400 : HttpStatusFor(status.api_errors().front());
      message = status.message();
      break;
    case StatusCode::kInvalidArgument:
      code = 400;
      message = status.message();
      break;
    case StatusCode::kNotFound:
      code = 404;
      message = "not found";
      break;
    default:
      break;
  }
  std::string body;
  JsonWriter w(&body);
  w.BeginObject().Key("error").BeginObject().Field("code", code).Field("message", message);
  w.Key("errors").BeginArray();
  for (const ApiError& e : status.api_errors()) WriteApiError(w, e);
  w.EndArray().EndObject().EndObject();
  http::Response r = JsonResponse(code, std::move(body));
  if (code == 401) r.Set("WWW-Authenticate", "Bearer");
  return r;
}

}  // namespace bg::ui
