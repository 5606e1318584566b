// `batchgate validate FILE`: offline, the gateway's own op reader and validator, every problem
// with its line and column.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/command.hpp"
#include "support/temp_dir.hpp"

namespace bg::testing {
namespace {

const std::string kFixtures = BG_FIXTURES_DIR;

// Line 7 column 7 holds the unknown element <amont>; line 11 column 51 the bad enum value;
// operation 2 lacks its required adGroupId and text: they are located at their parents, the
// <operand> (14:5) and the <criterion> (14:50).
constexpr const char* kBroken =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<mutate xmlns=\"https://adwords.google.com/api/adwords/cm/v201702\"\n"
    "        xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
    "  <operations xsi:type=\"BudgetOperation\">\n"
    "    <operator>ADD</operator>\n"
    "    <operand><budgetId>-1</budgetId><name>b</name>\n"
    "      <amont><microAmount>1</microAmount></amont></operand>\n"
    "  </operations>\n"
    "  <operations xsi:type=\"AdGroupCriterionOperation\"><operator>ADD</operator>\n"
    "    <operand xsi:type=\"BiddableAdGroupCriterion\"><adGroupId>-3</adGroupId>\n"
    "      <criterion xsi:type=\"Keyword\"><text>k</text><matchType>SIDEWAYS</matchType>\n"
    "      </criterion></operand></operations>\n"
    "  <operations xsi:type=\"AdGroupCriterionOperation\"><operator>ADD</operator>\n"
    "    <operand xsi:type=\"BiddableAdGroupCriterion\"><criterion xsi:type=\"Keyword\">\n"
    "      <matchType>BROAD</matchType></criterion></operand></operations>\n"
    "</mutate>\n";

TEST(CliValidateTest, ReportsEveryProblemAtItsLineAndColumn) {
  TempDir dir("bg_validate_");
  const std::string file = dir.Join("broken.xml");
  ASSERT_TRUE(WriteFile(file, kBroken));
  CommandResult r = RunBatchgate({"validate", file});
  ASSERT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.out.find(file + ":7:7: operations[0].operand.amont: RequestError.INVALID_INPUT "
                              "(trigger 'amont')"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(file + ":11:51: operations[1].operand.criterion.matchType: "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(file + ":14:5: operations[2].operand.adGroupId: RequiredError.REQUIRED "
                              "[absent;"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(file + ":14:50: operations[2].operand.criterion.text: "
                              "RequiredError.REQUIRED"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(file + ": 3 operations, 4 problems (v201702)"), std::string::npos) << r.out;
}

TEST(CliValidateTest, JsonOutput) {
  TempDir dir("bg_validate_json_");
  const std::string file = dir.Join("broken.xml");
  ASSERT_TRUE(WriteFile(file, kBroken));
  CommandResult r = RunBatchgate({"validate", "--format", "json", file});
  ASSERT_EQ(r.exit_code, 1) << r.Describe();
  boost::json::value v = boost::json::parse(r.out);
  EXPECT_EQ(v.at("operations").as_int64(), 3);
  EXPECT_FALSE(v.at("valid").as_bool());
  const auto& problems = v.at("problems").as_array();
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_EQ(problems[0].at("line").as_int64(), 7);
  EXPECT_EQ(problems[0].at("column").as_int64(), 7);
  EXPECT_EQ(problems[0].at("operation").as_int64(), 0);
  EXPECT_EQ(problems[0].at("fieldPath").as_string(), "operations[0].operand.amont");
  EXPECT_FALSE(problems[2].at("exact").as_bool());
}

TEST(CliValidateTest, AMalformedDocumentIsOneProblemWhereTheParserStopped) {
  TempDir dir("bg_validate_doc_");
  const std::string file = dir.Join("truncated.xml");
  ASSERT_TRUE(WriteFile(file,
                        "<mutate>\n  <operations><operator>ADD</operator>\n"
                        "  <operand><name>x</nam></operand></operations>\n</mutate>\n"));
  CommandResult r = RunBatchgate({"validate", "--version", "v201809", file});
  // Where expat stops: at the name of the end tag that does not match (line 3, column 21).
  ASSERT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.out.find(file + ":3:21: the document is malformed: mismatched tag"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("FILE_FORMAT_ERROR"), std::string::npos);
  EXPECT_NE(r.out.find("(v201809)"), std::string::npos);
}

TEST(CliValidateTest, ValidUploadsOfEveryDialectPass) {
  for (const char* f : {"uploads/php.xml", "uploads/java_axis.xml", "uploads/python.xml",
                        "uploads/dotnet.xml", "archive/java_axis_v201809/upload.xml"}) {
    CommandResult r = RunBatchgate({"validate", kFixtures + "/" + f});
    EXPECT_EQ(r.exit_code, 0) << f << ": " << r.Describe();
    EXPECT_NE(r.out.find(", 0 problems ("), std::string::npos) << r.out;
  }
}

TEST(CliValidateTest, UsageErrors) {
  CommandResult missing = RunBatchgate({"validate", "/nonexistent/upload.xml"});
  EXPECT_EQ(missing.exit_code, 2) << missing.Describe();
  TempDir dir("bg_validate_usage_");
  ASSERT_TRUE(WriteFile(dir.Join("u.xml"), "<mutate/>"));
  CommandResult version = RunBatchgate({"validate", "--version", "v201509", dir.Join("u.xml")});
  EXPECT_EQ(version.exit_code, 2) << version.Describe();
  EXPECT_NE(version.err.find("unsupported version v201509"), std::string::npos);
  CommandResult help = RunBatchgate({"validate", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--version"), std::string::npos);
}

}  // namespace
}  // namespace bg::testing
