// DashboardApi: the JSON API of the dashboard under /ui/api/ (docs/dashboard.md):
//   GET  /ui/api/jobs?customer=A[,B...][&status=S[,S...]][&offset=N][&limit=N]
//   GET  /ui/api/jobs/{id}?customer=A[,B...]
//   GET  /ui/api/jobs/{id}/results?customer=A[&failures=1][&offset=N][&limit=N]
//   POST /ui/api/jobs/{id}/cancel?customer=A
// Every request is authorized by AuthorizeCustomers (access.hpp: the SOAP credentials and check);
// a job is answered only when it belongs to one of the customers authorized, and another
// customer's job answers exactly like a missing one (IdError.NOT_FOUND). The cancel is the SOAP
// mutate's SET CANCELING (soap::CancelJob): the same rules, the same errors.
//
// Holds non-owning pointers; thread-safe as long as they are.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "common/signed_url.hpp"
#include "engine/scheduler.hpp"
#include "http/message.hpp"
#include "soap/auth.hpp"
#include "store/job_store.hpp"
#include "ui/results_indexer.hpp"

namespace bg::ui {

inline constexpr int64_t kDefaultPageSize = 50;
inline constexpr int64_t kMaxPageSize = 500;

class DashboardApi {
 public:
  using Log = std::function<void(const std::string&)>;
  DashboardApi(const soap::AccessPolicy* access, store::JobStore* store,
               engine::Scheduler* scheduler, const UrlSigner* signer, ResultsIndexer* indexer,
               std::chrono::milliseconds index_wait, Log log)
      : access_(access),
        store_(store),
        scheduler_(scheduler),
        signer_(signer),
        indexer_(indexer),
        index_wait_(index_wait),
        log_(std::move(log)) {}

  // A request whose path starts with /ui/api/.
  http::Response Handle(const http::RequestHead& head);

 private:
  http::Response ListJobs(const http::RequestHead& head);
  http::Response GetJob(const http::RequestHead& head, int64_t job_id);
  http::Response GetResults(const http::RequestHead& head, int64_t job_id);
  http::Response Cancel(const http::RequestHead& head, int64_t job_id);
  // The error response for `s` (json_views.hpp); an internal failure is logged first, as its
  // details never reach the client.
  http::Response Fail(const Status& s) const;
  // 200 with the job's detail view.
  http::Response JobDetail(const model::BatchJob& job) const;
  // The job when it belongs to one of the request's authorized customers.
  Result<model::BatchJob> FindJob(const http::RequestHead& head, int64_t job_id);

  const soap::AccessPolicy* access_;  // the server's [auth] policy (never null)
  store::JobStore* store_;
  engine::Scheduler* scheduler_;
  const UrlSigner* signer_;
  ResultsIndexer* indexer_;
  std::chrono::milliseconds index_wait_;
  Log log_;
};

}  // namespace bg::ui
