// JobStore::QueryJobs: one page of several customers' jobs with a status filter, and the job
// count per status (the dashboard's list, ui/). Served by the jobs_by_customer index.
#include <algorithm>

#include "store/job_rows.hpp"
#include "store/job_store.hpp"

namespace bg::store {
namespace {

// "?, ?, ?" for n > 0 values.
std::string Placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s.append(i == 0 ? "?" : ", ?");
  return s;
}

}  // namespace

Result<JobPage> JobStore::QueryJobs(const JobQuery& query) {
  std::vector<std::string> customers;
  for (const std::string& c : query.customer_ids) {
    std::string id = internal::NormalizeCustomerId(c);
    if (!id.empty() && std::find(customers.begin(), customers.end(), id) == customers.end()) {
      customers.push_back(std::move(id));
    }
  }
  JobPage page;
  if (customers.empty()) return page;
  const std::string by_customer = "customer_id IN (" + Placeholders(customers.size()) + ")";
  std::string where = "WHERE " + by_customer;
  if (!query.statuses.empty())
    where += " AND status IN (" + Placeholders(query.statuses.size()) + ")";
  auto bind_filter = [&](sqlite::Stmt& st, bool with_statuses) {
    int i = 1;
    for (const std::string& c : customers) st.Bind(i++, c);
    if (with_statuses) {
      for (model::JobStatus s : query.statuses) st.Bind(i++, model::JobStatusName(s));
    }
    return i;
  };

  std::lock_guard<std::mutex> lock(db_->mutex());
  BG_ASSIGN_OR_RETURN(sqlite::Stmt counts, db_->Prepare("SELECT status, COUNT(*) FROM jobs WHERE " +
                                                        by_customer + " GROUP BY status"));
  bind_filter(counts, false);
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, counts.Step());
    if (!row) break;
    std::optional<model::JobStatus> s = model::ParseJobStatus(counts.Text(0));
    const int64_t n = counts.Int(1);
    if (!s) continue;
    page.status_counts.emplace_back(*s, n);
    if (query.statuses.empty() ||
        std::find(query.statuses.begin(), query.statuses.end(), *s) != query.statuses.end()) {
      page.total += n;
    }
  }

  std::string sql(internal::SelectJobsSql());
  sql += where + " ORDER BY id DESC LIMIT ? OFFSET ?";
  BG_ASSIGN_OR_RETURN(sqlite::Stmt st, db_->Prepare(sql));
  const int next = bind_filter(st, true);
  st.Bind(next, std::max<int64_t>(0, query.limit))
      .Bind(next + 1, std::max<int64_t>(0, query.offset));
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    page.jobs.push_back(internal::RowToJob(st));
  }
  return page;
}

}  // namespace bg::store
