// Request side: routing, envelope parsing (malformed, DOCTYPE), authentication faults, and the
// RequestHeader dialects of the legacy clients (reference §1.2).
#include "soap/envelope.hpp"

#include <fstream>
#include <sstream>

#include "soap_test_util.hpp"

namespace bg::soap::testing {
namespace {

constexpr char kPath[] = "/api/adwords/cm/v201702/BatchJobService";

std::string SudsEnvelope(const std::string& customer) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
         "<SOAP-ENV:Envelope xmlns:ns0=\"http://schemas.xmlsoap.org/soap/envelope/\" "
         "xmlns:ns1=\"" +
         std::string(kNs) + "\" xmlns:tns=\"" + kNs +
         "\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\">"
         "<SOAP-ENV:Header><tns:RequestHeader>"
         "<tns:clientCustomerId>" +
         customer +
         "</tns:clientCustomerId>"
         "<tns:developerToken>DEV</tns:developerToken>"
         "<tns:userAgent>x (AwApi-Python, googleads/5.3.0, Python/2.7.6)</tns:userAgent>"
         "<tns:validateOnly>false</tns:validateOnly><tns:partialFailure>false</tns:partialFailure>"
         "</tns:RequestHeader></SOAP-ENV:Header>"
         "<ns0:Body><ns1:mutate><ns1:operations><ns1:operator>ADD</ns1:operator><ns1:operand/>"
         "</ns1:operations></ns1:mutate></ns0:Body></SOAP-ENV:Envelope>";
}

std::string RubyEnvelope(const std::string& customer, const std::string& extra) {
  return "<env:Envelope xmlns:env=\"http://schemas.xmlsoap.org/soap/envelope/\" "
         "xmlns:wsdl=\"" +
         std::string(kNs) +
         "\"><env:Header>"
         "<wsdl:RequestHeader xmlns=\"" +
         kNs +
         "\"><userAgent>ruby (AwApi-Ruby/0.25.1)</userAgent>"
         "<developerToken>DEV</developerToken><clientCustomerId>" +
         customer + "</clientCustomerId>" + extra +
         "</wsdl:RequestHeader></env:Header><env:Body>"
         "<wsdl:mutate><wsdl:operations><wsdl:operator>ADD</wsdl:operator></wsdl:operations>"
         "</wsdl:mutate></env:Body></env:Envelope>";
}

std::string DotNetEnvelope(const std::string& validate_only) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
         "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
         "<soap:Header><RequestHeader xmlns=\"" +
         std::string(kNs) +
         "\">"
         "<clientCustomerId>123-456-7890</clientCustomerId><developerToken>DEV</developerToken>"
         "<userAgent>net (AwApi-DotNet)</userAgent><validateOnly>" +
         validate_only +
         "</validateOnly><partialFailure>False</partialFailure></RequestHeader></soap:Header>"
         "<soap:Body><mutate xmlns=\"" +
         kNs +
         "\"><operations><operator>ADD</operator>"
         "<operand/></operations></mutate></soap:Body></soap:Envelope>";
}

size_t JobCount(store::JobStore* store) { return store->ListJobs(kCustomerA)->size(); }

TEST_F(SoapServiceTest, DialectsOfRequestHeaders) {
  // Axis (ns1: prefixes, mustUnderstand) is the default of Call().
  EXPECT_EQ(Call(MutateBody(AddOp()))->response.status, 200);
  EXPECT_EQ(JobCount(store_.get()), 1u);
  // suds: tns:/ns0:/ns1: prefixes for the same namespaces, dashed customer id.
  auto suds = Send(Head(kPath), SudsEnvelope("123-456-7890"));
  EXPECT_EQ(suds->response.status, 200) << suds->response.body;
  EXPECT_EQ(JobCount(store_.get()), 2u);
  // Ruby/Savon: wsdl:RequestHeader, default-namespace children in another order, no operand.
  auto ruby = Send(Head(kPath), RubyEnvelope(kCustomerA, ""));
  EXPECT_EQ(ruby->response.status, 200) << ruby->response.body;
  EXPECT_EQ(JobCount(store_.get()), 3u);
  // Ruby sends validateOnly only when true ('true'): nothing is created then.
  auto ruby_validate =
      Send(Head(kPath), RubyEnvelope(kCustomerA, "<validateOnly>true</validateOnly>"));
  EXPECT_EQ(ruby_validate->response.status, 200);
  EXPECT_EQ(JobCount(store_.get()), 3u);
  // .NET: capitalised booleans.
  EXPECT_EQ(Send(Head(kPath), DotNetEnvelope("True"))->response.status, 200);
  EXPECT_EQ(JobCount(store_.get()), 3u);
  EXPECT_EQ(Send(Head(kPath), DotNetEnvelope("False"))->response.status, 200);
  EXPECT_EQ(JobCount(store_.get()), 4u);
  // PHP posts to the WSDL URL.
  auto php = Send(Head(std::string(kPath) + "?wsdl"), AxisEnvelope(MutateBody(AddOp())));
  EXPECT_EQ(php->response.status, 200);
  EXPECT_EQ(JobCount(store_.get()), 5u);
}

