// mutate: ADD creates jobs with signed upload URLs, SET CANCELING cancels, everything else
// faults with the exact ApiException shape (reference §1.4, §1.5, §8).
#include <regex>

#include "common/clock.hpp"
#include "soap_test_util.hpp"

namespace bg::soap::testing {
namespace {

TEST_F(SoapServiceTest, AddTwoOperationsCreatesTwoJobsInOrder) {
  auto reply = Call(MutateBody(AddOp() + AddOp()));
  ASSERT_EQ(reply->response.status, 200) << reply->response.body;
  EXPECT_EQ(reply->ContentType(), "text/xml; charset=UTF-8");

  // ResponseHeader.
  ASSERT_TRUE(reply->header);
  EXPECT_STREQ(reply->header.attribute("xmlns").value(), kNs);
  EXPECT_EQ(ChildNames(reply->header),
            (std::vector<std::string>{"requestId", "serviceName", "methodName", "operations",
                                      "responseTime"}));
  EXPECT_TRUE(std::regex_match(std::string(reply->header.child_value("requestId")),
                               std::regex("[0-9a-f]{32}")));
  EXPECT_STREQ(reply->header.child_value("serviceName"), "BatchJobService");
  EXPECT_STREQ(reply->header.child_value("methodName"), "mutate");
  EXPECT_STREQ(reply->header.child_value("operations"), "2");

  pugi::xml_node resp = reply->body.child("mutateResponse");
  ASSERT_TRUE(resp);
  EXPECT_STREQ(resp.attribute("xmlns").value(), kNs);
  pugi::xml_node rval = resp.child("rval");
  EXPECT_EQ(ChildNames(rval), (std::vector<std::string>{"ListReturnValue.Type", "value", "value"}));
  EXPECT_STREQ(rval.child_value("ListReturnValue.Type"), "BatchJobReturnValue");

  std::vector<int64_t> ids;
  for (pugi::xml_node v : rval.children("value")) {
    EXPECT_EQ(ChildNames(v), (std::vector<std::string>{"id", "status", "progressStats", "uploadUrl",
                                                       "diskUsageQuotaBalance"}));
    ids.push_back(v.child("id").text().as_llong());
    EXPECT_STREQ(v.child_value("status"), "AWAITING_FILE");
    EXPECT_STREQ(v.child("progressStats").child_value("numOperationsExecuted"), "0");
    EXPECT_STREQ(v.child_value("diskUsageQuotaBalance"), "4242");
    std::string url = v.child("uploadUrl").child_value("url");
    std::string prefix = "http://gw.test/batchjob/upload/" + std::string(kCustomerA) + "/" +
                         std::to_string(ids.back()) + "?";
    EXPECT_EQ(url.substr(0, prefix.size()), prefix) << url;
    auto target = ParseSignedTarget(url.substr(std::string("http://gw.test").size()));
    ASSERT_TRUE(target.has_value()) << url;
    EXPECT_TRUE(signer_.Verify(*target));
    EXPECT_EQ(target->job_id, ids.back());
    std::string expiration = v.child("uploadUrl").child_value("expiration");
    EXPECT_TRUE(std::regex_match(expiration, std::regex(R"(\d{8} \d{6} UTC)"))) << expiration;
  }
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_LT(ids[0], ids[1]);

  auto jobs = store_->ListJobs(kCustomerA);
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].id, ids[0]);
  EXPECT_EQ((*jobs)[1].version, "v201702");
  EXPECT_EQ(rval.child("value").child("uploadUrl").child_value("expiration"),
            AccountTime((*jobs)[0].upload_expires_ms));
}

