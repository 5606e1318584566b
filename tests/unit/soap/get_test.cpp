// get and query: selector fields, predicates, ordering, paging, customer isolation, the
// "ACTIVE at least once" rule and the selector errors.
#include "common/clock.hpp"
#include "soap_test_util.hpp"

namespace bg::soap::testing {
namespace {

std::string Fields(std::initializer_list<const char*> names) {
  std::string s;
  for (const char* n : names) s += std::string("<fields>") + n + "</fields>";
  return s;
}

std::string IdPredicate(const std::string& op, const std::vector<int64_t>& ids) {
  std::string s = "<predicates><field>Id</field><operator>" + op + "</operator>";
  for (int64_t id : ids) s += "<values>" + std::to_string(id) + "</values>";
  return s + "</predicates>";
}

std::vector<int64_t> EntryIds(const Reply& r, const char* response = "getResponse") {
  std::vector<int64_t> ids;
  for (pugi::xml_node e : r.body.child(response).child("rval").children("entries")) {
    ids.push_back(e.child("id").text().as_llong());
  }
  return ids;
}

int64_t Total(const Reply& r, const char* response = "getResponse") {
  return r.body.child(response).child("rval").child("totalNumEntries").text().as_llong();
}

TEST_F(SoapServiceTest, GetReturnsOnlySelectedFieldsInPageShape) {
  std::vector<int64_t> ids = AddJobs(2);
  auto reply = Call(GetBody(Fields({"Status", "Id"}) + IdPredicate("EQUALS", {ids[1]})));
  ASSERT_EQ(reply->response.status, 200) << reply->response.body;
  EXPECT_STREQ(reply->header.child_value("methodName"), "get");
  pugi::xml_node resp = reply->body.child("getResponse");
  EXPECT_STREQ(resp.attribute("xmlns").value(), kNs);
  pugi::xml_node rval = resp.child("rval");
  EXPECT_EQ(ChildNames(rval),
            (std::vector<std::string>{"totalNumEntries", "Page.Type", "entries"}));
  EXPECT_STREQ(rval.child_value("Page.Type"), "BatchJobPage");
  EXPECT_EQ(Total(*reply), 1);
  EXPECT_EQ(ChildNames(rval.child("entries")), (std::vector<std::string>{"id", "status"}));
  EXPECT_EQ(rval.child("entries").child("id").text().as_llong(), ids[1]);
  EXPECT_STREQ(rval.child("entries").child_value("status"), "AWAITING_FILE");

  auto only_stats = Call(GetBody(Fields({"ProgressStats"})));
  pugi::xml_node e = only_stats->body.child("getResponse").child("rval").child("entries");
  EXPECT_EQ(ChildNames(e), (std::vector<std::string>{"progressStats"}));
  EXPECT_EQ(ChildNames(e.child("progressStats")),
            (std::vector<std::string>{"numOperationsExecuted", "numOperationsSucceeded",
                                      "estimatedPercentExecuted", "numResultsWritten"}));
}

TEST_F(SoapServiceTest, PredicatesOrderingAndPaging) {
  std::vector<int64_t> ids = AddJobs(5);
  ASSERT_EQ(ids.size(), 5u);
  auto in = Call(GetBody(Fields({"Id"}) + IdPredicate("IN", {ids[0], ids[2], ids[4]})));
  EXPECT_EQ(EntryIds(*in), (std::vector<int64_t>{ids[0], ids[2], ids[4]}));
  auto not_in = Call(GetBody(Fields({"Id"}) + IdPredicate("NOT_IN", {ids[0], ids[1]})));
  EXPECT_EQ(EntryIds(*not_in), (std::vector<int64_t>{ids[2], ids[3], ids[4]}));
  auto ne = Call(GetBody(Fields({"Id"}) + IdPredicate("NOT_EQUALS", {ids[3]})));
  EXPECT_EQ(Total(*ne), 4);

  auto paged =
      Call(GetBody(Fields({"Id"}) + "<ordering><field>Id</field><sortOrder>DESCENDING</sortOrder>"
                                    "</ordering><paging><startIndex>1</startIndex>"
                                    "<numberResults>2</numberResults></paging>"));
  ASSERT_EQ(paged->response.status, 200) << paged->response.body;
  EXPECT_EQ(Total(*paged), 5);
  EXPECT_EQ(EntryIds(*paged), (std::vector<int64_t>{ids[3], ids[2]}));

  auto past_end = Call(GetBody(Fields({"Id"}) + "<paging><startIndex>10</startIndex>"
                                                "<numberResults>2</numberResults></paging>"));
  EXPECT_EQ(Total(*past_end), 5);
  EXPECT_TRUE(EntryIds(*past_end).empty());

  // Status ordering: the canceled job (CANCELING) sorts after the AWAITING_FILE ones.
  ASSERT_EQ(Call(MutateBody(CancelOp(ids[0])))->response.status, 200);
  auto by_status =
      Call(GetBody(Fields({"Id", "Status"}) + "<ordering><field>Status</field></ordering>"));
  EXPECT_EQ(EntryIds(*by_status), (std::vector<int64_t>{ids[1], ids[2], ids[3], ids[4], ids[0]}));
}

TEST_F(SoapServiceTest, CustomersOnlySeeTheirOwnJobs) {
  int64_t a = AddJobs(1, kCustomerA)[0];
  int64_t b = AddJobs(1, kCustomerB)[0];
  auto as_b = Call(GetBody(Fields({"Id"}) + IdPredicate("EQUALS", {a})), kCustomerB);
  ASSERT_EQ(as_b->response.status, 200);
  EXPECT_EQ(Total(*as_b), 0);
  auto all_b = Call(GetBody(Fields({"Id"})), "222-222-2222");
  EXPECT_EQ(EntryIds(*all_b), (std::vector<int64_t>{b}));
}

TEST_F(SoapServiceTest, SelectorErrors) {
  auto bad_field = Call(GetBody(Fields({"Id", "UploadUrl"})));
  EXPECT_EQ(bad_field->response.status, 500);
  EXPECT_EQ(bad_field->FaultString(),
            "[SelectorError.INVALID_FIELD_NAME @ serviceSelector; trigger:'UploadUrl']");
  auto bad_pred =
      Call(GetBody(Fields({"Id"}) + "<predicates><field>Status</field><operator>EQUALS</operator>"
                                    "<values>DONE</values></predicates>"));
  EXPECT_EQ(bad_pred->FaultString(),
            "[SelectorError.INVALID_PREDICATE_FIELD_NAME @ serviceSelector; trigger:'Status']");
  auto multi = Call(GetBody(Fields({"Id"}) + IdPredicate("EQUALS", {1, 2})));
  EXPECT_STREQ(multi->FaultErrors().child_value("reason"),
               "OPERATOR_DOES_NOT_SUPPORT_MULTIPLE_VALUES");
  auto op = Call(GetBody(Fields({"Id"}) + IdPredicate("STARTS_WITH", {1})));
  EXPECT_STREQ(op->FaultErrors().child_value("reason"), "INVALID_PREDICATE_OPERATOR");
  auto sort = Call(GetBody(Fields({"Id"}) + "<ordering><field>UploadUrl</field></ordering>"));
  EXPECT_STREQ(sort->FaultErrors().child_value("reason"), "INVALID_SORT_FIELD_NAME");
  auto no_fields = Call(GetBody(""));
  EXPECT_STREQ(no_fields->FaultErrors().child_value("reason"), "MISSING_FIELDS");
  auto negative = Call(GetBody(Fields({"Id"}) + "<paging><startIndex>-1</startIndex></paging>"));
  EXPECT_EQ(negative->FaultString(),
            "[RangeError.TOO_LOW @ serviceSelector.paging.startIndex; trigger:'-1']");
  auto no_selector = Call("<get xmlns=\"" + std::string(kNs) + "\"/>");
  EXPECT_EQ(no_selector->FaultString(), "[RequiredError.REQUIRED @ selector]");
}

// Moves a job through upload -> ACTIVE -> DONE with the store's own methods.
void FinishJob(store::JobStore* store, int64_t id, model::JobStatus status) {
  ASSERT_TRUE(store->CommitUpload(id, 10, 10).ok());
  sqlite::Txn txn(store->db());
  ASSERT_TRUE(txn.status().ok());
  store::Checkpoint cp;
  cp.progress.num_operations_executed = 3;
  cp.progress.num_operations_succeeded = 2;
  cp.progress.estimated_percent_executed = 100;
  cp.progress.num_results_written = 3;
  ASSERT_TRUE(store->FinishJob(txn, id, status, cp, std::nullopt, NowMs()).ok());
  ASSERT_TRUE(txn.Commit().ok());
}

TEST_F(SoapServiceTest, FinishedJobIsReportedActiveOnceFirst) {
  std::vector<int64_t> ids = AddJobs(2);
  FinishJob(store_.get(), ids[0], model::JobStatus::kDone);
  const std::string poll = GetBody(Fields({"Id", "Status", "DownloadUrl", "ProgressStats"}) +
                                   IdPredicate("EQUALS", {ids[0]}));

  auto first = Call(poll);
  pugi::xml_node e = first->body.child("getResponse").child("rval").child("entries");
  EXPECT_STREQ(e.child_value("status"), "ACTIVE");
  EXPECT_FALSE(e.child("downloadUrl"));
  EXPECT_STREQ(e.child("progressStats").child_value("numOperationsExecuted"), "3");

  auto second = Call(poll);
  e = second->body.child("getResponse").child("rval").child("entries");
  EXPECT_STREQ(e.child_value("status"), "DONE");
  std::string url = e.child("downloadUrl").child_value("url");
  std::string prefix = "http://gw.test/batchjob/results/" + std::string(kCustomerA) + "/" +
                       std::to_string(ids[0]) + ".xml?";
  EXPECT_EQ(url.substr(0, prefix.size()), prefix);
  auto target = ParseSignedTarget(url.substr(std::string("http://gw.test").size()));
  ASSERT_TRUE(target.has_value());
  EXPECT_TRUE(signer_.Verify(*target));
  EXPECT_EQ(e.child("downloadUrl").child_value("expiration"),
            AccountTime(store_->GetJob(kCustomerA, ids[0])->results_expires_ms));

  // A job canceled before any upload is CANCELED at once, with its downloadUrl.
  ASSERT_EQ(Call(MutateBody(CancelOp(ids[1])))->response.status, 200);
  {
    sqlite::Txn txn(store_->db());  // holds the store's lock until it goes out of scope
    ASSERT_TRUE(
        store_->FinishJob(txn, ids[1], model::JobStatus::kCanceled, {}, std::nullopt, NowMs())
            .ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  auto canceled =
      Call(GetBody(Fields({"Status", "DownloadUrl"}) + IdPredicate("EQUALS", {ids[1]})));
  e = canceled->body.child("getResponse").child("rval").child("entries");
  EXPECT_STREQ(e.child_value("status"), "CANCELED");
  EXPECT_TRUE(e.child("downloadUrl"));
}

TEST_F(SoapServiceTest, ProcessingErrorIsRendered) {
  int64_t id = AddJobs(1)[0];
  ASSERT_TRUE(store_->CommitUpload(id, 5, 5).ok());
  ASSERT_TRUE(store_->MarkActiveReported(id).ok());
  {
    sqlite::Txn txn(store_->db());  // holds the store's lock until it goes out of scope
    ApiError err = ApiError::Make("BatchJobProcessingError", "FILE_FORMAT_ERROR");
    ASSERT_TRUE(store_->FinishJob(txn, id, model::JobStatus::kCanceled, {}, err, NowMs()).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  auto reply = Call(GetBody(Fields({"Status", "ProcessingErrors"})));
  pugi::xml_node e = reply->body.child("getResponse").child("rval").child("entries");
  EXPECT_EQ(ChildNames(e), (std::vector<std::string>{"status", "processingErrors"}));
  EXPECT_EQ(ChildNames(e.child("processingErrors")),
            (std::vector<std::string>{"errorString", "reason"}));
  EXPECT_STREQ(e.child("processingErrors").child_value("errorString"),
               "BatchJobProcessingError.FILE_FORMAT_ERROR");
}

TEST_F(SoapServiceTest, QueryAwqlUsesTheSameSelector) {
  std::vector<int64_t> ids = AddJobs(3);
  auto reply = Call(QueryBody("SELECT Id, Status WHERE Id IN [" + std::to_string(ids[0]) + ", " +
                              std::to_string(ids[2]) + "] ORDER BY Id DESC LIMIT 0,1"));
  ASSERT_EQ(reply->response.status, 200) << reply->response.body;
  EXPECT_STREQ(reply->header.child_value("methodName"), "query");
  EXPECT_EQ(Total(*reply, "queryResponse"), 2);
  EXPECT_EQ(EntryIds(*reply, "queryResponse"), (std::vector<int64_t>{ids[2]}));
  auto eq = Call(QueryBody("select Id where Id = " + std::to_string(ids[1])));
  EXPECT_EQ(EntryIds(*eq, "queryResponse"), (std::vector<int64_t>{ids[1]}));
  auto bad = Call(QueryBody("SELECT Id WHERE"));
  EXPECT_EQ(bad->FaultString(),
            "[RequestError.INVALID_INPUT @ query; trigger:'<end of query> at character 16']");
  auto bad_field = Call(QueryBody("SELECT Foo"));
  EXPECT_STREQ(bad_field->FaultErrors().child_value("reason"), "INVALID_FIELD_NAME");
}

}  // namespace
}  // namespace bg::soap::testing
