// The whole v201702 flow against the real server: the three-request example of the guide
// (262144 + 262144 + 17 bytes, cut anywhere, last one padded), polling, download, results.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "integration/adwords_client.hpp"
#include "integration/test_server.hpp"

namespace bg::testing {
namespace {

constexpr char kNs[] = "https://adwords.google.com/api/adwords/cm/v201702";

// A document of exactly `size` bytes: budget, campaign, ad group, then keywords; the gap before
// the end tag is filled with spaces (whitespace between elements).
std::string GuideDocument(size_t size, int* num_ops) {
  std::string head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ns1:mutate xmlns:ns1=\"" +
                     std::string(kNs) +
                     "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";
  std::string doc = head;
  doc += "<operations xsi:type=\"ns1:BudgetOperation\"><operator>ADD</operator><operand>"
         "<budgetId>-1</budgetId><name>Guide budget</name><amount><microAmount>50000000"
         "</microAmount></amount><deliveryMethod>STANDARD</deliveryMethod></operand></operations>"
         "<operations xsi:type=\"ns1:CampaignOperation\"><operator>ADD</operator><operand>"
         "<id>-2</id><name>Guide campaign</name><status>PAUSED</status><budget><budgetId>-1"
         "</budgetId></budget><advertisingChannelType>SEARCH</advertisingChannelType>"
         "<biddingStrategyConfiguration><biddingStrategyType>MANUAL_CPC</biddingStrategyType>"
         "</biddingStrategyConfiguration></operand></operations>"
         "<operations xsi:type=\"ns1:AdGroupOperation\"><operator>ADD</operator><operand>"
         "<id>-3</id><campaignId>-2</campaignId><name>Guide ad group</name></operand>"
         "</operations>";
  *num_ops = 3;
  const std::string tail = "</ns1:mutate>";
  for (int k = 0;; ++k) {
    std::string op =
        "<operations xsi:type=\"ns1:AdGroupCriterionOperation\"><operator>ADD</operator>"
        "<operand xsi:type=\"ns1:BiddableAdGroupCriterion\"><adGroupId>-3</adGroupId>"
        "<criterion xsi:type=\"ns1:Keyword\"><text>guide keyword " +
        std::to_string(k) + "</text><matchType>BROAD</matchType></criterion></operand>"
        "</operations>";
    if (doc.size() + op.size() + tail.size() > size) break;
    doc += op;
    ++*num_ops;
  }
  doc.append(size - doc.size() - tail.size(), ' ');
  doc += tail;
  return doc;
}

class FlowTest : public ServerTest {};

TEST_F(FlowTest, GuideExampleThreeRequestsThenPollAndDownload) {
  AdWordsClient client(base(), Credentials{});
  JobView job = client.Create();
  ASSERT_TRUE(job.fault.empty()) << job.fault;
  EXPECT_EQ(job.status, "AWAITING_FILE");
  ASSERT_FALSE(job.upload_url.empty());

  int num_ops = 0;
  std::string doc = GuideDocument(2 * kPadUnit + 17, &num_ops);
  ASSERT_EQ(doc.size(), 2 * kPadUnit + 17);
  auto requests = GuideExampleRequests(doc);
  ASSERT_EQ(requests[2].body.size(), kPadUnit);
  ASSERT_EQ(Upload(job.upload_url, requests), "");

  std::vector<std::string> seen;
  JobView done = client.WaitTerminal(job.id, std::chrono::seconds(120), &seen);
  ASSERT_TRUE(done.fault.empty()) << done.fault;
  EXPECT_EQ(done.status, "DONE");
  EXPECT_NE(std::find(seen.begin(), seen.end(), "ACTIVE"), seen.end())
      << "get must report ACTIVE at least once";
  EXPECT_EQ(done.executed, num_ops);
  EXPECT_EQ(done.succeeded, num_ops);
  EXPECT_EQ(done.percent, 100);
  ASSERT_FALSE(done.download_url.empty());

  auto got = Fetch("GET", done.download_url);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.Header("Content-Type").rfind("application/xml", 0), 0u);
  EXPECT_TRUE(got.Header("Content-Encoding").empty());
  std::string error;
  auto rvals = ParseResults(got.body, "v201702", &error);
  ASSERT_EQ(error, "");
  ASSERT_EQ(rvals.size(), static_cast<size_t>(num_ops));
  for (int i = 0; i < num_ops; ++i) {
    EXPECT_EQ(rvals[i].index, i);
    EXPECT_TRUE(rvals[i].error_type.empty()) << i << ": " << rvals[i].error_type << "."
                                             << rvals[i].reason << " @ " << rvals[i].field_path;
  }
  EXPECT_EQ(rvals[0].result_element, "Budget");
  EXPECT_EQ(rvals[1].result_element, "Campaign");
  EXPECT_EQ(rvals[2].result_element, "AdGroup");
  EXPECT_EQ(rvals[3].result_element, "AdGroupCriterion");
  EXPECT_EQ(rvals[3].result_xsi_type, "BiddableAdGroupCriterion");
  EXPECT_NE(rvals[1].result_xml.find("<budgetId>"), std::string::npos);
  EXPECT_EQ(rvals[1].result_xml.find("<budgetId>-"), std::string::npos)
      << "temporary ids must be replaced by real ones: " << rvals[1].result_xml;
  EXPECT_NE(rvals[3].result_xml.find("<text>guide keyword 0</text>"), std::string::npos);
}

TEST_F(FlowTest, CancelWhileAwaitingFileEndsCanceledWithEmptyResults) {
  AdWordsClient client(base(), Credentials{});
  JobView job = client.Create();
  ASSERT_TRUE(job.fault.empty()) << job.fault;
  JobView canceling = client.Cancel(job.id);
  EXPECT_EQ(canceling.status, "CANCELING") << canceling.fault;
  JobView again = client.Cancel(job.id);
  EXPECT_NE(again.fault.find("BatchJobError.INVALID_STATE_CHANGE"), std::string::npos)
      << again.fault << again.status;
  JobView end = client.WaitTerminal(job.id, std::chrono::seconds(60));
  EXPECT_EQ(end.status, "CANCELED") << end.fault;
  ASSERT_FALSE(end.download_url.empty());
  auto got = Fetch("GET", end.download_url);
  ASSERT_EQ(got.status, 200);
  std::string error;
  EXPECT_TRUE(ParseResults(got.body, "v201702", &error).empty());
  EXPECT_EQ(error, "");
}

TEST_F(FlowTest, OneCustomerNeverSeesAnothersJobs) {
  AdWordsClient alice(base(), Credentials{"111-111-1111", "t", "a"});
  AdWordsClient bob(base(), Credentials{"2222222222", "t", "b"});
  JobView job = alice.Create();
  ASSERT_TRUE(job.fault.empty()) << job.fault;
  EXPECT_FALSE(bob.Get(job.id).fault.empty());
  EXPECT_FALSE(bob.Cancel(job.id).fault.empty());
  EXPECT_EQ(alice.Get(job.id).status, "AWAITING_FILE");
}

}  // namespace
}  // namespace bg::testing
