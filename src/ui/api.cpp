#include "ui/api.hpp"

#include <charconv>

#include "common/clock.hpp"
#include "common/json_writer.hpp"
#include "soap/batch_job_service.hpp"
#include "ui/access.hpp"
#include "ui/json_views.hpp"

namespace bg::ui {
namespace {

constexpr std::string_view kApiPrefix = "/ui/api/";

Result<int64_t> ParseCount(const http::RequestHead& head, std::string_view name, int64_t fallback,
                           int64_t max) {
  std::optional<std::string> text = head.QueryParam(name);
  if (!text || text->empty()) return fallback;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < 0 || v > max) {
    return InvalidArgument("'" + std::string(name) + "' must be a whole number from 0 to " +
                           std::to_string(max));
  }
  return v;
}

Result<std::vector<model::JobStatus>> ParseStatuses(std::string_view list) {
  std::vector<model::JobStatus> out;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (item.empty()) continue;
    std::optional<model::JobStatus> s = model::ParseJobStatus(item);
    if (!s || *s == model::JobStatus::kUnknown) {
      return InvalidArgument("unknown status '" + std::string(item) + "'");
    }
    out.push_back(*s);
  }
  return out;
}

Status JobNotFound(int64_t job_id) {
  return Status(ApiError::Make("IdError", "NOT_FOUND", "id", std::to_string(job_id)));
}

// The path after /ui/api/jobs/: "{id}", "{id}/results", "{id}/cancel".
struct JobPath {
  int64_t id = 0;
  std::string_view action;
};

std::optional<JobPath> ParseJobPath(std::string_view rest) {
  const size_t slash = rest.find('/');
  std::string_view id_text = rest.substr(0, slash);
  JobPath p;
  auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), p.id);
  if (id_text.empty() || ec != std::errc() || end != id_text.data() + id_text.size() || p.id <= 0) {
    return std::nullopt;
  }
  if (slash != std::string_view::npos) p.action = rest.substr(slash + 1);
  return p;
}

http::Response MethodNotAllowed(std::string_view allow) {
  http::Response r = ErrorResponse(InvalidArgument("method not allowed"));
  r.status = 405;
  r.Set("Allow", std::string(allow));
  return r;
}

std::string CustomerParam(const http::RequestHead& head) {
  return head.QueryParam("customer").value_or("");
}

}  // namespace

http::Response DashboardApi::Handle(const http::RequestHead& head) {
  std::string_view path = head.path();
  path.remove_prefix(kApiPrefix.size());
  const bool read = head.method == "GET";
  if (path == "jobs") return read ? ListJobs(head) : MethodNotAllowed("GET");
  if (!path.starts_with("jobs/")) return Fail(NotFound("no such API"));
  std::optional<JobPath> jp = ParseJobPath(path.substr(5));
  if (!jp) return Fail(NotFound("no such API"));
  if (jp->action.empty()) return read ? GetJob(head, jp->id) : MethodNotAllowed("GET");
  if (jp->action == "results") return read ? GetResults(head, jp->id) : MethodNotAllowed("GET");
  if (jp->action == "cancel") {
    return head.method == "POST" ? Cancel(head, jp->id) : MethodNotAllowed("POST");
  }
  return Fail(NotFound("no such API"));
}

http::Response DashboardApi::ListJobs(const http::RequestHead& head) {
  Result<std::vector<std::string>> customers = AuthorizeCustomers(head, CustomerParam(head), *access_);
  if (!customers.ok()) return Fail(customers.status());
  store::JobQuery q;
  q.customer_ids = *customers;
  Result<std::vector<model::JobStatus>> statuses =
      ParseStatuses(head.QueryParam("status").value_or(""));
  Result<int64_t> offset = ParseCount(head, "offset", 0, INT32_MAX);
  Result<int64_t> limit = ParseCount(head, "limit", kDefaultPageSize, kMaxPageSize);
  for (const Status* s : {&statuses.status(), &offset.status(), &limit.status()}) {
    if (!s->ok()) return Fail(*s);
  }
  q.statuses = *statuses;
  q.offset = *offset;
  q.limit = *limit;
  Result<store::JobPage> page = store_->QueryJobs(q);
  if (!page.ok()) return Fail(page.status());

  std::string body;
  JsonWriter w(&body);
  w.BeginObject().Key("customers").BeginArray();
  for (const std::string& c : *customers) w.String(c);
  w.EndArray();
  w.Field("total", page->total).Field("offset", q.offset).Field("limit", q.limit);
  w.Key("statusCounts").BeginObject();
  for (const auto& [status, n] : page->status_counts) w.Field(model::JobStatusName(status), n);
  w.EndObject();
  JobViewOptions options;
  options.now_ms = NowMs();
  w.Key("jobs").BeginArray();
  for (const model::BatchJob& job : page->jobs) WriteJob(w, job, options);
  w.EndArray().EndObject();
  return JsonResponse(200, std::move(body));
}

