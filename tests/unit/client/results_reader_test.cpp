#include "client/results_reader.hpp"

#include <gtest/gtest.h>

#include "client/results_summary.hpp"
#include "support/temp_dir.hpp"

namespace bg::client {
namespace {

class ResultsReaderTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    std::string p = dir_.Join("r" + std::to_string(n_++) + ".xml");
    EXPECT_TRUE(testing::WriteFile(p, text));
    return p;
  }
  // All entries, or the error message.
  std::vector<ResultEntry> ReadAll(const std::string& path, std::string* error) {
    std::vector<ResultEntry> out;
    auto reader = ResultsReader::Open(path);
    if (!reader.ok()) {
      *error = reader.status().message();
      return out;
    }
    for (;;) {
      auto e = (*reader)->Next();
      if (!e.ok()) {
        *error = e.status().message();
        return out;
      }
      if (!*e) return out;
      out.push_back(std::move(**e));
    }
  }
  testing::TempDir dir_{"bg_rr_"};
  int n_ = 0;
};

TEST_F(ResultsReaderTest, StreamsRvalsWithIndexTypeAndText) {
  std::string error;
  auto all = ReadAll(Write("<?xml version=\"1.0\"?>\n<mutateResponse xmlns=\"x\">\n"
                           "  <rval>\n    <result><ns:Budget><budgetId>1</budgetId><name> a b "
                           "</name></ns:Budget></result>\n    <index>0</index>\n  </rval>\n"
                           "  <rval><errorList><errors xmlns:xsi=\"i\" xsi:type=\"p:BudgetError\">"
                           "<reason>DUPLICATE_NAME</reason></errors></errorList><index>1</index>"
                           "</rval>\n</mutateResponse>"),
                     &error);
  ASSERT_EQ(error, "");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].index, 0);
  EXPECT_TRUE(all[0].ok());
  const XmlTree* budget = all[0].rval.Child("result")->Child("Budget");
  ASSERT_NE(budget, nullptr);
  EXPECT_EQ(budget->ChildText("name"), " a b ");     // leaf text is kept as it is
  EXPECT_EQ(all[0].rval.Child("result")->text, "");  // whitespace between children is not
  EXPECT_EQ(all[1].index, 1);
  EXPECT_FALSE(all[1].ok());
  EXPECT_EQ(all[1].rval.Child("errorList")->Child("errors")->xsi_type, "BudgetError");
}

TEST_F(ResultsReaderTest, EmptyOrBlankFilesHoldNoResults) {
  std::string error;
  EXPECT_TRUE(ReadAll(Write(""), &error).empty());
  EXPECT_EQ(error, "");
  EXPECT_TRUE(ReadAll(Write("   \n  "), &error).empty());
  EXPECT_EQ(error, "");
  EXPECT_TRUE(ReadAll(Write("<mutateResponse/>"), &error).empty());
  EXPECT_EQ(error, "");
}

TEST_F(ResultsReaderTest, FindsRvalsInsideASoapEnvelope) {
  std::string error;
  auto all = ReadAll(Write("<soap:Envelope xmlns:soap=\"s\"><soap:Body><mutateResponse><rval>"
                           "<result><Campaign><id>7</id></Campaign></result><index>0</index>"
                           "</rval></mutateResponse></soap:Body></soap:Envelope>"),
                     &error);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].rval.Child("result")->Child("Campaign")->ChildText("id"), "7");
}

TEST_F(ResultsReaderTest, MalformedDocumentsSayWhere) {
  std::string error;
  auto all = ReadAll(Write("<mutateResponse><rval><index>0</index></rval>\n<rval><index>1"
                           "</rval></mutateResponse>"),
                     &error);
  EXPECT_EQ(all.size(), 1u);  // the first result is delivered before the error
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
  ReadAll(Write("<!DOCTYPE x [<!ENTITY a \"b\">]><mutateResponse/>"), &error);
  EXPECT_NE(error.find("DOCTYPE"), std::string::npos) << error;
}

TEST_F(ResultsReaderTest, SummaryCountsAndGroupsErrors) {
  std::string path = Write(
      "<mutateResponse><rval><result><Budget/></result><index>0</index></rval>"
      "<rval><errorList><errors xsi:type=\"CriterionError\"><fieldPath>operations[1].x"
      "</fieldPath><trigger>t</trigger><reason>R</reason></errors><errors><ApiError.Type>"
      "RangeError</ApiError.Type><reason>TOO_LOW</reason></errors></errorList><index>1</index>"
      "</rval><rval><errorList><errors xsi:type=\"CriterionError\"><reason>R</reason></errors>"
      "</errorList><index>2</index></rval></mutateResponse>");
  ResultsSummary summary(1);
  ASSERT_TRUE(ScanResults(path, "", &summary, nullptr).ok());
  EXPECT_EQ(summary.results(), 3);
  EXPECT_EQ(summary.succeeded(), 1);
  EXPECT_EQ(summary.failed(), 2);
  EXPECT_EQ(summary.by_error().at("CriterionError.R"), 2);
  EXPECT_EQ(summary.by_error().at("RangeError.TOO_LOW"), 1);
  ASSERT_EQ(summary.first_failures().size(), 1u);
  EXPECT_EQ(summary.first_failures()[0].index, 1);
  EXPECT_EQ(summary.first_failures()[0].errors,
            "CriterionError.R @ operations[1].x (trigger 't'); RangeError.TOO_LOW");
}

TEST_F(ResultsReaderTest, ScanResultsMergesByIndex) {
  auto rv = [](int i) {
    return "<rval><result><Budget><name>b</name></Budget></result><index>" + std::to_string(i) +
           "</index></rval>";
  };
  std::string archived = Write("<r>" + rv(0) + rv(1) + rv(3) + "</r>");
  std::string replayed = Write("<r>" + rv(0) + rv(2) + rv(3) + "</r>");
  ResultsSummary summary;
  ResultDiff diff(nullptr, {});
  ASSERT_TRUE(ScanResults(replayed, archived, &summary, &diff).ok());
  EXPECT_EQ(summary.results(), 3);
  ASSERT_EQ(diff.count(), 2u);
  EXPECT_EQ(diff.listed()[0].index, 1);
  EXPECT_EQ(diff.listed()[0].note, "missing in the replay");
  EXPECT_EQ(diff.listed()[1].index, 2);
  EXPECT_EQ(diff.listed()[1].note, "not in the archive");
}

TEST_F(ResultsReaderTest, ScanResultsReportsResultsOutOfOrder) {
  auto rv = [](int i) {
    return "<rval><result><Budget/></result><index>" + std::to_string(i) + "</index></rval>";
  };
  std::string archived = Write("<r>" + rv(1) + rv(0) + "</r>");
  std::string replayed = Write("<r>" + rv(0) + rv(1) + "</r>");
  ResultsSummary summary;
  ResultDiff diff(nullptr, {});
  ASSERT_TRUE(ScanResults(replayed, archived, &summary, &diff).ok());
  EXPECT_EQ(summary.results(), 2);
  ASSERT_GE(diff.count(), 1u);
  EXPECT_NE(diff.listed().back().note.find("not in index order"), std::string::npos);
}

}  // namespace
}  // namespace bg::client
