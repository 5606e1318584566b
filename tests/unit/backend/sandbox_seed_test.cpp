// Seed files and account dumps: fixtures/accounts/ load, dump in schema order, reload to the
// same dump, ids continue above seeded ones, bad files are rejected whole.
#include <fstream>
#include <sstream>

#include "unit/backend/sandbox_fixture.hpp"

namespace bg::backend {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_F(SandboxTest, SeedsEveryAccountFixture) {
  for (const auto& entry : std::filesystem::directory_iterator(BG_FIXTURES_DIR "/accounts")) {
    if (entry.path().extension() != ".xml") continue;
    SCOPED_TRACE(entry.path().string());
    auto n = sandbox::SeedFile(*db_, entry.path().string());
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    EXPECT_GT(*n, 0);
  }
}

TEST_F(SandboxTest, SeedDumpRoundTrip) {
  ASSERT_TRUE(sandbox::SeedFile(*db_, BG_FIXTURES_DIR "/accounts/golden.xml").ok());
  auto dump = sandbox::DumpAccount(*db_, "123-456-7890");
  ASSERT_TRUE(dump.ok()) << dump.status().ToString();
  const std::string& xml = *dump;
  EXPECT_EQ(
      xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<accounts xmlns=\"https://adwords"
                ".google.com/api/adwords/cm/v201809\"",
                0),
      0u)
      << xml;
  EXPECT_NE(xml.find("<account customerId=\"1234567890\">"), std::string::npos);
  EXPECT_NE(xml.find("<Label xsi:type=\"TextLabel\"><id>2870001</id><name>Summer sale</name>"
                     "<status>ENABLED</status></Label>"),
            std::string::npos)
      << xml;
  // Schema order: the feed's status comes before origin, attributes before status.
  EXPECT_NE(xml.find("<attributes><id>2</id><name>Final URL</name><type>URL</type></attributes>"
                     "<status>ENABLED</status><origin>USER</origin></Feed>"),
            std::string::npos)
      << xml;
  // Reloading the dump (into a fresh database) dumps the same bytes.
  auto other = sqlite::Db::Open(dir_ + "/other.db");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(sandbox::SeedText(**other, xml, "dump").ok());
  auto again = sandbox::DumpAccount(**other, "1234567890");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, xml);
  EXPECT_EQ(sandbox::DumpAccount(*db_, "999").status().code(), StatusCode::kNotFound);
}

TEST_F(SandboxTest, SeededEntitiesAreUsableAndIdsContinueAboveThem) {
  Seed(
      "<Budget><budgetId>410239000</budgetId><name>seeded</name><amount><microAmount>1000000"
      "</microAmount></amount><isExplicitlyShared>true</isExplicitlyShared><status>ENABLED</status>"
      "</Budget><Campaign><id>901239000</id><name>seeded c</name><status>PAUSED</status><budget>"
      "<budgetId>410239000</budgetId></budget></Campaign>");
  auto b = Apply("BudgetOperation", "ADD", Budget(-1, "new"));
  ASSERT_TRUE(b.errors.empty()) << Errors(b);
  EXPECT_EQ(b.result->Int("budgetId"), 410239001);
  EXPECT_EQ(Errors(Apply("BudgetOperation", "ADD", Budget(-2, "seeded"))),
            "BudgetError.DUPLICATE_NAME@operations[1].operand.name[seeded];");
  auto g = Apply("AdGroupOperation", "ADD", AdGroup(-3, 901239000, "g"));
  ASSERT_TRUE(g.errors.empty()) << Errors(g);
  EXPECT_EQ(g.result->Text("campaignName"), "seeded c");
  Seed(
      "<AdGroup><id>40123459999</id><campaignId>901239000</campaignId><name>sg</name></AdGroup>"
      "<AdGroupCriterion xsi:type=\"BiddableAdGroupCriterion\"><adGroupId>40123459999</adGroupId>"
      "<criterion xsi:type=\"Keyword\"><id>16927179999</id><text>seeded kw</text><matchType>BROAD"
      "</matchType></criterion><userStatus>ENABLED</userStatus></AdGroupCriterion>");
  Node set =
      Text("BiddableAdGroupCriterion", {{"adGroupId", "40123459999"}, {"userStatus", "PAUSED"}});
  set.SetChild("criterion", Text("Keyword", {{"id", "16927179999"}}));
  auto s = Apply("AdGroupCriterionOperation", "SET", set);
  ASSERT_TRUE(s.errors.empty()) << Errors(s);
  EXPECT_EQ(s.result->Child("criterion")->Text("text"), "seeded kw");
}

TEST_F(SandboxTest, BadSeedFilesAreRejectedWhole) {
  auto bad = [&](const std::string& xml) {
    auto n = sandbox::SeedText(*db_, xml, "bad.xml");
    EXPECT_FALSE(n.ok());
    return n.ok() ? std::string() : n.status().message();
  };
  EXPECT_NE(bad("<account customerId=\"1\"><Label><name>x</name></Label></account>")
                .find("needs its real ids"),
            std::string::npos);
  EXPECT_NE(bad("<account customerId=\"1\"><Media/></account>").find("cannot be seeded"),
            std::string::npos);
  EXPECT_NE(bad("<account><Label><id>1</id></Label></account>").find("customerId"),
            std::string::npos);
  EXPECT_NE(bad("<nope/>").find("root element"), std::string::npos);
  EXPECT_NE(bad("<account").find("bad.xml"), std::string::npos);
  // All or nothing: the good label before the bad element is not stored.
  bad("<account "
      "customerId=\"1234567890\"><Label><id>5</id><name>ok</name></Label><Media/></account>");
  EXPECT_EQ(Count(Kind::kLabel), 0);
}

}  // namespace
}  // namespace bg::backend
