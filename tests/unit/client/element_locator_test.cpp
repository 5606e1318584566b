#include "client/element_locator.hpp"

#include <gtest/gtest.h>

#include "client/validate.hpp"
#include "support/temp_dir.hpp"

namespace bg::client {
namespace {

TEST(NormalizeFieldPathTest, IndexesEverySegment) {
  EXPECT_EQ(NormalizeFieldPath("operations[4].operand.criterion.text"),
            "operations[4].operand[0].criterion[0].text[0]");
  EXPECT_EQ(NormalizeFieldPath("operations[1].operand.finalUrls[2]"),
            "operations[1].operand[0].finalUrls[2]");
  EXPECT_EQ(NormalizeFieldPath("operations[0]"), "operations[0]");
}

class ElementLocatorTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    std::string p = dir_.Join("u.xml");
    EXPECT_TRUE(testing::WriteFile(p, text));
    return p;
  }
  testing::TempDir dir_{"bg_loc_"};
};

constexpr const char* kDoc =
    "<?xml version=\"1.0\"?>\n"                                             // line 1
    "<ns1:mutate xmlns:ns1=\"x\">\n"                                        // 2
    "  <operations><operator>ADD</operator></operations>\n"                 // 3
    "  <operations>\n"                                                      // 4
    "    <operand><finalUrls>a</finalUrls>\n"                               // 5
    "      <finalUrls>b</finalUrls><ns1:name>é</ns1:name><x/></operand>\n"  // 6
    "  </operations>\n"                                                     // 7
    "</ns1:mutate>\n";

TEST_F(ElementLocatorTest, FindsElementsOfTheOperationAskedFor) {
  auto loc = ElementLocator::Open(Write(kDoc));
  ASSERT_TRUE(loc.ok());
  ASSERT_TRUE((*loc)->Seek(0).ok());
  Location op0 = (*loc)->Find("operations[0].operator");
  EXPECT_EQ(op0.line, 3u);
  EXPECT_EQ(op0.column, 15u);
  EXPECT_TRUE(op0.exact);
  ASSERT_TRUE((*loc)->Seek(1).ok());
  Location url1 = (*loc)->Find("operations[1].operand.finalUrls[1]");
  EXPECT_EQ(url1.line, 6u);
  EXPECT_EQ(url1.column, 7u);
  Location x = (*loc)->Find("operations[1].operand.x");
  EXPECT_EQ(x.line, 6u);
  EXPECT_EQ(x.column, 53u);  // after "é": one character (two bytes); columns count characters
  Location name = (*loc)->Find("operations[1].operand.name");  // prefixes do not matter
  EXPECT_EQ(name.column, 31u);
  Location whole = (*loc)->Find("");
  EXPECT_EQ(whole.line, 4u);
  EXPECT_EQ(whole.column, 3u);
}

TEST_F(ElementLocatorTest, AnAbsentElementResolvesToItsNearestAncestor) {
  auto loc = ElementLocator::Open(Write(kDoc));
  ASSERT_TRUE(loc.ok());
  ASSERT_TRUE((*loc)->Seek(1).ok());
  Location l = (*loc)->Find("operations[1].operand.budget.budgetId");
  EXPECT_FALSE(l.exact);
  EXPECT_EQ(l.line, 5u);
  EXPECT_EQ(l.column, 5u);
}

TEST_F(ElementLocatorTest, SeekingPastTheEndOrBackwardsFails) {
  auto loc = ElementLocator::Open(Write(kDoc));
  ASSERT_TRUE(loc.ok());
  ASSERT_TRUE((*loc)->Seek(1).ok());
  EXPECT_FALSE((*loc)->Seek(0).ok());
  EXPECT_EQ((*loc)->Seek(2).code(), StatusCode::kNotFound);
}

TEST_F(ElementLocatorTest, ValidateReportsProblemsAtTheirLineAndColumn) {
  const schema::Registry* reg = schema::Registry::Get("v201702");
  ASSERT_NE(reg, nullptr);
  std::string path = Write(
      "<mutate xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
      "<operations xsi:type=\"BudgetOperation\"><operator>ADD</operator><operand>"
      "<budgetId>-1</budgetId><name>n</name><amount><microAmount>1</microAmount></amount>"
      "</operand></operations>\n"
      "<operations xsi:type=\"AdGroupCriterionOperation\"><operator>ADD</operator>\n"
      "  <operand xsi:type=\"BiddableAdGroupCriterion\"><adGroupId>1</adGroupId>\n"
      "    <criterion xsi:type=\"Keyword\"><text>t</text><matchType>BROAD</matchType>"
      "<color>red</color></criterion></operand></operations>\n"
      "<operations xsi:type=\"AdGroupOperation\"><operator>FLY</operator><operand><id>1</id>"
      "</operand></operations>\n"
      "</mutate>\n");
  std::vector<UploadProblem> problems;
  Result<int64_t> ops =
      ValidateUpload(path, *reg, [&](const UploadProblem& p) { problems.push_back(p); });
  ASSERT_TRUE(ops.ok()) << ops.status().message();
  EXPECT_EQ(*ops, 3);
  ASSERT_GE(problems.size(), 2u);
  EXPECT_EQ(problems[0].operation, 1);
  EXPECT_EQ(problems[0].field_path, "operations[1].operand.criterion.color");
  EXPECT_EQ(problems[0].error, "RequestError.INVALID_INPUT");
  EXPECT_EQ(problems[0].line, 5u);
  EXPECT_EQ(problems[0].column, 77u);
  EXPECT_EQ(problems[1].operation, 2);
  EXPECT_EQ(problems[1].line, 6u);
}

TEST_F(ElementLocatorTest, ValidateReportsABrokenDocumentOnce) {
  const schema::Registry* reg = schema::Registry::Get("v201702");
  std::string path = Write("<mutate>\n<operations><operator>ADD</operator>\n</mutate>");
  std::vector<UploadProblem> problems;
  Result<int64_t> ops =
      ValidateUpload(path, *reg, [&](const UploadProblem& p) { problems.push_back(p); });
  ASSERT_TRUE(ops.ok());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].operation, -1);
  EXPECT_EQ(problems[0].error, "FILE_FORMAT_ERROR");
  EXPECT_EQ(problems[0].line, 3u);
  EXPECT_EQ(problems[0].column, 3u);
}

}  // namespace
}  // namespace bg::client
