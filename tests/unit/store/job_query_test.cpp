// JobStore::QueryJobs: the dashboard's page of several customers' jobs, with a status filter and
// counts per status; another customer's jobs never appear.
#include <gtest/gtest.h>

#include <string>

#include "store/job_store.hpp"
#include "support/temp_dir.hpp"

namespace bg::store {
namespace {

using model::JobStatus;

class JobQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions o;
    o.data_dir = dir_.Join("data");
    auto s = JobStore::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  std::vector<model::BatchJob> Create(const std::string& customer, int n) {
    auto jobs = store_->CreateJobs(customer, "v201702", n, 1700000000000);
    EXPECT_TRUE(jobs.ok()) << jobs.status().ToString();
    return jobs.ok() ? *jobs : std::vector<model::BatchJob>();
  }
  JobPage Query(JobQuery q) {
    Result<JobPage> page = store_->QueryJobs(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? *page : JobPage();
  }
  int64_t Count(const JobPage& page, JobStatus s) {
    for (const auto& [status, n] : page.status_counts) {
      if (status == s) return n;
    }
    return 0;
  }

  testing::TempDir dir_{"job_query_test_"};
  std::unique_ptr<JobStore> store_;  // destroyed before dir_
};

TEST_F(JobQueryTest, PagesNewestFirstOverSeveralCustomers) {
  std::vector<model::BatchJob> a = Create("111-111-1111", 3);
  std::vector<model::BatchJob> b = Create("2222222222", 2);
  std::vector<model::BatchJob> other = Create("3333333333", 4);
  JobQuery q;
  q.customer_ids = {"111-111-1111", "2222222222", "2222222222"};  // duplicates are ignored
  q.limit = 2;
  JobPage page = Query(q);
  EXPECT_EQ(page.total, 5);
  ASSERT_EQ(page.jobs.size(), 2u);
  EXPECT_EQ(page.jobs[0].id, b[1].id);
  EXPECT_EQ(page.jobs[1].id, b[0].id);
  q.offset = 4;
  page = Query(q);
  ASSERT_EQ(page.jobs.size(), 1u);
  EXPECT_EQ(page.jobs[0].id, a[0].id);
  EXPECT_EQ(page.jobs[0].customer_id, "1111111111");
  q.offset = 0;
  q.limit = 50;
  for (const model::BatchJob& j : Query(q).jobs) EXPECT_NE(j.customer_id, "3333333333");
}

TEST_F(JobQueryTest, FiltersByStatusAndCountsEveryStatus) {
  std::vector<model::BatchJob> a = Create("1111111111", 4);
  ASSERT_TRUE(store_->CommitUpload(a[1].id, 5, 5).ok());  // ACTIVE
  ASSERT_TRUE(store_->CommitUpload(a[2].id, 5, 5).ok());
  ASSERT_TRUE(store_->RequestCancel("1111111111", a[3].id).ok());  // CANCELING
  Create("9999999999", 2);  // another customer's AWAITING_FILE jobs are not counted
  JobQuery q;
  q.customer_ids = {"1111111111"};
  q.statuses = {JobStatus::kActive, JobStatus::kCanceling};
  JobPage page = Query(q);
  EXPECT_EQ(page.total, 3);
  ASSERT_EQ(page.jobs.size(), 3u);
  EXPECT_EQ(page.jobs[0].id, a[3].id);
  EXPECT_EQ(Count(page, JobStatus::kAwaitingFile), 1);
  EXPECT_EQ(Count(page, JobStatus::kActive), 2);
  EXPECT_EQ(Count(page, JobStatus::kCanceling), 1);
  EXPECT_EQ(Count(page, JobStatus::kDone), 0);
}

TEST_F(JobQueryTest, NoValidCustomerGivesAnEmptyPage) {
  Create("1111111111", 1);
  JobQuery q;
  q.customer_ids = {"", "not-a-customer"};
  JobPage page = Query(q);
  EXPECT_EQ(page.total, 0);
  EXPECT_TRUE(page.jobs.empty());
  EXPECT_TRUE(page.status_counts.empty());
}

}  // namespace
}  // namespace bg::store
