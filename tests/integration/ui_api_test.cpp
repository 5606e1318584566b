// The dashboard's JSON API (/ui/api/, docs/dashboard.md) on a real server with real jobs created
// over SOAP and uploaded as a client library does: the list with its filters and paging, a job's
// timeline and download link, its results (all or failures only, paged), the cancel (the SOAP
// mutate's SET CANCELING, same rules and errors), the SOAP credentials, and customer isolation.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <string>

#include "integration/adwords_client.hpp"
#include "integration/test_server.hpp"

namespace bg::testing {
namespace {

namespace json = boost::json;

const Credentials kAlice{"111-222-3333", "dev-token", "alice-token"};
const Credentials kBob{"444-555-6666", "dev-token", "bob-token"};

struct ApiResponse {
  int status = 0;
  json::value body;
  std::string text;
  HttpResponse http;
};

// GET/POST base + /ui/api/<path> with the credentials as the page sends them.
ApiResponse Api(const std::string& base, const std::string& method, const std::string& path,
                const HeaderList& headers) {
  ApiResponse r;
  r.http = Fetch(method, base + "/ui/api/" + path, headers);
  r.status = r.http.status;
  r.text = r.http.body;
  boost::system::error_code ec;
  r.body = json::parse(r.text, ec);
  if (ec) r.body = json::value();
  return r;
}

HeaderList AuthHeaders(const Credentials& c) {
  return {{"Authorization", "Bearer " + c.bearer}, {"developer-token", c.developer_token}};
}

ApiResponse Api(const std::string& base, const std::string& path, const Credentials& c,
                const std::string& method = "GET") {
  return Api(base, method, path, AuthHeaders(c));
}

// A v201702 budgets upload whose operations at `bad` positions have an amount that is not a
// whole number of cents (BudgetError.NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT).
std::string BudgetsWithFailures(int n, const std::vector<int>& bad, const std::string& tag) {
  std::string doc = BudgetJobDocument(n, tag);
  for (int i : bad) {
    const std::string name = "<name>" + tag + " budget " + std::to_string(i) + "</name>";
    size_t at = doc.find(name);
    at = doc.find("<microAmount>1000000<", at);
    doc.replace(at, std::string("<microAmount>1000000<").size(), "<microAmount>1000001<");
  }
  return doc;
}

class UiApiTest : public ServerTest {
 protected:
  // A job of `c` run to its end from `doc`.
  JobView RunJob(const Credentials& c, const std::string& doc) {
    AdWordsClient client(base(), c);
    JobView job = client.Create();
    EXPECT_TRUE(job.fault.empty()) << job.fault;
    EXPECT_EQ(Upload(job.upload_url, DialectRequests(Dialect::kPython, doc)), "");
    JobView end = client.WaitTerminal(job.id, std::chrono::seconds(60));
    EXPECT_EQ(end.status, "DONE") << end.fault;
    return end;
  }
  std::string Jobs(const std::string& query) { return "jobs?" + query; }
  std::string Job(int64_t id, const std::string& suffix, const Credentials& c) {
    return "jobs/" + std::to_string(id) + suffix + "?customer=" + c.customer_id;
  }
};

std::vector<int64_t> Ids(const json::value& list) {
  std::vector<int64_t> ids;
  for (const json::value& j : list.at("jobs").as_array()) ids.push_back(j.at("id").as_int64());
  return ids;
}

TEST_F(UiApiTest, ListsTheCustomersJobsNewestFirstWithFiltersAndPaging) {
  JobView done = RunJob(kAlice, BudgetsWithFailures(5, {1, 3}, "list"));
  AdWordsClient alice(base(), kAlice), bob(base(), kBob);
  JobView waiting = alice.Create();
  JobView bobs = bob.Create();
  ASSERT_TRUE(waiting.fault.empty() && bobs.fault.empty());

  ApiResponse all = Api(base(), Jobs("customer=111-222-3333"), kAlice);
  ASSERT_EQ(all.status, 200) << all.text;
  EXPECT_EQ(all.http.Header("Cache-Control"), "no-store");
  EXPECT_EQ(all.body.at("total").as_int64(), 2);
  EXPECT_EQ(Ids(all.body), (std::vector<int64_t>{waiting.id, done.id}));
  EXPECT_EQ(all.body.at("customers").as_array().at(0).as_string(), "1112223333");
  EXPECT_EQ(all.body.at("statusCounts").at("DONE").as_int64(), 1);
  EXPECT_EQ(all.body.at("statusCounts").at("AWAITING_FILE").as_int64(), 1);

  const json::value& job = all.body.at("jobs").as_array().at(1);
  EXPECT_EQ(job.at("status").as_string(), "DONE");
  EXPECT_EQ(job.at("version").as_string(), "v201702");
  EXPECT_EQ(job.at("customerId").as_string(), "1112223333");
  EXPECT_EQ(job.at("progressStats").at("numOperationsExecuted").as_int64(), 5);
  EXPECT_EQ(job.at("progressStats").at("numOperationsSucceeded").as_int64(), 3);
  EXPECT_EQ(job.at("progressStats").at("estimatedPercentExecuted").as_int64(), 100);
  EXPECT_EQ(job.at("numOperationsFailed").as_int64(), 2);
  EXPECT_GT(job.at("uploadTotalBytes").as_int64(), 0);
  EXPECT_GE(job.at("finishedMs").as_int64(), job.at("createdMs").as_int64());
  EXPECT_FALSE(job.at("cancelable").as_bool());
  EXPECT_TRUE(all.body.at("jobs").as_array().at(0).at("finishedMs").is_null());

  ApiResponse filtered = Api(base(), Jobs("customer=111-222-3333&status=DONE,CANCELED"), kAlice);
  ASSERT_EQ(filtered.status, 200);
  EXPECT_EQ(Ids(filtered.body), std::vector<int64_t>{done.id});
  EXPECT_EQ(filtered.body.at("total").as_int64(), 1);
  EXPECT_EQ(filtered.body.at("statusCounts").at("AWAITING_FILE").as_int64(), 1);

  ApiResponse second = Api(base(), Jobs("customer=1112223333&limit=1&offset=1"), kAlice);
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(Ids(second.body), std::vector<int64_t>{done.id});
  EXPECT_EQ(second.body.at("total").as_int64(), 2);

  // Several customers at once (each one checked), and never another customer's job.
  ApiResponse both = Api(base(), Jobs("customer=111-222-3333,444-555-6666"), kAlice);
  ASSERT_EQ(both.status, 200);
  EXPECT_EQ(Ids(both.body), (std::vector<int64_t>{bobs.id, waiting.id, done.id}));
  ApiResponse bob_only = Api(base(), Jobs("customer=444-555-6666"), kBob);
  EXPECT_EQ(Ids(bob_only.body), std::vector<int64_t>{bobs.id});

  for (const char* bad : {"status=FINISHED", "limit=501", "offset=-1", "limit=x"}) {
    ApiResponse r = Api(base(), Jobs(std::string("customer=1112223333&") + bad), kAlice);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.text;
    EXPECT_FALSE(r.body.at("error").at("message").as_string().empty());
  }
}

TEST_F(UiApiTest, RefusesWhatSoapRefusesWithTheSameErrors) {
  struct Case {
    HeaderList headers;
    std::string customer;
    int status;
    std::string type, reason;
  } cases[] = {
      {{{"developer-token", "d"}},
       "1112223333",
       401,
       "AuthenticationError",
       "OAUTH_TOKEN_HEADER_INVALID"},
      {{{"Authorization", "Basic abc"}, {"developer-token", "d"}},
       "1112223333",
       401,
       "AuthenticationError",
       "OAUTH_TOKEN_HEADER_INVALID"},
      {{{"Authorization", "Bearer t"}},
       "1112223333",
       401,
       "QuotaCheckError",
       "INVALID_TOKEN_HEADER"},
      {AuthHeaders(kAlice), "", 400, "AuthenticationError", "CLIENT_CUSTOMER_ID_IS_REQUIRED"},
      {AuthHeaders(kAlice), "111-abc", 400, "AuthenticationError", "CLIENT_CUSTOMER_ID_INVALID"},
      // One bad customer fails the whole request.
      {AuthHeaders(kAlice), "1112223333,x", 400, "AuthenticationError",
       "CLIENT_CUSTOMER_ID_INVALID"},
  };
  for (const Case& c : cases) {
    for (const std::string path : {"jobs", "jobs/1000000001", "jobs/1000000001/results"}) {
      ApiResponse r = Api(base(), "GET", path + "?customer=" + c.customer, c.headers);
      ASSERT_EQ(r.status, c.status) << path << " " << c.customer << ": " << r.text;
      const json::value& e = r.body.at("error").at("errors").as_array().at(0);
      EXPECT_EQ(e.at("type").as_string(), c.type);
      EXPECT_EQ(e.at("reason").as_string(), c.reason);
      if (c.status == 401) EXPECT_EQ(r.http.Header("WWW-Authenticate"), "Bearer");
    }
    ApiResponse cancel =
        Api(base(), "POST", "jobs/1000000001/cancel?customer=" + c.customer, c.headers);
    EXPECT_EQ(cancel.status, c.status) << cancel.text;
  }
  EXPECT_EQ(Api(base(), "jobs?customer=1112223333", kAlice, "DELETE").status, 405);
  EXPECT_EQ(Api(base(), "jobs/1000000001/cancel?customer=1112223333", kAlice).status, 405);
  EXPECT_EQ(Api(base(), "nothing?customer=1112223333", kAlice).status, 404);
}

TEST_F(UiApiTest, AJobShowsItsTimelineAndTheDownloadOfItsResults) {
  JobView done = RunJob(kAlice, BudgetsWithFailures(3, {}, "timeline"));
  ApiResponse r = Api(base(), Job(done.id, "", kAlice), kAlice);
  ASSERT_EQ(r.status, 200) << r.text;
  std::vector<std::string> states;
  int64_t last_ms = 0;
  for (const json::value& step : r.body.at("timeline").as_array()) {
    states.push_back(std::string(step.at("state").as_string()));
    EXPECT_TRUE(step.at("reached").as_bool());
    const int64_t at = step.at("atMs").as_int64();  // every time recorded for a new job
    EXPECT_GE(at, last_ms) << states.back();
    last_ms = at;
  }
  EXPECT_EQ(states, (std::vector<std::string>{"CREATED", "UPLOADING", "ACTIVE", "DONE"}));
  EXPECT_EQ(r.body.at("finishedMs").as_int64(), last_ms);
  EXPECT_TRUE(r.body.at("processingErrors").as_array().empty());

  // The signed downloadUrl of SOAP's get, as a path on this server: the same bytes.
  const std::string path(r.body.at("downloadUrl").as_string());
  ASSERT_TRUE(path.starts_with("/batchjob/results/1112223333/")) << path;
  HttpResponse from_ui = Fetch("GET", base() + path);
  HttpResponse from_soap = Fetch("GET", done.download_url);
  ASSERT_EQ(from_ui.status, 200);
  EXPECT_EQ(from_ui.body, from_soap.body);

  // A job waiting for its upload: the later steps are pending, no download yet.
  JobView waiting = AdWordsClient(base(), kAlice).Create();
  ApiResponse w = Api(base(), Job(waiting.id, "", kAlice), kAlice);
  ASSERT_EQ(w.status, 200);
  EXPECT_TRUE(w.body.at("downloadUrl").is_null());
  EXPECT_TRUE(w.body.at("cancelable").as_bool());
  EXPECT_GT(w.body.at("uploadExpiresMs").as_int64(), 0);
  const json::array& steps = w.body.at("timeline").as_array();
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_TRUE(steps[0].at("reached").as_bool());
  EXPECT_FALSE(steps[1].at("reached").as_bool());
  EXPECT_TRUE(steps[1].at("atMs").is_null());
  EXPECT_FALSE(steps[3].at("reached").as_bool());
}

TEST_F(UiApiTest, AnotherCustomersJobAnswersExactlyLikeAMissingOne) {
  JobView alices = RunJob(kAlice, BudgetsWithFailures(2, {0}, "mine"));
  const int64_t missing = alices.id + 1000;
  for (const std::string suffix : {"", "/results"}) {
    ApiResponse theirs = Api(base(), Job(alices.id, suffix, kBob), kBob);
    ApiResponse none = Api(base(), Job(missing, suffix, kBob), kBob);
    ASSERT_EQ(theirs.status, 404) << theirs.text;
    ASSERT_EQ(none.status, 404);
    const json::value& e = theirs.body.at("error").at("errors").as_array().at(0);
    EXPECT_EQ(e.at("type").as_string(), "IdError");
    EXPECT_EQ(e.at("reason").as_string(), "NOT_FOUND");
    std::string other = none.text;
    other.replace(other.find(std::to_string(missing)), 10, std::to_string(alices.id));
    EXPECT_EQ(theirs.text, other);  // the same body but for the id
  }
  ApiResponse cancel = Api(base(), Job(alices.id, "/cancel", kBob), kBob, "POST");
  EXPECT_EQ(cancel.status, 404);
  // Bob cannot list Alice's jobs by naming his own customer, and his cancel changed nothing.
  EXPECT_TRUE(Ids(Api(base(), Jobs("customer=444-555-6666"), kBob).body).empty());
  ApiResponse still = Api(base(), Job(alices.id, "", kAlice), kAlice);
  EXPECT_EQ(still.body.at("status").as_string(), "DONE");
}

TEST_F(UiApiTest, ResultsArePagedAndFilterableToFailures) {
  const std::vector<int> bad = {2, 5, 6, 11};
  JobView done = RunJob(kAlice, BudgetsWithFailures(12, bad, "results"));
  ApiResponse all = Api(base(), Job(done.id, "/results", kAlice) + "&limit=5&offset=5", kAlice);
  ASSERT_EQ(all.status, 200) << all.text;
  EXPECT_EQ(all.body.at("state").as_string(), "READY");
  EXPECT_EQ(all.body.at("total").as_int64(), 12);
  EXPECT_EQ(all.body.at("numRows").as_int64(), 12);
  EXPECT_EQ(all.body.at("numFailures").as_int64(), 4);
  EXPECT_TRUE(all.body.at("operationsFromUpload").as_bool());
  const json::array& rows = all.body.at("rows").as_array();
  ASSERT_EQ(rows.size(), 5u);
  for (size_t i = 0; i < rows.size(); ++i) {
    const int64_t index = 5 + static_cast<int64_t>(i);
    const json::value& row = rows[i];
    EXPECT_EQ(row.at("index").as_int64(), index);
    EXPECT_EQ(row.at("operationType").as_string(), "BudgetOperation");
    EXPECT_EQ(row.at("operator").as_string(), "ADD");
    const bool failed = std::find(bad.begin(), bad.end(), index) != bad.end();
    EXPECT_EQ(row.at("outcome").as_string(), failed ? "FAILED" : "SUCCEEDED") << index;
    EXPECT_EQ(row.at("resultType").as_string(), failed ? "" : "Budget");
  }

  ApiResponse failures = Api(base(), Job(done.id, "/results", kAlice) + "&failures=1", kAlice);
  ASSERT_EQ(failures.status, 200);
  EXPECT_EQ(failures.body.at("total").as_int64(), 4);
  std::vector<int64_t> indexes;
  for (const json::value& row : failures.body.at("rows").as_array()) {
    indexes.push_back(row.at("index").as_int64());
    const json::value& e = row.at("errors").as_array().at(0);
    EXPECT_EQ(e.at("type").as_string(), "BudgetError");
    EXPECT_EQ(e.at("reason").as_string(), "NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT");
    EXPECT_EQ(e.at("fieldPath").as_string(),
              "operations[" + std::to_string(indexes.back()) + "].operand.amount");
  }
  EXPECT_EQ(indexes, (std::vector<int64_t>{2, 5, 6, 11}));
  ApiResponse page2 =
      Api(base(), Job(done.id, "/results", kAlice) + "&failures=true&offset=3&limit=2", kAlice);
  ASSERT_EQ(page2.body.at("rows").as_array().size(), 1u);
  EXPECT_EQ(page2.body.at("rows").as_array()[0].at("index").as_int64(), 11);

  // A job still waiting for its upload has no results yet.
  JobView waiting = AdWordsClient(base(), kAlice).Create();
  ApiResponse pending = Api(base(), Job(waiting.id, "/results", kAlice), kAlice);
  ASSERT_EQ(pending.status, 200);
  EXPECT_EQ(pending.body.at("state").as_string(), "NOT_FINISHED");
}

class UiApiCancelTest : public UiApiTest {
 protected:
  void SetUp() override {
    // 3 ms per operation: 2000 operations run for 6 s, long enough to cancel mid-way.
    ServerProcessOptions o;
    o.data_dir = dir_.Join("data");
    o.env = {{"BATCHGATE_FAULTS_LATENCY_US", "3000"}, {"BATCHGATE_EXECUTOR_MAX_BATCH_MS", "50"}};
    server_ = std::make_unique<ServerProcess>(o);
    ASSERT_TRUE(server_->Start());
  }
};

TEST_F(UiApiCancelTest, CancelIsSoapsSetCancelingWithTheSameRulesAndErrors) {
  AdWordsClient soap(base(), kAlice);
  JobView job = soap.Create();
  ASSERT_EQ(Upload(job.upload_url, DialectRequests(Dialect::kPython, BudgetJobDocument(2000, "c"))),
            "");
  ASSERT_TRUE(PollUntil(std::chrono::seconds(60), [&] {
    ApiResponse r = Api(base(), Job(job.id, "", kAlice), kAlice);
    return r.status == 200 && r.body.at("progressStats").at("numOperationsExecuted").as_int64() > 0;
  }));
  ApiResponse canceled = Api(base(), Job(job.id, "/cancel", kAlice), kAlice, "POST");
  ASSERT_EQ(canceled.status, 200) << canceled.text;
  EXPECT_EQ(canceled.body.at("status").as_string(), "CANCELING");
  EXPECT_FALSE(canceled.body.at("cancelable").as_bool());

  // SOAP sees the cancel, and the job ends CANCELED before all its operations ran.
  JobView end = soap.WaitTerminal(job.id, std::chrono::seconds(60));
  ASSERT_EQ(end.status, "CANCELED") << end.fault;
  EXPECT_LT(end.executed, 2000);
  ApiResponse after = Api(base(), Job(job.id, "", kAlice), kAlice);
  std::vector<std::string> states;
  for (const json::value& s : after.body.at("timeline").as_array()) {
    states.push_back(std::string(s.at("state").as_string()));
    EXPECT_TRUE(s.at("atMs").is_int64()) << states.back();
  }
  EXPECT_EQ(states,
            (std::vector<std::string>{"CREATED", "UPLOADING", "ACTIVE", "CANCELING", "CANCELED"}));

  // Canceling again: the state change SOAP refuses, with SOAP's error and field path.
  ApiResponse again = Api(base(), Job(job.id, "/cancel", kAlice), kAlice, "POST");
  ASSERT_EQ(again.status, 409) << again.text;
  const json::value& e = again.body.at("error").at("errors").as_array().at(0);
  EXPECT_EQ(e.at("type").as_string(), "BatchJobError");
  EXPECT_EQ(e.at("reason").as_string(), "INVALID_STATE_CHANGE");
  EXPECT_EQ(e.at("fieldPath").as_string(), "operations[0].operand.status");
  JobView soap_again = soap.Cancel(job.id);
  EXPECT_NE(soap_again.fault.find("INVALID_STATE_CHANGE"), std::string::npos) << soap_again.fault;

  // A job still waiting for its file is canceled as well, and then ends CANCELED.
  JobView waiting = soap.Create();
  ApiResponse w = Api(base(), Job(waiting.id, "/cancel", kAlice), kAlice, "POST");
  ASSERT_EQ(w.status, 200) << w.text;
  EXPECT_EQ(soap.WaitTerminal(waiting.id, std::chrono::seconds(60)).status, "CANCELED");
}

TEST_F(UiApiTest, ServesThePageAndItsFilesFromTheBinary) {
  HttpResponse root = Fetch("GET", base() + "/ui");
  EXPECT_EQ(root.status, 308);
  EXPECT_EQ(root.Header("Location"), "/ui/");
  HttpResponse page = Fetch("GET", base() + "/ui/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<script src=\"app.js\""), std::string::npos);
  EXPECT_NE(page.Header("Content-Security-Policy").find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(page.Header("X-Frame-Options"), "DENY");
  EXPECT_EQ(page.Header("Referrer-Policy"), "no-referrer");
  for (const char* file : {"app.js", "app.css", "favicon.svg"}) {
    HttpResponse f = Fetch("GET", base() + "/ui/" + file);
    ASSERT_EQ(f.status, 200) << file;
    EXPECT_FALSE(f.body.empty());
    HttpResponse again =
        Fetch("GET", base() + "/ui/" + file, {{"If-None-Match", f.Header("ETag")}});
    EXPECT_EQ(again.status, 304) << file;
  }
  EXPECT_EQ(Fetch("GET", base() + "/ui/missing.js").status, 404);
  EXPECT_EQ(Fetch("POST", base() + "/ui/app.js").status, 405);
}

}  // namespace
}  // namespace bg::testing
