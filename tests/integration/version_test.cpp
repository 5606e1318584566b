// Version strictness end to end (issue 3): a job created at /api/adwords/cm/<version>/
// BatchJobService is parsed and answered with that version's schema. The same upload, an
// ExpandedTextAd that sets headlinePart3 (a field from v201710 on), is accepted and echoed by a
// v201809 job, and is a per-operation error in a v201702 job, whose results never carry an
// element that v201702 does not have.
#include <gtest/gtest.h>

#include <fstream>
#include <pugixml.hpp>
#include <set>
#include <sstream>
#include <string>

#include "integration/adwords_client.hpp"
#include "integration/test_server.hpp"

namespace bg::testing {
namespace {

std::string Upload4(const std::string& version) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mutate "
         "xmlns=\"https://adwords.google.com/api/adwords/cm/" +
         version +
         "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
         "<operations xsi:type=\"BudgetOperation\"><operator>ADD</operator><operand>"
         "<budgetId>-1</budgetId><name>v budget</name><amount><microAmount>50000000</microAmount>"
         "</amount><deliveryMethod>STANDARD</deliveryMethod></operand></operations>"
         "<operations xsi:type=\"CampaignOperation\"><operator>ADD</operator><operand><id>-2</id>"
         "<name>v campaign</name><status>PAUSED</status><budget><budgetId>-1</budgetId></budget>"
         "<advertisingChannelType>SEARCH</advertisingChannelType><biddingStrategyConfiguration>"
         "<biddingStrategyType>MANUAL_CPC</biddingStrategyType></biddingStrategyConfiguration>"
         "</operand></operations>"
         "<operations xsi:type=\"AdGroupOperation\"><operator>ADD</operator><operand><id>-3</id>"
         "<campaignId>-2</campaignId><name>v ad group</name></operand></operations>"
         "<operations xsi:type=\"AdGroupAdOperation\"><operator>ADD</operator><operand>"
         "<adGroupId>-3</adGroupId><ad xsi:type=\"ExpandedTextAd\">"
         "<finalUrls>http://www.example.com/</finalUrls><headlinePart1>h1</headlinePart1>"
         "<headlinePart2>h2</headlinePart2><headlinePart3>h3</headlinePart3>"
         "<description>d</description></ad><status>PAUSED</status></operand></operations>"
         "</mutate>";
}

// Every element and field name the schema digest of `version` knows (types, fields, markers),
// read from the reference at test time.
std::set<std::string> SchemaNames(const std::string& version) {
  std::ifstream in(std::string(BG_REFERENCE_DIR) + "/legacy-" + version +
                   "-BatchJobOpsService.schema.txt");
  std::set<std::string> names;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("TYPE ", 0) == 0) {
      std::istringstream ss(line.substr(5));
      std::string type;
      ss >> type;
      names.insert(type);  // Operand choice elements are type names
    } else if (line.rfind("  ", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) names.insert(line.substr(2, colon - 2));
    }
  }
  return names;
}

void CollectNames(pugi::xml_node n, std::set<std::string>* out) {
  for (auto c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    out->insert(c.name());
    CollectNames(c, out);
  }
}

class VersionTest : public ServerTest {
 protected:
  std::string RunJob(const std::string& version, std::vector<Rval>* rvals, JobView* end) {
    AdWordsClient client(base(), Credentials{}, version);
    JobView job = client.Create();
    EXPECT_TRUE(job.fault.empty()) << job.fault;
    EXPECT_EQ(Upload(job.upload_url, DialectRequests(Dialect::kPython, Upload4(version))), "");
    *end = client.WaitTerminal(job.id, std::chrono::seconds(60));
    EXPECT_EQ(end->status, "DONE") << end->fault;
    auto got = Fetch("GET", end->download_url);
    EXPECT_EQ(got.status, 200);
    std::string error;
    *rvals = ParseResults(got.body, version, &error);  // checks the root namespace too
    EXPECT_EQ(error, "");
    return got.body;
  }
};

TEST_F(VersionTest, V201809JobAcceptsAndEchoesHeadlinePart3) {
  std::vector<Rval> rvals;
  JobView end;
  std::string body = RunJob("v201809", &rvals, &end);
  ASSERT_EQ(rvals.size(), 4u) << body;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(rvals[i].index, i);
    EXPECT_EQ(rvals[i].error_type, "")
        << i << ": " << rvals[i].reason << " @ " << rvals[i].field_path;
  }
  EXPECT_EQ(end.succeeded, 4);
  EXPECT_EQ(rvals[3].result_element, "AdGroupAd");
  EXPECT_NE(rvals[3].result_xml.find("<headlinePart3>h3</headlinePart3>"), std::string::npos)
      << rvals[3].result_xml;
  EXPECT_NE(rvals[3].result_xml.find("xsi:type=\"ExpandedTextAd\""), std::string::npos)
      << rvals[3].result_xml;
}

TEST_F(VersionTest, V201702JobRejectsHeadlinePart3AndNeverWritesALaterElement) {
  std::vector<Rval> rvals;
  JobView end;
  std::string body = RunJob("v201702", &rvals, &end);
  ASSERT_EQ(rvals.size(), 4u) << body;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(rvals[i].index, i);
    EXPECT_EQ(rvals[i].error_type, "")
        << i << ": " << rvals[i].reason << " @ " << rvals[i].field_path;
  }
  EXPECT_EQ(end.executed, 4);
  EXPECT_EQ(end.succeeded, 3);
  EXPECT_EQ(rvals[3].index, 3);
  EXPECT_EQ(rvals[3].error_type, "RequestError");
  EXPECT_EQ(rvals[3].reason, "INVALID_INPUT");
  EXPECT_EQ(rvals[3].field_path, "operations[3].operand.ad.headlinePart3");
  EXPECT_EQ(rvals[3].trigger, "headlinePart3");

  // Every element of the results is a name v201702 has (headlinePart3, finalUrlSuffix,
  // adGroupAdRotationMode, campaignGroupId, ... exist only in later versions).
  std::set<std::string> known = SchemaNames("v201702");
  ASSERT_GT(known.size(), 500u);
  std::set<std::string> later = SchemaNames("v201809");
  ASSERT_TRUE(later.count("headlinePart3") && !known.count("headlinePart3"));
  for (const char* wrapper : {"mutateResponse", "rval", "result", "errorList", "errors", "index",
                              "fieldPath", "trigger", "errorString", "reason"}) {
    known.insert(wrapper);
  }
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(body.c_str()));
  std::set<std::string> used;
  CollectNames(doc, &used);
  for (const std::string& name : used) EXPECT_TRUE(known.count(name)) << name << " in " << body;
}

}  // namespace
}  // namespace bg::testing
