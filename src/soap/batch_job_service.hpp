// BatchJobService operations: mutate (ADD creates jobs, SET status=CANCELING cancels), get
// (Selector) and query (AWQL), each writing its response body element (<mutateResponse
// xmlns=…>, <getResponse …>, <queryResponse …>) or returning the ApiErrors of a fault.
//
// mutate is all-or-nothing like the real service: every operation is checked first and any error
// fails the whole request (all errors listed in one fault); only then are jobs created (one
// JobStore::CreateJobs call, in request order) and cancels requested. Error choices (all real
// enum values of the v201702 schema):
//   no operations            -> NotEmptyError.EMPTY_LIST @ operations
//   missing operator         -> RequiredError.REQUIRED @ operations[i].operator
//   REMOVE                   -> OperatorError.OPERATOR_NOT_SUPPORTED @ operations[i].operator
//   SET without operand / id -> RequiredError.REQUIRED @ operations[i].operand(.id)
//   SET status != CANCELING  -> BatchJobError.INVALID_STATE_CHANGE @ operations[i].operand.status
//   SET on a job that is not AWAITING_FILE/ACTIVE (or twice in one request) -> the same
//   unknown or other customer's job -> IdError.NOT_FOUND @ operations[i].operand.id (identical)
// ADD ignores whatever (read-only) fields the operand carries, and accepts a missing operand.
// validateOnly=true checks everything and returns an empty rval without changing anything.
//
// Holds non-owning pointers; thread-safe as long as JobStore and Scheduler are.
#pragma once

#include <cstdint>
#include <pugixml.hpp>
#include <string>

#include "common/signed_url.hpp"
#include "common/status.hpp"
#include "engine/scheduler.hpp"
#include "soap/response.hpp"
#include "soap/selector.hpp"
#include "store/job_store.hpp"

namespace bg::soap {

// Who is calling and how to render URLs.
struct CallContext {
  std::string version;      // of the endpoint
  std::string customer_id;  // digits only
  bool validate_only = false;
  RenderContext render;
};

// The "ACTIVE at least once" rule (see the .cpp): the status `get` reports for `job`, and
// whether that report must be remembered with JobStore::MarkActiveReported.
struct ReportedStatus {
  model::JobStatus status = model::JobStatus::kUnknown;
  bool mark_active_reported = false;
};
ReportedStatus ReportStatus(const model::BatchJob& job);

// The cancel of mutate SET status=CANCELING of job `job_id` of `customer_id`, as the operation
// at `op_path` ("operations[i]"): the store's state change AWAITING_FILE/ACTIVE -> CANCELING
// (committed before it returns), the "ACTIVE at least once" mark and the scheduler's
// notification. Errors: IdError.NOT_FOUND @ op_path.operand.id (a missing job and another
// customer's job alike), BatchJobError.INVALID_STATE_CHANGE @ op_path.operand.status (any other
// state). Also the dashboard's cancel (ui/), so that both follow the same rules.
Result<model::BatchJob> CancelJob(store::JobStore* store, engine::Scheduler* scheduler,
                                  const std::string& customer_id, int64_t job_id,
                                  const std::string& op_path);

// What get/query say about the response element they wrote (for soap/response_memo).
struct SelectionFacts {
  // A job's state was changed to answer (the "ACTIVE at least once" mark): the same request
  // will be answered differently.
  bool changed_state = false;
  // The rendering changes by itself at this time: a job's downloadUrl is left out from the end
  // of its results' retention on. INT64_MAX: never.
  int64_t valid_until_ms = INT64_MAX;
};

class BatchJobService {
 public:
  BatchJobService(store::JobStore* store, engine::Scheduler* scheduler)
      : store_(store), scheduler_(scheduler) {}

  // `request` is the <mutate>/<get>/<query> element; the response element is appended to *out.
  // get and query describe what they wrote in *facts when it is not null.
  Status Mutate(const CallContext& ctx, pugi::xml_node request, std::string* out);
  Status Get(const CallContext& ctx, pugi::xml_node request, std::string* out,
             SelectionFacts* facts = nullptr);
  Status Query(const CallContext& ctx, pugi::xml_node request, std::string* out,
               SelectionFacts* facts = nullptr);

 private:
  // get and query share this: validate, list the customer's jobs, select, render.
  Status RunSelector(const CallContext& ctx, const Selector& selector,
                     std::string_view response_element, std::string* out, SelectionFacts* facts);

  store::JobStore* store_;
  engine::Scheduler* scheduler_;
};

}  // namespace bg::soap
