// One upload per client-library dialect (fixtures/uploads/<dialect>.xml, cut and padded the way
// that library does it): every one runs to DONE with the same results.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "integration/adwords_client.hpp"
#include "integration/test_server.hpp"

namespace bg::testing {
namespace {

class DialectTest : public ServerTest, public ::testing::WithParamInterface<Dialect> {};

TEST_P(DialectTest, UploadsRunsAndDownloads) {
  const Dialect d = GetParam();
  // A customer per dialect keeps entity names apart.
  AdWordsClient client(base(), Credentials{"555-000-000" + std::to_string(static_cast<int>(d))});
  JobView job = client.Create();
  ASSERT_TRUE(job.fault.empty()) << job.fault;

  std::string doc = ReadFile(std::string(BG_FIXTURES_DIR) + "/uploads/" + DialectFixture(d));
  ASSERT_FALSE(doc.empty());
  ASSERT_EQ(Upload(job.upload_url, DialectRequests(d, doc)), "");

  JobView done = client.WaitTerminal(job.id, std::chrono::seconds(60));
  ASSERT_EQ(done.status, "DONE") << done.fault << " " << done.processing_trigger;
  EXPECT_EQ(done.executed, 6);
  EXPECT_EQ(done.succeeded, 5);

  auto got = Fetch("GET", done.download_url);
  ASSERT_EQ(got.status, 200);
  std::string error;
  auto rvals = ParseResults(got.body, "v201702", &error);
  ASSERT_EQ(error, "");
  ASSERT_EQ(rvals.size(), 6u);
  const char* elements[] = {"Budget", "Campaign", "AdGroup", "AdGroupCriterion",
                            "AdGroupCriterion"};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(rvals[i].index, i);
    EXPECT_EQ(rvals[i].result_element, elements[i]) << i << " " << rvals[i].error_type << "."
                                                    << rvals[i].reason << " @ "
                                                    << rvals[i].field_path;
  }
  std::string name = DialectName(d);  // the fixtures spell "java_axis" as "java axis"
  std::replace(name.begin(), name.end(), '_', ' ');
  EXPECT_NE(rvals[0].result_xml.find("<name>Budget " + name + "</name>"), std::string::npos)
      << rvals[0].result_xml;
  EXPECT_NE(rvals[3].result_xml.find("<text>mars cruise</text>"), std::string::npos);
  EXPECT_NE(rvals[3].result_xml.find("<userStatus>PAUSED</userStatus>"), std::string::npos)
      << rvals[3].result_xml;
  EXPECT_NE(rvals[4].result_xml.find("<matchType>EXACT</matchType>"), std::string::npos);
  EXPECT_EQ(rvals[5].index, 5);
  EXPECT_EQ(rvals[5].error_type, "CriterionError");
  EXPECT_EQ(rvals[5].reason, "KEYWORD_HAS_INVALID_CHARS");
  EXPECT_EQ(rvals[5].field_path, "operations[5].operand.criterion.text");
  EXPECT_EQ(rvals[5].trigger, "mars!!!");
  if (d == Dialect::kPhp) {  // CDATA with markup characters comes back escaped, same text
    EXPECT_NE(rvals[1].result_xml.find("<name>Campaign php &amp; &lt;\"Mars\"&gt;</name>"),
              std::string::npos)
        << rvals[1].result_xml;
  }
}

INSTANTIATE_TEST_SUITE_P(AllLibraries, DialectTest,
                         ::testing::Values(Dialect::kPython, Dialect::kJavaAxis,
                                           Dialect::kJavaJaxws, Dialect::kPhp, Dialect::kRuby,
                                           Dialect::kPerl, Dialect::kDotnet),
                         [](const auto& info) { return std::string(DialectName(info.param)); });

}  // namespace
}  // namespace bg::testing
