// Sandbox rules about REMOVED entities (they stay removed and parent nothing new) and budget
// amounts in the account currency's units.
#include "unit/backend/sandbox_fixture.hpp"

namespace bg::backend {
namespace {

TEST_F(SandboxTest, ARemovedCampaignIsFinalAndParentsNothing) {
  Tree t = MakeTree();  // operations 0-2
  auto removed =
      Apply("CampaignOperation", "SET",
            Text("Campaign", {{"id", std::to_string(t.campaign)}, {"status", "REMOVED"}}));
  ASSERT_TRUE(removed.errors.empty()) << Errors(removed);

  // No new ad group under it: a REMOVED parent is as gone as a missing one.
  EXPECT_EQ(Errors(Apply("AdGroupOperation", "ADD", AdGroup(-4, t.campaign, "g2"))),
            "EntityNotFound.INVALID_ID@operations[4].operand.campaignId;");
  // Also through the temp id that created it.
  EXPECT_EQ(Errors(Apply("AdGroupOperation", "ADD", AdGroup(-5, -2, "g3"))),
            "EntityNotFound.INVALID_ID@operations[5].operand.campaignId;");
  // No revival, and no other change either.
  EXPECT_EQ(Errors(Apply("CampaignOperation", "SET",
                         Text("Campaign", {{"id", "-2"}, {"status", "ENABLED"}}))),
            "OperationAccessDenied.OPERATION_NOT_PERMITTED_FOR_REMOVED_ENTITY@operations[6];");
  EXPECT_EQ(Errors(Apply("CampaignOperation", "SET",
                         Text("Campaign", {{"id", std::to_string(t.campaign)}, {"name", "c9"}}))),
            "OperationAccessDenied.OPERATION_NOT_PERMITTED_FOR_REMOVED_ENTITY@operations[7];");
  EXPECT_EQ(Count(Kind::kAdGroup), 1);

  // What was stored is unchanged: a seeded-style dump shows the campaign still REMOVED, "c1".
  auto dump = sandbox::DumpAccount(*db_, kCustomer, Version());
  ASSERT_TRUE(dump.ok()) << dump.status().ToString();
  EXPECT_NE(dump->find("<name>c1</name>"), std::string::npos) << *dump;
  EXPECT_EQ(dump->find("<name>c9</name>"), std::string::npos) << *dump;
}

TEST_F(SandboxTest, ARemovedAdGroupIsFinalAndParentsNothing) {
  Tree t = MakeTree();  // operations 0-2
  auto kw = Apply("AdGroupCriterionOperation", "ADD",
                  Criterion("BiddableAdGroupCriterion", t.ad_group, std::nullopt, "red shoes"));
  ASSERT_TRUE(kw.errors.empty()) << Errors(kw);
  const int64_t kw_id = *kw.result->Child("criterion")->Int("id");
  auto removed =
      Apply("AdGroupOperation", "SET",
            Text("AdGroup", {{"id", std::to_string(t.ad_group)}, {"status", "REMOVED"}}));
  ASSERT_TRUE(removed.errors.empty()) << Errors(removed);
  EXPECT_EQ(removed.result->Text("status"), "REMOVED");

  EXPECT_EQ(Errors(Apply("AdGroupOperation", "SET",
                         Text("AdGroup", {{"id", "-3"}, {"status", "ENABLED"}}))),
            "OperationAccessDenied.OPERATION_NOT_PERMITTED_FOR_REMOVED_ENTITY@operations[5];");
  // Its criteria can be neither added, changed nor removed any more.
  EXPECT_EQ(Errors(Apply("AdGroupCriterionOperation", "ADD",
                         Criterion("BiddableAdGroupCriterion", t.ad_group, std::nullopt, "blue"))),
            "EntityNotFound.INVALID_ID@operations[6].operand.adGroupId;");
  Node set = Criterion("BiddableAdGroupCriterion", t.ad_group, kw_id, "");
  set.Set("userStatus", "PAUSED");
  EXPECT_EQ(Errors(Apply("AdGroupCriterionOperation", "SET", set)),
            "EntityNotFound.INVALID_ID@operations[7].operand.adGroupId;");
  EXPECT_EQ(Errors(Apply("AdGroupCriterionOperation", "REMOVE",
                         Criterion("BiddableAdGroupCriterion", t.ad_group, kw_id, ""))),
            "EntityNotFound.INVALID_ID@operations[8].operand.adGroupId;");
}

TEST_F(SandboxTest, AnAddCannotCreateARemovedEntity) {
  ASSERT_TRUE(Apply("BudgetOperation", "ADD", Budget(-1, "b1")).errors.empty());
  Node campaign = Campaign(-2, "c1", -1);
  campaign.Set("status", "REMOVED");
  EXPECT_EQ(Errors(Apply("CampaignOperation", "ADD", campaign)),
            "OperationAccessDenied.ADD_AS_REMOVED_NOT_PERMITTED@operations[1].operand.status"
            "[REMOVED];");
  ASSERT_TRUE(Apply("CampaignOperation", "ADD", Campaign(-3, "c1", -1)).errors.empty());
  Node ad_group = AdGroup(-4, -3, "g1");
  ad_group.Set("status", "REMOVED");
  EXPECT_EQ(Errors(Apply("AdGroupOperation", "ADD", ad_group)),
            "OperationAccessDenied.ADD_AS_REMOVED_NOT_PERMITTED@operations[3].operand.status"
            "[REMOVED];");
  EXPECT_EQ(Count(Kind::kCampaign), 1);
  EXPECT_EQ(Count(Kind::kAdGroup), 0);
}

// Budgets are in the account currency (USD in the sandbox): whole cents, i.e. multiples of 10000
// micros, and at least the minimum CPC of one cent.
TEST_F(SandboxTest, BudgetAmountsAreWholeMinimumCurrencyUnits) {
  EXPECT_EQ(Errors(Apply("BudgetOperation", "ADD", Budget(-1, "b1", 33509999))),
            "BudgetError.NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT@operations[0].operand.amount;");
  EXPECT_EQ(
      Errors(Apply("BudgetOperation", "ADD", Budget(-2, "b2", 5000))),
      "BudgetError.MONEY_AMOUNT_LESS_THAN_CURRENCY_MINIMUM_CPC@operations[1].operand.amount;");
  auto cent = Apply("BudgetOperation", "ADD", Budget(-3, "b3", 10000));
  ASSERT_TRUE(cent.errors.empty()) << Errors(cent);
  ASSERT_TRUE(Apply("BudgetOperation", "ADD", Budget(-4, "b4", 33510000)).errors.empty());

  Node set = Text("Budget", {{"budgetId", "-3"}});
  set.SetChild("amount", Text("Money", {{"microAmount", "1234567"}}));
  EXPECT_EQ(Errors(Apply("BudgetOperation", "SET", set)),
            "BudgetError.NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT@operations[4].operand.amount;");
  set.Child("amount")->Set("microAmount", "1230000");
  auto ok = Apply("BudgetOperation", "SET", set);
  ASSERT_TRUE(ok.errors.empty()) << Errors(ok);
  EXPECT_EQ(ok.result->Child("amount")->Int("microAmount"), 1230000);
  EXPECT_EQ(Count(Kind::kBudget), 2);
}

}  // namespace
}  // namespace bg::backend