TEST_F(SoapServiceTest, ParseEnvelopeReadsHeaderFields) {
  auto env = ParseEnvelope(DotNetEnvelope("1"));
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->method, "mutate");
  EXPECT_EQ(env->header.client_customer_id, "123-456-7890");
  EXPECT_EQ(env->header.developer_token, "DEV");
  EXPECT_EQ(env->header.user_agent, "net (AwApi-DotNet)");
  EXPECT_TRUE(env->header.validate_only);
  EXPECT_FALSE(env->header.partial_failure);
  auto bad_bool = ParseEnvelope(DotNetEnvelope("yes"));
  EXPECT_TRUE(IsUnmarshallingError(bad_bool.status()));
}

TEST_F(SoapServiceTest, AuthenticationFaults) {
  auto no_oauth = Send(Head(kPath, /*bearer=*/false), AxisEnvelope(MutateBody(AddOp())));
  EXPECT_EQ(no_oauth->response.status, 500);
  EXPECT_EQ(no_oauth->FaultString(), "[AuthenticationError.OAUTH_TOKEN_HEADER_INVALID @ ]");
  EXPECT_STREQ(no_oauth->FaultErrors().attribute("xsi:type").value(), "AuthenticationError");
  EXPECT_TRUE(no_oauth->header);

  http::RequestHead basic = Head(kPath, false);
  basic.headers.push_back({"Authorization", "Basic abc"});
  EXPECT_EQ(Send(basic, AxisEnvelope(MutateBody(AddOp())))->FaultString(),
            "[AuthenticationError.OAUTH_TOKEN_HEADER_INVALID @ ]");

  auto no_token = Send(Head(kPath), AxisEnvelope(MutateBody(AddOp()), kCustomerA, ""));
  EXPECT_EQ(no_token->FaultString(), "[QuotaCheckError.INVALID_TOKEN_HEADER @ ]");
  auto no_customer = Send(Head(kPath), AxisEnvelope(MutateBody(AddOp()), ""));
  EXPECT_EQ(no_customer->FaultString(), "[AuthenticationError.CLIENT_CUSTOMER_ID_IS_REQUIRED @ ]");
  auto bad_customer = Send(Head(kPath), AxisEnvelope(MutateBody(AddOp()), "12ab"));
  EXPECT_EQ(bad_customer->FaultString(),
            "[AuthenticationError.CLIENT_CUSTOMER_ID_INVALID @ ; trigger:'12ab']");
  EXPECT_EQ(JobCount(store_.get()), 0u);
}

// Unmarshalling faults have the real service's compact shape: soap:Client, "Unmarshalling
// Error: ...", no <detail> and no soap:Header (no ResponseHeader: the real ones were answered
// before any service ran, e.g. googleads-python-lib's compact_fault_response_envelope.txt and
// the envelopes quoted in googleads-python-lib#179; only soap:Server ApiException faults carried
// a ResponseHeader, reference §1.5).
TEST_F(SoapServiceTest, MalformedEnvelopesAreClientFaults) {
  for (const std::string& body :
       {std::string("<soapenv:Envelope><unclosed>"), std::string("not xml at all"),
        std::string("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]>"
                    "<Envelope><Body><get/></Body></Envelope>"),
        std::string("<Envelope><Header/></Envelope>"),
        std::string("<Envelope><Body><delete/></Body></Envelope>")}) {
    auto reply = Send(Head(kPath), body);
    EXPECT_EQ(reply->response.status, 500) << body;
    EXPECT_EQ(reply->ContentType(), "text/xml; charset=UTF-8");
    pugi::xml_node fault = reply->Fault();
    EXPECT_STREQ(fault.child_value("faultcode"), "soap:Client") << body;
    EXPECT_EQ(reply->FaultString().rfind("Unmarshalling Error: ", 0), 0u) << reply->FaultString();
    EXPECT_FALSE(fault.child("detail"));
    EXPECT_FALSE(reply->header) << body;
    EXPECT_FALSE(reply->envelope.child("soap:Header")) << body;
  }
}

