// Hostile XML in SOAP request envelopes (issue 4, "Limits and hostile input"): a DTD of any kind
// (billion laughs, external entities, an external DTD, parameter entities) is a soap:Client
// fault at once, nothing is expanded or fetched, memory stays flat and no job is created.
#include <sys/resource.h>

#include <chrono>

#include "soap_test_util.hpp"

namespace bg::soap::testing {
namespace {

constexpr char kPath[] = "/api/adwords/cm/v201702/BatchJobService";

std::string BillionLaughsDtd() {
  std::string dtd = "<!DOCTYPE soapenv:Envelope [<!ENTITY lol \"lol\">";
  for (int i = 1; i <= 9; ++i) {
    std::string prev = i == 1 ? "lol" : "lol" + std::to_string(i - 1);
    dtd += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j) dtd += "&" + prev + ";";
    dtd += "\">";
  }
  return dtd + "]>";
}

// Inserts `dtd` after the XML declaration of an Axis envelope whose operation names `entity`.
std::string WithDtd(const std::string& dtd, const std::string& entity) {
  std::string env = AxisEnvelope(MutateBody("<operations><operator>ADD</operator><operand><name>" +
                                            entity + "</name></operand></operations>"));
  const size_t decl_end = env.find("?>") + 2;
  return env.substr(0, decl_end) + dtd + env.substr(decl_end);
}

long PeakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

TEST_F(SoapServiceTest, HostileDtdsAreClientFaultsQuicklyWithFlatMemory) {
  const struct {
    const char* name;
    std::string body;
  } cases[] = {
      {"billion laughs", WithDtd(BillionLaughsDtd(), "&lol9;")},
      {"external entity",
       WithDtd("<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>", "&xxe;")},
      {"external DTD", WithDtd("<!DOCTYPE x SYSTEM \"http://127.0.0.1:1/evil.dtd\">", "n")},
      {"parameter entity",
       WithDtd("<!DOCTYPE x [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>", "n")},
      {"quadratic blowup",
       WithDtd("<!DOCTYPE x [<!ENTITY a \"" + std::string(100000, 'a') + "\">]>",
               [] {
                 std::string refs;
                 for (int i = 0; i < 20000; ++i) refs += "&a;";
                 return refs;
               }())},
  };
  const long rss_before = PeakRssKb();
  for (const auto& c : cases) {
    const auto start = std::chrono::steady_clock::now();
    auto reply = Send(Head(kPath), c.body);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_LT(took, std::chrono::seconds(1)) << c.name;
    EXPECT_EQ(reply->response.status, 500) << c.name;
    pugi::xml_node fault = reply->Fault();
    EXPECT_STREQ(fault.child_value("faultcode"), "soap:Client") << c.name;
    EXPECT_EQ(reply->FaultString().rfind("Unmarshalling Error: ", 0), 0u)
        << c.name << ": " << reply->FaultString();
    // Nothing was read from the file system or expanded into the answer.
    EXPECT_EQ(reply->response.body.find("root:"), std::string::npos) << c.name;
    EXPECT_EQ(reply->response.body.find("lollollol"), std::string::npos) << c.name;
  }
  // Billion laughs expands to ~3 GB and the quadratic case to 2 GB: a few MB is all we allow.
  EXPECT_LT(PeakRssKb() - rss_before, 64 * 1024) << "peak RSS grew by KB";
  EXPECT_EQ(store_->ListJobs(kCustomerA)->size(), 0u);
}

}  // namespace
}  // namespace bg::soap::testing