TEST_F(SoapServiceTest, CancelAwaitingFileThenSecondCancelFaultsWithExactShape) {
  int64_t id = AddJobs(1)[0];
  auto first = Call(MutateBody(CancelOp(id)));
  ASSERT_EQ(first->response.status, 200) << first->response.body;
  pugi::xml_node v = first->body.child("mutateResponse").child("rval").child("value");
  EXPECT_EQ(v.child("id").text().as_llong(), id);
  EXPECT_STREQ(v.child_value("status"), "CANCELING");
  EXPECT_FALSE(v.child("uploadUrl"));
  EXPECT_EQ(store_->GetJob(kCustomerA, id)->status, model::JobStatus::kCanceling);

  auto second = Call(MutateBody(CancelOp(id)));
  EXPECT_EQ(second->response.status, 500);
  EXPECT_EQ(second->ContentType(), "text/xml; charset=UTF-8");
  ASSERT_TRUE(second->header);
  EXPECT_STREQ(second->header.child_value("methodName"), "mutate");
  pugi::xml_node fault = second->Fault();
  ASSERT_TRUE(fault) << second->response.body;
  EXPECT_EQ(ChildNames(fault), (std::vector<std::string>{"faultcode", "faultstring", "detail"}));
  EXPECT_STREQ(fault.child_value("faultcode"), "soap:Server");
  const std::string expected =
      "[BatchJobError.INVALID_STATE_CHANGE @ operations[0].operand.status; trigger:'CANCELING']";
  EXPECT_EQ(second->FaultString(), expected);
  pugi::xml_node exc = fault.child("detail").child("ApiExceptionFault");
  EXPECT_STREQ(exc.attribute("xmlns").value(), kNs);
  EXPECT_EQ(ChildNames(exc),
            (std::vector<std::string>{"message", "ApplicationException.Type", "errors"}));
  EXPECT_EQ(exc.child_value("message"), expected);
  EXPECT_STREQ(exc.child_value("ApplicationException.Type"), "ApiException");
  pugi::xml_node err = exc.child("errors");
  EXPECT_STREQ(err.attribute("xsi:type").value(), "BatchJobError");
  EXPECT_STREQ(err.attribute("xmlns:xsi").value(), "http://www.w3.org/2001/XMLSchema-instance");
  EXPECT_EQ(ChildNames(err),
            (std::vector<std::string>{"fieldPath", "fieldPathElements", "fieldPathElements",
                                      "fieldPathElements", "trigger", "errorString",
                                      "ApiError.Type", "reason"}));
  EXPECT_STREQ(err.child_value("fieldPath"), "operations[0].operand.status");
  std::vector<std::pair<std::string, std::string>> elements;
  for (pugi::xml_node e : err.children("fieldPathElements")) {
    elements.emplace_back(e.child_value("field"), e.child_value("index"));
  }
  EXPECT_EQ(elements, (std::vector<std::pair<std::string, std::string>>{
                          {"operations", "0"}, {"operand", ""}, {"status", ""}}));
  EXPECT_STREQ(err.child_value("trigger"), "CANCELING");
  EXPECT_STREQ(err.child_value("errorString"), "BatchJobError.INVALID_STATE_CHANGE");
  EXPECT_STREQ(err.child_value("ApiError.Type"), "BatchJobError");
  EXPECT_STREQ(err.child_value("reason"), "INVALID_STATE_CHANGE");
}

TEST_F(SoapServiceTest, SetToAnotherStatusOrWithoutStatusIsInvalidStateChange) {
  std::vector<int64_t> ids = AddJobs(2);
  auto reply = Call(MutateBody(CancelOp(ids[0], "ACTIVE") + CancelOp(ids[1], "")));
  EXPECT_EQ(reply->response.status, 500);
  EXPECT_EQ(reply->FaultString(),
            "[BatchJobError.INVALID_STATE_CHANGE @ operations[0].operand.status; "
            "trigger:'ACTIVE', BatchJobError.INVALID_STATE_CHANGE @ "
            "operations[1].operand.status]");
  EXPECT_EQ(reply->Fault().child("detail").child("ApiExceptionFault").select_nodes("errors").size(),
            2u);
  // All-or-nothing: nothing changed.
  EXPECT_EQ(store_->GetJob(kCustomerA, ids[0])->status, model::JobStatus::kAwaitingFile);
}

TEST_F(SoapServiceTest, CancelOfSecondOperationUsesItsIndexAndNothingIsApplied) {
  int64_t id = AddJobs(1)[0];
  auto reply = Call(MutateBody(AddOp() + CancelOp(id) + CancelOp(id)));
  EXPECT_EQ(reply->response.status, 500);
  EXPECT_STREQ(reply->FaultErrors().child_value("fieldPath"), "operations[2].operand.status");
  EXPECT_EQ(store_->ListJobs(kCustomerA)->size(), 1u);
  EXPECT_EQ(store_->GetJob(kCustomerA, id)->status, model::JobStatus::kAwaitingFile);
}

TEST_F(SoapServiceTest, MixedAddAndCancelAnswersInRequestOrder) {
  int64_t id = AddJobs(1)[0];
  auto reply = Call(MutateBody(CancelOp(id) + AddOp()));
  ASSERT_EQ(reply->response.status, 200) << reply->response.body;
  auto values = reply->body.child("mutateResponse").child("rval").select_nodes("value");
  ASSERT_EQ(values.size(), 2u);
  EXPECT_STREQ(values[0].node().child_value("status"), "CANCELING");
  EXPECT_STREQ(values[1].node().child_value("status"), "AWAITING_FILE");
  EXPECT_TRUE(values[1].node().child("uploadUrl"));
}

TEST_F(SoapServiceTest, RemoveIsNotSupported) {
  int64_t id = AddJobs(1)[0];
  auto reply = Call(MutateBody("<operations><operator>REMOVE</operator><operand><id>" +
                               std::to_string(id) + "</id></operand></operations>"));
  EXPECT_EQ(reply->response.status, 500);
  pugi::xml_node err = reply->FaultErrors();
  EXPECT_STREQ(err.attribute("xsi:type").value(), "OperatorError");
  EXPECT_STREQ(err.child_value("reason"), "OPERATOR_NOT_SUPPORTED");
  EXPECT_STREQ(err.child_value("fieldPath"), "operations[0].operator");
}