TEST_F(SoapServiceTest, RoutingAndVersions) {
  http::RequestHead wsdl = Head(std::string(kPath) + "?wsdl");
  wsdl.method = "GET";
  EXPECT_EQ(service_->Handle(wsdl, "").status, 200);  // served: see wsdl_handler_test.cpp
  EXPECT_EQ(service_->Handle(Head("/api/adwords/cm/v201702/CampaignService"), "").status, 404);
  EXPECT_EQ(service_->Handle(Head("/api/adwords/cm/BatchJobService"), "").status, 404);
  EXPECT_EQ(service_->Route(Head("/batchjob/upload/1/2")), nullptr);
  EXPECT_NE(service_->Route(Head(kPath)), nullptr);

  auto old =
      Send(Head("/api/adwords/cm/v201609/BatchJobService"), AxisEnvelope(MutateBody(AddOp())));
  EXPECT_EQ(old->response.status, 500);
  EXPECT_EQ(old->FaultString(), "[RequestError.UNSUPPORTED_VERSION @ ; trigger:'v201609']");

  std::string body = AxisEnvelope(MutateBody(AddOp()));
  auto v1809 = Send(Head("/api/adwords/cm/v201809/BatchJobService"), body);
  ASSERT_EQ(v1809->response.status, 200) << v1809->response.body;
  EXPECT_STREQ(v1809->body.child("mutateResponse").attribute("xmlns").value(),
               "https://adwords.google.com/api/adwords/cm/v201809");
  EXPECT_EQ(store_->ListJobs(kCustomerA)->at(0).version, "v201809");
}

// Every error type/reason the service can emit exists in the v201702 BatchJobService schema.
TEST(SoapErrorsTest, EmittedReasonsAreRealEnumValues) {
  std::ifstream in(std::string(BG_REFERENCE_DIR) + "/legacy-v201702-BatchJobService.schema.txt");
  ASSERT_TRUE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string schema = ss.str();
  const std::pair<const char*, const char*> emitted[] = {
      {"AuthenticationError", "OAUTH_TOKEN_HEADER_INVALID"},
      {"AuthenticationError", "CLIENT_CUSTOMER_ID_IS_REQUIRED"},
      {"AuthenticationError", "CLIENT_CUSTOMER_ID_INVALID"},
      {"QuotaCheckError", "INVALID_TOKEN_HEADER"},
      {"BatchJobError", "INVALID_STATE_CHANGE"},
      {"OperatorError", "OPERATOR_NOT_SUPPORTED"},
      {"IdError", "NOT_FOUND"},
      {"NotEmptyError", "EMPTY_LIST"},
      {"RequiredError", "REQUIRED"},
      {"RequestError", "UNSUPPORTED_VERSION"},
      {"RequestError", "INVALID_INPUT"},
      {"InternalApiError", "UNEXPECTED_INTERNAL_API_ERROR"},
      {"DistinctError", "DUPLICATE_ELEMENT"},
      {"RangeError", "TOO_LOW"},
      {"SelectorError", "INVALID_FIELD_NAME"},
      {"SelectorError", "MISSING_FIELDS"},
      {"SelectorError", "INVALID_PREDICATE_FIELD_NAME"},
      {"SelectorError", "INVALID_PREDICATE_OPERATOR"},
      {"SelectorError", "MISSING_PREDICATE_OPERATOR"},
      {"SelectorError", "MISSING_PREDICATE_VALUES"},
      {"SelectorError", "OPERATOR_DOES_NOT_SUPPORT_MULTIPLE_VALUES"},
      {"SelectorError", "INVALID_PREDICATE_VALUE"},
      {"SelectorError", "TOO_MANY_PREDICATE_VALUES"},
      {"SelectorError", "INVALID_SORT_FIELD_NAME"},
  };
  for (const auto& [type, reason] : emitted) {
    std::string key = std::string("ENUM ") + type + ".Reason:";
    size_t line = schema.find(key);
    ASSERT_NE(line, std::string::npos) << type;
    std::string values = schema.substr(line, schema.find('\n', line) - line) + " ";
    EXPECT_NE(values.find(std::string(" ") + reason + " "), std::string::npos)
        << type << "." << reason;
  }
}

}  // namespace
}  // namespace bg::soap::testing
