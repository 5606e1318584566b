#include "client/result_diff.hpp"

#include <gtest/gtest.h>

#include "client/results_reader.hpp"
#include "support/temp_dir.hpp"

namespace bg::client {
namespace {

TEST(IdMapTest, IsABijectionPerKind) {
  IdMap ids;
  EXPECT_FALSE(ids.Match("Campaign", "100", "900"));
  EXPECT_FALSE(ids.Match("Campaign", "100", "900"));  // the same pair again
  // archived 100 must stay 900
  auto a = ids.Match("Campaign", "100", "901");
  ASSERT_TRUE(a);
  EXPECT_NE(a->find("was replayed as 900"), std::string::npos) << *a;
  // replayed 900 cannot stand for another archived id
  auto b = ids.Match("Campaign", "101", "900");
  ASSERT_TRUE(b);
  EXPECT_NE(b->find("stood for archived 100"), std::string::npos) << *b;
  // other kinds have their own mapping
  EXPECT_FALSE(ids.Match("AdGroup", "100", "5"));
  EXPECT_EQ(ids.size(), 2u);
}

TEST(IdMapTest, PinnedIdsMapToThemselves) {
  IdMap ids;
  ids.Pin("2840");
  EXPECT_FALSE(ids.Match("Criterion", "2840", "2840"));
  EXPECT_TRUE(ids.Match("Criterion", "2840", "2841"));
}

TEST(IgnorePatternTest, MatchesTheEndOfThePathOnASegmentBoundary) {
  EXPECT_TRUE(IgnorePatternMatches("startDate", "result.Campaign.startDate"));
  EXPECT_TRUE(IgnorePatternMatches("Campaign.startDate", "result.Campaign.startDate"));
  EXPECT_TRUE(IgnorePatternMatches("Campaign.*Date", "result.Campaign.endDate"));
  EXPECT_TRUE(IgnorePatternMatches("*", "result.Campaign.endDate"));
  EXPECT_FALSE(IgnorePatternMatches("Date", "result.Campaign.startDate"));
  EXPECT_FALSE(IgnorePatternMatches("Campaign", "result.Campaign.startDate"));
  EXPECT_FALSE(IgnorePatternMatches("AdGroup.startDate", "result.Campaign.startDate"));
}

class ResultDiffTest : public ::testing::Test {
 protected:
  // The rvals of a results document whose body is `rvals`.
  std::vector<ResultEntry> Parse(const std::string& rvals) {
    std::string path = dir_.Join("r" + std::to_string(n_++) + ".xml");
    EXPECT_TRUE(testing::WriteFile(path, "<?xml version=\"1.0\"?><mutateResponse xmlns:xsi=\"x\">" +
                                             rvals + "</mutateResponse>"));
    auto reader = ResultsReader::Open(path);
    EXPECT_TRUE(reader.ok());
    std::vector<ResultEntry> out;
    for (;;) {
      auto e = (*reader)->Next();
      EXPECT_TRUE(e.ok()) << e.status().message();
      if (!e.ok() || !*e) break;
      out.push_back(std::move(**e));
    }
    return out;
  }
  size_t Diff(const std::string& archived, const std::string& replayed, ResultDiff& diff) {
    auto a = Parse(archived), b = Parse(replayed);
    EXPECT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) diff.Compare(a[i], b[i]);
    return diff.count();
  }
  const schema::Registry* reg_ = schema::Registry::Get("v201702");
  testing::TempDir dir_{"bg_diff_"};
  int n_ = 0;
};

constexpr const char* kCampaign =
    "<rval><result><Campaign><id>%C</id><name>c</name><budget><budgetId>%B</budgetId></budget>"
    "<startDate>%D</startDate></Campaign></result><index>0</index></rval>"
    "<rval><result><AdGroup><id>%A</id><campaignId>%C</campaignId></AdGroup></result>"
    "<index>1</index></rval>"
    "<rval><result><AdGroupCriterion xsi:type=\"BiddableAdGroupCriterion\"><adGroupId>%A"
    "</adGroupId><criterion xsi:type=\"Keyword\"><id>%K</id><Criterion.Type>Keyword"
    "</Criterion.Type><text>t</text></criterion></AdGroupCriterion></result><index>2</index>"
    "</rval>";

std::string Fill(std::string s, const std::string& c, const std::string& b, const std::string& a,
                 const std::string& k, const std::string& date = "20170308") {
  for (auto [key, v] : {std::pair{"%C", c}, {"%B", b}, {"%A", a}, {"%K", k}, {"%D", date}}) {
    for (size_t p = s.find(key); p != std::string::npos; p = s.find(key)) s.replace(p, 2, v);
  }
  return s;
}

TEST_F(ResultDiffTest, ConsistentlyMappedIdsAreNoDifference) {
  ResultDiff diff(reg_, {});
  EXPECT_EQ(Diff(Fill(kCampaign, "111", "222", "333", "444"),
                 Fill(kCampaign, "901", "902", "903", "904"), diff),
            0u);
  EXPECT_EQ(diff.ids().size(), 4u);
}

TEST_F(ResultDiffTest, AnInconsistentIdIsADifference) {
  ResultDiff diff(reg_, {});
  std::string replayed = Fill(kCampaign, "901", "902", "903", "904");
  replayed.replace(replayed.find("<campaignId>901"), 15, "<campaignId>909");
  EXPECT_EQ(Diff(Fill(kCampaign, "111", "222", "333", "444"), replayed, diff), 1u);
  ASSERT_EQ(diff.listed().size(), 1u);
  EXPECT_EQ(diff.listed()[0].index, 1);
  EXPECT_EQ(diff.listed()[0].path, "result.AdGroup.campaignId");
  EXPECT_NE(diff.listed()[0].note.find("archived Campaign id 111 was replayed as 901"),
            std::string::npos)
      << diff.listed()[0].note;
}

TEST_F(ResultDiffTest, KeywordIdsAreCriterionIds) {
  ResultDiff diff(reg_, {});
  // Criterion 444 -> 904 also binds a later Criterion id (other fields of other types).
  std::string a = Fill(kCampaign, "111", "222", "333", "444") +
                  "<rval><result><AdGroupCriterion xsi:type=\"NegativeAdGroupCriterion\">"
                  "<criterion xsi:type=\"Placement\"><id>444</id></criterion>"
                  "</AdGroupCriterion></result><index>3</index></rval>";
  std::string b = Fill(kCampaign, "901", "902", "903", "904") +
                  "<rval><result><AdGroupCriterion xsi:type=\"NegativeAdGroupCriterion\">"
                  "<criterion xsi:type=\"Placement\"><id>905</id></criterion>"
                  "</AdGroupCriterion></result><index>3</index></rval>";
  EXPECT_EQ(Diff(a, b, diff), 1u);
  EXPECT_NE(diff.listed()[0].note.find("Criterion id 444"), std::string::npos);
}

TEST_F(ResultDiffTest, ValuesMissingExtraAndIgnoredFields) {
  ResultDiff diff(reg_, {{"Campaign.startDate"}, 20});
  std::string a = Fill(kCampaign, "1", "2", "3", "4", "20170308");
  std::string b = Fill(kCampaign, "1", "2", "3", "4", "20261202");
  b.replace(b.find("<name>c</name>"), 14, "<name>d</name><status>PAUSED</status>");
  b.replace(b.find("<text>t</text>"), 14, "");
  EXPECT_EQ(Diff(a, b, diff), 3u);
  ASSERT_EQ(diff.listed().size(), 3u);
  EXPECT_EQ(diff.listed()[0].path, "result.Campaign.name");
  EXPECT_EQ(diff.listed()[0].archived, "c");
  EXPECT_EQ(diff.listed()[0].replayed, "d");
  EXPECT_EQ(diff.listed()[1].path, "result.Campaign.status");
  EXPECT_EQ(diff.listed()[1].note, "not in the archive");
  EXPECT_EQ(diff.listed()[2].path, "result.AdGroupCriterion.criterion.text");
  EXPECT_EQ(diff.listed()[2].note, "missing in the replay");
}

TEST_F(ResultDiffTest, OutcomeAndTypeDifferences) {
  ResultDiff diff(reg_, {});
  std::string a =
      "<rval><result><Budget><budgetId>1</budgetId></Budget></result><index>0</index></rval>"
      "<rval><result><AdGroupCriterion xsi:type=\"BiddableAdGroupCriterion\"/></result>"
      "<index>1</index></rval>";
  std::string b =
      "<rval><errorList><errors xsi:type=\"BudgetError\"><reason>DUPLICATE_NAME</reason>"
      "</errors></errorList><index>0</index></rval>"
      "<rval><result><AdGroupCriterion xsi:type=\"NegativeAdGroupCriterion\"/></result>"
      "<index>1</index></rval>";
  EXPECT_EQ(Diff(a, b, diff), 2u);
  EXPECT_EQ(diff.listed()[0].note, "outcome differs");
  EXPECT_EQ(diff.listed()[0].archived, "Budget");
  EXPECT_EQ(diff.listed()[0].replayed, "errors BudgetError.DUPLICATE_NAME");
  EXPECT_EQ(diff.listed()[1].path, "result.AdGroupCriterion.xsi:type");
}

TEST_F(ResultDiffTest, ErrorsAreComparedFieldByField) {
  ResultDiff diff(reg_, {});
  auto err = [](const char* reason, const char* path) {
    return std::string("<rval><errorList><errors xsi:type=\"CriterionError\"><fieldPath>") + path +
           "</fieldPath><ApiError.Type>CriterionError</ApiError.Type><reason>" + reason +
           "</reason></errors></errorList><index>0</index></rval>";
  };
  EXPECT_EQ(Diff(err("A", "operations[0].x"), err("A", "operations[0].x"), diff), 0u);
  EXPECT_EQ(Diff(err("A", "operations[0].x"), err("B", "operations[0].x"), diff), 1u);
  EXPECT_EQ(diff.listed()[0].path, "errorList.errors.reason");
}

TEST_F(ResultDiffTest, OnlyTheFirstDifferencesAreListed) {
  ResultDiff diff(reg_, {{}, 2});
  for (int i = 0; i < 5; ++i) diff.Add({i, "x", "a", "b", ""});
  EXPECT_EQ(diff.count(), 5u);
  EXPECT_EQ(diff.listed().size(), 2u);
}

}  // namespace
}  // namespace bg::client