TEST_F(SoapServiceTest, EmptyMutateAndMissingParts) {
  auto empty = Call(MutateBody(""));
  EXPECT_EQ(empty->FaultString(), "[NotEmptyError.EMPTY_LIST @ operations]");
  EXPECT_STREQ(empty->header.child_value("operations"), "0");
  auto no_id = Call(
      MutateBody("<operations><operator>SET</operator><operand><status>CANCELING</status></operand>"
                 "</operations><operations><operand/></operations>"));
  EXPECT_EQ(no_id->FaultString(),
            "[RequiredError.REQUIRED @ operations[0].operand.id, RequiredError.REQUIRED @ "
            "operations[1].operator]");
  auto bad_id = Call(MutateBody(CancelOp(1).replace(CancelOp(1).find("1</id>"), 1, "x")));
  EXPECT_STREQ(bad_id->Fault().child_value("faultcode"), "soap:Client");
  EXPECT_FALSE(bad_id->header);  // the real unmarshalling faults had no ResponseHeader
  EXPECT_FALSE(bad_id->Fault().child("detail"));
}

TEST_F(SoapServiceTest, UnknownAndForeignJobsLookTheSame) {
  int64_t a = AddJobs(1, kCustomerA)[0];
  int64_t missing = a + 1000;
  auto foreign = Call(MutateBody(CancelOp(a)), kCustomerB);
  auto unknown = Call(MutateBody(CancelOp(missing)), kCustomerB);
  EXPECT_EQ(foreign->response.status, 500);
  EXPECT_EQ(foreign->FaultString(),
            "[IdError.NOT_FOUND @ operations[0].operand.id; trigger:'" + std::to_string(a) + "']");
  std::string u = unknown->FaultString();
  std::string f = foreign->FaultString();
  u.replace(u.find(std::to_string(missing)), std::to_string(missing).size(), "N");
  f.replace(f.find(std::to_string(a)), std::to_string(a).size(), "N");
  EXPECT_EQ(u, f);
  EXPECT_EQ(store_->GetJob(kCustomerA, a)->status, model::JobStatus::kAwaitingFile);
}

TEST_F(SoapServiceTest, ValidateOnlyChangesNothing) {
  std::string env = AxisEnvelope(MutateBody(AddOp()));
  env.replace(env.find("<ns1:validateOnly>false"), 23, "<ns1:validateOnly>true");
  auto reply = Send(Head("/api/adwords/cm/v201702/BatchJobService"), env);
  ASSERT_EQ(reply->response.status, 200) << reply->response.body;
  EXPECT_EQ(ChildNames(reply->body.child("mutateResponse").child("rval")),
            (std::vector<std::string>{"ListReturnValue.Type"}));
  EXPECT_TRUE(store_->ListJobs(kCustomerA)->empty());
}

TEST_F(SoapServiceTest, UploadUrlBaseComesFromHostWithoutPublicBaseUrl) {
  SoapService from_host(SoapOptions{}, store_.get(), nullptr, &signer_);
  http::Response r = from_host.Handle(Head("/api/adwords/cm/v201702/BatchJobService"),
                                      AxisEnvelope(MutateBody(AddOp())));
  ASSERT_EQ(r.status, 200) << r.body;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(r.body.c_str()));
  std::string url = doc.select_node("//uploadUrl/url").node().child_value();
  EXPECT_EQ(url.rfind("http://127.0.0.1:8080/batchjob/upload/1234567890/", 0), 0u) << url;
}

TEST_F(SoapServiceTest, RouteBuffersTheBodyWithinTheLimit) {
  SoapOptions small;
  small.max_request_bytes = 64;
  SoapService limited(small, store_.get(), nullptr, &signer_);
  auto exchange = limited.Route(Head("/api/adwords/cm/v201702/BatchJobService"));
  ASSERT_NE(exchange, nullptr);
  auto early = exchange->OnBody(std::string(100, ' '));
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(early->status, 413);

  auto ok = service_->Route(Head("/api/adwords/cm/v201702/BatchJobService"));
  std::string body = AxisEnvelope(MutateBody(AddOp()));
  EXPECT_FALSE(ok->OnBody(body.substr(0, 10)).has_value());
  EXPECT_FALSE(ok->OnBody(body.substr(10)).has_value());
  EXPECT_EQ(ok->Finish().status, 200);
  EXPECT_EQ(store_->ListJobs(kCustomerA)->size(), 1u);
}

}  // namespace
}  // namespace bg::soap::testing