http::Response DashboardApi::Fail(const Status& s) const {
  const bool internal = !s.is_api_error() && s.code() != StatusCode::kInvalidArgument &&
                        s.code() != StatusCode::kNotFound;
  if (internal && log_) log_("dashboard API: " + s.ToString());
  return ErrorResponse(s);
}

http::Response DashboardApi::JobDetail(const model::BatchJob& job) const {
  std::string body;
  JsonWriter w(&body);
  JobViewOptions options;
  options.detail = true;
  options.signer = signer_;
  options.now_ms = NowMs();
  WriteJob(w, job, options);
  return JsonResponse(200, std::move(body));
}

Result<model::BatchJob> DashboardApi::FindJob(const http::RequestHead& head, int64_t job_id) {
  BG_ASSIGN_OR_RETURN(std::vector<std::string> customers,
                      AuthorizeCustomers(head, CustomerParam(head), *access_));
  for (const std::string& c : customers) {
    Result<model::BatchJob> job = store_->GetJob(c, job_id);
    if (job.ok() || job.status().code() != StatusCode::kNotFound) return job;
  }
  return JobNotFound(job_id);
}

http::Response DashboardApi::GetJob(const http::RequestHead& head, int64_t job_id) {
  Result<model::BatchJob> job = FindJob(head, job_id);
  if (!job.ok()) return Fail(job.status());
  return JobDetail(*job);
}

http::Response DashboardApi::GetResults(const http::RequestHead& head, int64_t job_id) {
  Result<model::BatchJob> job = FindJob(head, job_id);
  if (!job.ok()) return Fail(job.status());
  Result<int64_t> offset = ParseCount(head, "offset", 0, INT64_MAX / 2);
  Result<int64_t> limit = ParseCount(head, "limit", kDefaultPageSize, kMaxPageSize);
  if (!offset.ok()) return Fail(offset.status());
  if (!limit.ok()) return Fail(limit.status());
  const std::string failures = head.QueryParam("failures").value_or("");
  const bool failures_only = failures == "1" || failures == "true";

  std::string body;
  JsonWriter w(&body);
  w.BeginObject().Field("jobId", job->id).Field("failuresOnly", failures_only);
  w.Field("offset", *offset).Field("limit", *limit);
  auto state_only = [&](std::string_view state, int code) {
    w.Field("state", state).Key("rows").BeginArray().EndArray().EndObject();
    return JsonResponse(code, std::move(body));
  };
  if (!model::IsTerminal(job->status)) return state_only("NOT_FINISHED", 200);
  if (job->results_expires_ms <= NowMs()) return state_only("EXPIRED", 200);

  IndexLookup lookup = indexer_->Lookup(*job, index_wait_);
  if (!lookup.error.ok()) return Fail(lookup.error);
  if (!lookup.index) {
    w.Field("percent", static_cast<int64_t>(lookup.percent));
    return state_only(lookup.building ? "INDEXING" : "QUEUED", 202);
  }
  Result<ResultsPage> page = lookup.index->Read(failures_only, *offset, *limit);
  if (!page.ok()) return Fail(page.status());
  w.Field("state", "READY")
      .Field("total", page->total)
      .Field("numRows", lookup.index->row_count())
      .Field("numFailures", lookup.index->failure_count())
      .Field("operationsFromUpload", lookup.index->upload_complete());
  w.Key("rows").BeginArray();
  for (const ResultRow& row : page->rows) WriteResultRow(w, row);
  w.EndArray().EndObject();
  return JsonResponse(200, std::move(body));
}

http::Response DashboardApi::Cancel(const http::RequestHead& head, int64_t job_id) {
  Result<std::vector<std::string>> customers = AuthorizeCustomers(head, CustomerParam(head), *access_);
  if (!customers.ok()) return Fail(customers.status());
  // As a one-operation mutate: the errors carry operations[0]'s paths, exactly as SOAP's.
  Result<model::BatchJob> job = JobNotFound(job_id);
  for (const std::string& c : *customers) {
    job = soap::CancelJob(store_, scheduler_, c, job_id, "operations[0]");
    const bool not_found = !job.ok() && job.status().is_api_error() &&
                           job.status().api_errors().front().type == "IdError";
    if (!not_found) break;
  }
  if (!job.ok()) return Fail(job.status());
  return JobDetail(*job);
}

}  // namespace bg::ui
