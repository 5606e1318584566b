// Access control through the real binary (auth.mode = "tokens"): a bearer token for customer A
// can neither see (get, query), cancel, upload to nor download from customer B's jobs; each
// refusal is the real fault (or the Cloud Storage error on the signed URLs); open mode refuses a
// non-loopback address at start-up.
#include <gtest/gtest.h>

#include <memory>
#include <pugixml.hpp>
#include <string>

#include "integration/ops_support.hpp"
#include "support/server_process.hpp"

namespace bg::testing {
namespace {

constexpr char kNs[] = "https://adwords.google.com/api/adwords/cm/v201702";
constexpr char kCustomerA[] = "111-111-1111";
constexpr char kCustomerB[] = "222-222-2222";

Credentials As(const std::string& bearer, const std::string& customer,
               const std::string& developer_token = "dev-token") {
  return Credentials{customer, developer_token, bearer};
}

std::string FaultString(const HttpResponse& r) {
  pugi::xml_document doc;
  if (!doc.load_string(r.body.c_str())) return "unparsable: " + r.body.substr(0, 200);
  pugi::xpath_node f = doc.select_node("//*[local-name()='Fault']/faultstring");
  return f ? f.node().text().as_string() : "";
}

// totalNumEntries of a get/query response, or -1.
int64_t TotalEntries(const HttpResponse& r) {
  pugi::xml_document doc;
  if (!doc.load_string(r.body.c_str())) return -1;
  pugi::xpath_node n = doc.select_node("//*[local-name()='totalNumEntries']");
  return n ? n.node().text().as_llong(-1) : -1;
}

std::string GetBody(int64_t id) {
  return std::string("<get xmlns=\"") + kNs +
         "\"><selector><fields>Id</fields><fields>Status</fields><fields>DownloadUrl</fields>"
         "<predicates><field>Id</field><operator>EQUALS</operator><values>" +
         std::to_string(id) + "</values></predicates></selector></get>";
}

std::string QueryBody(int64_t id) {
  return std::string("<query xmlns=\"") + kNs +
         "\"><query>SELECT Id, Status WHERE Id = " + std::to_string(id) + "</query></query>";
}

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerProcessOptions o;
    o.data_dir = dir_.Join("data");
    o.env = {{"BATCHGATE_AUTH_MODE", "tokens"},
             {"BATCHGATE_AUTH_DEVELOPER_TOKENS", "dev-token, other-dev-token"},
             {"BATCHGATE_AUTH_BEARER_TOKENS", std::string("token-a ") + kCustomerA + "; token-b " +
                                                  kCustomerB + "; token-admin *"}};
    server_ = std::make_unique<ServerProcess>(o);
    ASSERT_TRUE(server_->Start());
  }
  const std::string& base() const { return server_->base_url(); }

