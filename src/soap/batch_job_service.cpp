#include "soap/batch_job_service.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include "common/clock.hpp"
#include "common/xml_writer.hpp"
#include "soap/awql.hpp"
#include "soap/envelope.hpp"

namespace bg::soap {
namespace {

using model::JobStatus;

// One checked operation of a mutate, executed only when every operation checked out.
struct PlannedOp {
  bool add = true;
  int64_t job_id = 0;  // SET (cancel) only
  std::string path;    // "operations[i]"
};

bool CanCancel(JobStatus s) { return s == JobStatus::kAwaitingFile || s == JobStatus::kActive; }

// Checks operation `i`; appends to *plan or *errors. Unmarshalling errors (bad long, unknown
// Operator) end the whole request and are returned.
Status CheckOperation(const CallContext& ctx, store::JobStore* store, pugi::xml_node op, size_t i,
                      std::set<int64_t>* canceled, std::vector<PlannedOp>* plan,
                      std::vector<ApiError>* errors) {
  const std::string path = "operations[" + std::to_string(i) + "]";
  std::string op_name = ChildText(op, "operator").value_or("");
  if (op_name.empty()) {
    errors->push_back(ApiError::Make("RequiredError", "REQUIRED", path + ".operator"));
    return Status::Ok();
  }
  if (op_name == "ADD") {
    plan->push_back({true, 0, path});
    return Status::Ok();
  }
  if (op_name == "REMOVE") {
    errors->push_back(
        ApiError::Make("OperatorError", "OPERATOR_NOT_SUPPORTED", path + ".operator", op_name));
    return Status::Ok();
  }
  if (op_name != "SET") {
    return UnmarshallingError("'" + op_name + "' is not a valid value for 'Operator'");
  }
  pugi::xml_node operand = Child(op, "operand");
  if (!operand) {
    errors->push_back(ApiError::Make("RequiredError", "REQUIRED", path + ".operand"));
    return Status::Ok();
  }
  std::optional<std::string> id_text = ChildText(operand, "id");
  if (!id_text || id_text->empty()) {
    errors->push_back(ApiError::Make("RequiredError", "REQUIRED", path + ".operand.id"));
    return Status::Ok();
  }
  std::optional<int64_t> id = ParseLong(*id_text);
  if (!id) return UnmarshallingError("'" + *id_text + "' is not a valid value for 'long'");
  const std::string status_path = path + ".operand.status";
  std::string status = ChildText(operand, "status").value_or("");
  if (status != "CANCELING") {
    errors->push_back(ApiError::Make("BatchJobError", "INVALID_STATE_CHANGE", status_path, status));
    return Status::Ok();
  }
  Result<model::BatchJob> job = store->GetJob(ctx.customer_id, *id);
  if (!job.ok()) {
    if (job.status().code() != StatusCode::kNotFound) return job.status();
    // A missing job and another customer's job are indistinguishable.
    errors->push_back(
        ApiError::Make("IdError", "NOT_FOUND", path + ".operand.id", std::to_string(*id)));
    return Status::Ok();
  }
  if (!CanCancel(job->status) || !canceled->insert(*id).second) {
    errors->push_back(ApiError::Make("BatchJobError", "INVALID_STATE_CHANGE", status_path, status));
    return Status::Ok();
  }
  plan->push_back({false, *id, path});
  return Status::Ok();
}

// Runs one cancel: CANCELING is committed, then the scheduler is told.
Result<model::BatchJob> Cancel(const CallContext& ctx, store::JobStore* store,
                               engine::Scheduler* scheduler, const PlannedOp& op) {
  return CancelJob(store, scheduler, ctx.customer_id, op.job_id, op.path);
}

// The quota of mutate ADD (reference: BatchJob.diskUsageQuotaBalance in KB,
// BatchJobError.DISK_QUOTA_EXCEEDED): sets render->disk_quota_kb to what is left of the configured
// quota (ctx.render.disk_quota_kb) after the customer's pending upload bytes, and refuses every
// ADD with DISK_QUOTA_EXCEEDED when nothing is left (per the configured KB quota or the store's
// byte quota, which app/ sets from the same upload.quota_bytes).
Status CheckAddQuota(const CallContext& ctx, store::JobStore* store,
                     const std::vector<PlannedOp>& plan, RenderContext* render) {
  std::vector<ApiError> errors;
  for (const PlannedOp& op : plan) {
    if (op.add) errors.push_back(ApiError::Make("BatchJobError", "DISK_QUOTA_EXCEEDED", op.path));
  }
  if (errors.empty()) return Status::Ok();
  BG_ASSIGN_OR_RETURN(int64_t pending, store->PendingUploadBytes(ctx.customer_id));
  BG_ASSIGN_OR_RETURN(int64_t store_balance, store->QuotaBalanceBytes(ctx.customer_id));
  const int64_t quota_bytes = ctx.render.disk_quota_kb * 1024;
  const int64_t left =
      quota_bytes > 0 ? std::max<int64_t>(0, quota_bytes - pending) : store_balance;
  render->disk_quota_kb = left / 1024;
  if (left == 0 || store_balance == 0) return Status(std::move(errors));
  return Status::Ok();
}

void StartResponse(xml::XmlWriter& w, std::string_view element, const CallContext& ctx) {
  w.Start(element);
  w.Attribute("xmlns", model::CmNamespace(ctx.version));
  w.Start("rval");
}

}  // namespace

Result<model::BatchJob> CancelJob(store::JobStore* store, engine::Scheduler* scheduler,
                                  const std::string& customer_id, int64_t job_id,
                                  const std::string& op_path) {
  Result<model::BatchJob> job = store->RequestCancel(customer_id, job_id);
  if (!job.ok()) {
    const Status& s = job.status();
    if (s.code() == StatusCode::kNotFound) {
      return ApiError::Make("IdError", "NOT_FOUND", op_path + ".operand.id",
                            std::to_string(job_id));
    }
    if (!s.is_api_error()) return s;
    std::vector<ApiError> errors = s.api_errors();
    // The store cannot know the operation's index: the path is ours to set.
    for (ApiError& e : errors) e.field_path = op_path + ".operand.status";
    return Status(std::move(errors));
  }
  // The client has now been shown a pending state (CANCELING): the "ACTIVE at least once" rule
  // must not later turn this job back into ACTIVE.
  (void)store->MarkActiveReported(job_id);
  if (scheduler != nullptr) scheduler->Notify(job_id);
  return job;
}

// The "ACTIVE at least once" rule.
// Client poll loops (e.g. the official Python example, which cancels a job whose FIRST poll
// already says DONE) assume they see a pending status before the final one. The gateway can be
// fast enough to finish a job between the upload and the first poll, so: a job that ended
// (DONE/CANCELED) after running from an upload (upload_total is set) and that no `get` has yet
// shown as ACTIVE is reported ACTIVE once — without downloadUrl, progress as stored — and the
// report is remembered. A genuine ACTIVE report is remembered as well. Jobs canceled while
// AWAITING_FILE (no upload) are reported as they are; so are jobs the client canceled (the
// cancel itself marks the job, see Cancel above).
ReportedStatus ReportStatus(const model::BatchJob& job) {
  ReportedStatus r{job.status, false};
  if (job.active_reported) return r;
  if (job.status == JobStatus::kActive) {
    r.mark_active_reported = true;
  } else if (model::IsTerminal(job.status) && job.upload_total.has_value()) {
    r.status = JobStatus::kActive;
    r.mark_active_reported = true;
  }
  return r;
}

Status BatchJobService::Mutate(const CallContext& ctx, pugi::xml_node request, std::string* out) {
  std::vector<pugi::xml_node> ops = Children(request, "operations");
  if (ops.empty()) return Status(ApiError::Make("NotEmptyError", "EMPTY_LIST", "operations"));
  std::vector<PlannedOp> plan;
  std::vector<ApiError> errors;
  std::set<int64_t> canceled;
  for (size_t i = 0; i < ops.size(); ++i) {
    BG_RETURN_IF_ERROR(CheckOperation(ctx, store_, ops[i], i, &canceled, &plan, &errors));
  }
  if (!errors.empty()) return Status(std::move(errors));
  // ADD quota: the customer's pending upload bytes (jobs not yet finished) against the quota.
  RenderContext render = ctx.render;
  BG_RETURN_IF_ERROR(CheckAddQuota(ctx, store_, plan, &render));

  xml::XmlWriter w(out);
  StartResponse(w, "mutateResponse", ctx);
  w.Leaf("ListReturnValue.Type", "BatchJobReturnValue");
  if (ctx.validate_only) {
    w.EndAll();
    return Status::Ok();
  }
  int adds = 0;
  for (const PlannedOp& op : plan) adds += op.add ? 1 : 0;
  std::vector<model::BatchJob> created;
  if (adds > 0) {
    BG_ASSIGN_OR_RETURN(created, store_->CreateJobs(ctx.customer_id, ctx.version, adds, NowMs()));
    if (created.size() != static_cast<size_t>(adds)) {
      return Internal("CreateJobs returned " + std::to_string(created.size()) + " jobs");
    }
  }
  // ADD: progressStats (zeros) is included although unverified for the real service (reference
  // §9): every field is optional for clients, and zeros spare them a null check.
  JobFields add_fields;
  add_fields.upload_url = true;
  add_fields.disk_usage_quota_balance = true;
  const JobFields set_fields;  // id, status, progressStats
  size_t next_created = 0;
  for (const PlannedOp& op : plan) {
    if (op.add) {
      const model::BatchJob& job = created[next_created++];
      WriteBatchJob(w, "value", job, job.status, add_fields, render);
    } else {
      BG_ASSIGN_OR_RETURN(model::BatchJob job, Cancel(ctx, store_, scheduler_, op));
      WriteBatchJob(w, "value", job, job.status, set_fields, ctx.render);
    }
  }
  w.EndAll();
  return Status::Ok();
}

Status BatchJobService::Get(const CallContext& ctx, pugi::xml_node request, std::string* out,
                            SelectionFacts* facts) {
  pugi::xml_node selector = Child(request, "selector");
  if (!selector) return Status(ApiError::Make("RequiredError", "REQUIRED", "selector"));
  BG_ASSIGN_OR_RETURN(Selector s, ReadSelector(selector));
  return RunSelector(ctx, s, "getResponse", out, facts);
}

Status BatchJobService::Query(const CallContext& ctx, pugi::xml_node request, std::string* out,
                              SelectionFacts* facts) {
  std::string query = ChildText(request, "query").value_or("");
  if (query.empty()) return Status(ApiError::Make("RequiredError", "REQUIRED", "query"));
  BG_ASSIGN_OR_RETURN(Selector s, ParseAwql(query));
  return RunSelector(ctx, s, "queryResponse", out, facts);
}

// The job ids an Id EQUALS/IN predicate limits the selection to (the intersection when there
// are several); nullopt when no predicate does. The selector engine still applies every
// predicate to what is loaded: this only spares loading every job of the customer for the
// usual `get` of one job.
std::optional<std::vector<int64_t>> OnlyIds(const Selector& selector) {
  std::optional<std::vector<int64_t>> ids;
  for (const Predicate& p : selector.predicates) {
    if (p.field != "Id" || (p.op != "EQUALS" && p.op != "IN")) continue;
    std::vector<int64_t> these;
    for (const std::string& v : p.values) {
      if (auto id = model::ParseInt64(v)) these.push_back(*id);
    }
    std::sort(these.begin(), these.end());
    these.erase(std::unique(these.begin(), these.end()), these.end());
    if (ids) {
      std::vector<int64_t> both;
      std::set_intersection(ids->begin(), ids->end(), these.begin(), these.end(),
                            std::back_inserter(both));
      these = std::move(both);
    }
    ids = std::move(these);
  }
  return ids;
}

Status BatchJobService::RunSelector(const CallContext& ctx, const Selector& selector,
                                    std::string_view response_element, std::string* out,
                                    SelectionFacts* facts) {
  BG_ASSIGN_OR_RETURN(JobFields fields, ValidateSelector(selector));
  SelectionFacts local;
  if (facts == nullptr) facts = &local;
  const int64_t now_ms = NowMs();
  std::vector<model::BatchJob> jobs;
  if (std::optional<std::vector<int64_t>> only = OnlyIds(selector)) {
    for (int64_t id : *only) {
      Result<model::BatchJob> job = store_->GetJob(ctx.customer_id, id);
      if (job.ok()) {
        jobs.push_back(std::move(job).value());
      } else if (job.status().code() != StatusCode::kNotFound) {
        return job.status();
      }
    }
  } else {
    BG_ASSIGN_OR_RETURN(jobs, store_->ListJobs(ctx.customer_id));
  }
  std::vector<JobRow> rows;
  std::vector<bool> mark;
  rows.reserve(jobs.size());
  for (model::BatchJob& job : jobs) {
    // The rule only concerns what the client is shown: without Status it does not apply.
    ReportedStatus r = fields.status ? ReportStatus(job) : ReportedStatus{job.status, false};
    mark.push_back(r.mark_active_reported);
    if (job.results_expires_ms > now_ms) {
      facts->valid_until_ms = std::min(facts->valid_until_ms, job.results_expires_ms);
    }
    rows.push_back({std::move(job), r.status});
  }
  SelectedPage page = ApplySelector(selector, rows);

  xml::XmlWriter w(out);
  StartResponse(w, response_element, ctx);
  w.Leaf("totalNumEntries", page.total);
  w.Leaf("Page.Type", "BatchJobPage");
  for (const JobRow* row : page.entries) {
    WriteBatchJob(w, "entries", row->job, row->reported, fields, ctx.render);
    if (mark[static_cast<size_t>(row - rows.data())]) {
      // Best effort: failing to remember only means ACTIVE is reported once more.
      (void)store_->MarkActiveReported(row->job.id);
      facts->changed_state = true;
    }
  }
  w.EndAll();
  return Status::Ok();
}

}  // namespace bg::soap