  TempDir dir_{"bg_auth_"};
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(AuthTest, TokenOfCustomerACannotTouchCustomerBsJobs) {
  const AdWordsClient a(base(), As("token-a", kCustomerA));
  const AdWordsClient b(base(), As("token-b", kCustomerB));
  // A's token pretending to be B, in every way a client can name B.
  const AdWordsClient a_as_b(base(), As("token-a", kCustomerB));

  JobView b_pending = b.Create();
  ASSERT_TRUE(b_pending.fault.empty()) << b_pending.fault;
  JobView b_done = RunSampleJob(b);
  ASSERT_TRUE(b_done.fault.empty()) << b_done.fault;
  JobView a_done = RunSampleJob(a);
  ASSERT_TRUE(a_done.fault.empty()) << a_done.fault;

  // See: get and query, as B -> USER_PERMISSION_DENIED; as A -> B's jobs do not exist.
  for (const std::string& body : {GetBody(b_done.id), QueryBody(b_done.id)}) {
    HttpResponse r = a_as_b.Call(body);
    EXPECT_EQ(r.status, 500);
    EXPECT_NE(FaultString(r).find("AuthorizationError.USER_PERMISSION_DENIED"), std::string::npos)
        << r.body;
    r = a.Call(body);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(TotalEntries(r), 0) << r.body;
    r = b.Call(body);
    EXPECT_EQ(TotalEntries(r), 1) << r.body;
  }

  // Cancel: refused both ways; B's job is untouched.
  JobView cancel = a_as_b.Cancel(b_pending.id);
  EXPECT_NE(cancel.fault.find("AuthorizationError.USER_PERMISSION_DENIED"), std::string::npos)
      << cancel.fault;
  cancel = a.Cancel(b_pending.id);
  EXPECT_NE(cancel.fault.find("IdError.NOT_FOUND"), std::string::npos) << cancel.fault;
  EXPECT_EQ(b.Get(b_pending.id).status, "AWAITING_FILE");

  // Upload to B's uploadUrl with A's token: 403 AccessDenied, nothing stored.
  HttpResponse start = Fetch("POST", b_pending.upload_url,
                             {{"x-goog-resumable", "start"}, {"Authorization", "Bearer token-a"}});
  EXPECT_EQ(start.status, 403);
  EXPECT_NE(start.body.find("<Code>AccessDenied</Code>"), std::string::npos) << start.body;
  HttpResponse unknown = Fetch("POST", b_pending.upload_url,
                               {{"x-goog-resumable", "start"}, {"Authorization", "Bearer nope"}});
  EXPECT_EQ(unknown.status, 401);
  EXPECT_NE(unknown.body.find("<Code>AuthenticationRequired</Code>"), std::string::npos);
  HttpResponse own = Fetch("POST", b_pending.upload_url,
                           {{"x-goog-resumable", "start"}, {"Authorization", "Bearer token-b"}});
  ASSERT_EQ(own.status, 201) << own.body;
  const std::string session = own.Header("Location");
  HttpResponse chunk =
      Fetch("PUT", session, {{"Content-Range", "bytes 0-3/*"}, {"Authorization", "Bearer token-a"}},
            "    ");
  EXPECT_EQ(chunk.status, 403);
  HttpResponse query =
      Fetch("PUT", session, {{"Content-Range", "bytes */*"}, {"Authorization", "Bearer token-b"}});
  EXPECT_EQ(query.status, 308);
  EXPECT_FALSE(query.HasHeader("Range")) << "A's chunk must not have been stored";

  // Download B's results with A's token: 403; B's token, the admin token and (as legacy clients
  // do) no token at all get them.
  HttpResponse stolen = Fetch("GET", b_done.download_url, {{"Authorization", "Bearer token-a"}});
  EXPECT_EQ(stolen.status, 403);
  EXPECT_EQ(stolen.body.find("<rval>"), std::string::npos);
  HttpResponse json = Fetch("GET", b_done.download_url,
                            {{"Authorization", "Bearer token-a"}, {"Accept", "application/json"}});
  EXPECT_EQ(json.status, 403);
  EXPECT_NE(json.body.find("\"code\":403"), std::string::npos) << json.body;
  for (const HeaderList& h : {HeaderList{{"Authorization", "Bearer token-b"}},
                              HeaderList{{"Authorization", "Bearer token-admin"}}, HeaderList{}}) {
    HttpResponse ok = Fetch("GET", b_done.download_url, h);
    EXPECT_EQ(ok.status, 200);
    EXPECT_NE(ok.body.find("<rval>"), std::string::npos);
  }
  // A's own results with A's token.
  EXPECT_EQ(Fetch("GET", a_done.download_url, {{"Authorization", "Bearer token-a"}}).status, 200);
  EXPECT_EQ(Fetch("GET", a_done.download_url, {{"Authorization", "Bearer token-b"}}).status, 403);

  // The admin token ("*") acts for B.
  const AdWordsClient admin(base(), As("token-admin", kCustomerB));
  EXPECT_EQ(TotalEntries(admin.Call(GetBody(b_done.id))), 1);
}

TEST_F(AuthTest, UnknownTokensGetTheRealFaults) {
  struct Case {
    Credentials creds;
    std::string fault;
  };
  const Case cases[] = {
      {As("token-x", kCustomerA), "AuthenticationError.OAUTH_TOKEN_INVALID"},
      {As("", kCustomerA), "AuthenticationError.OAUTH_TOKEN_HEADER_INVALID"},
      {As("token-a", kCustomerA, "stolen-dev-token"), "QuotaCheckError.INVALID_TOKEN_HEADER"},
      {As("token-a", kCustomerA, ""), "QuotaCheckError.INVALID_TOKEN_HEADER"},
      {As("token-a", "333-333-3333"), "AuthorizationError.USER_PERMISSION_DENIED"},
  };
  for (const Case& c : cases) {
    HttpResponse r = AdWordsClient(base(), c.creds).Call(GetBody(1));
    EXPECT_EQ(r.status, 500) << c.fault;
    EXPECT_NE(FaultString(r).find(c.fault), std::string::npos) << c.fault << ": " << r.body;
    EXPECT_NE(r.body.find("<ApiExceptionFault"), std::string::npos);
    EXPECT_EQ(r.body.find("token-x"), std::string::npos);
  }
  JobView ok = AdWordsClient(base(), As("token-a", kCustomerA, "other-dev-token")).Create();
  EXPECT_TRUE(ok.fault.empty()) << ok.fault;
}

TEST(AuthStartTest, OpenModeRefusesNonLoopbackAddresses) {
  TempDir dir("bg_auth_");
  std::string out;
  EXPECT_EQ(RunBatchgate({"serve", "--listen", "0.0.0.0:0", "--data", dir.Join("data")}, &out), 2);
  EXPECT_NE(out.find("'auth.mode'"), std::string::npos) << out;
  EXPECT_NE(out.find("'listen'"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(RunBatchgate({"serve", "--listen", "127.0.0.1:0", "--data", dir.Join("data"), "--set",
                          "auth.mode=tokens"},
                         &out),
            2);
  EXPECT_NE(out.find("'auth.developer_tokens'"), std::string::npos) << out;
}

}  // namespace
}  // namespace bg::testing
