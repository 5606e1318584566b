// Sandbox backend: entity rules, temp ids across operations, persistence and rollback, on a real
// SQLite file.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "unit/backend/sandbox_fixture.hpp"

namespace bg::backend {
namespace {

using model::Node;
using model::Operation;
using sandbox::Kind;

TEST(NodeCodecTest, RoundTripsNestedNodes) {
  Node n = Campaign(-2, "a:b{c}", -1);
  n.Add("settings", "");
  auto decoded = sandbox::DecodeNode(sandbox::EncodeNode(n));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(sandbox::EncodeNode(*decoded), sandbox::EncodeNode(n));
  EXPECT_EQ(decoded->Child("budget")->Int("budgetId"), -1);
  EXPECT_FALSE(sandbox::DecodeNode("N3:abc{").has_value());
}

TEST_F(SandboxTest, BudgetAddFillsServerFields) {
  auto r = Apply("BudgetOperation", "ADD", Budget(-1, "b1"));
  ASSERT_TRUE(r.errors.empty()) << Errors(r);
  EXPECT_EQ(r.result_element, "Budget");
  const Node& b = *r.result;
  EXPECT_EQ(b.type(), "Budget");
  EXPECT_GT(b.Int("budgetId").value_or(0), 0);
  EXPECT_EQ(b.Text("deliveryMethod"), "STANDARD");
  EXPECT_EQ(b.Text("isExplicitlyShared"), "true");
  EXPECT_EQ(b.Text("status"), "ENABLED");
  EXPECT_EQ(b.Child("amount")->Int("microAmount"), 50000000);
}

TEST_F(SandboxTest, BudgetRules) {
  ASSERT_TRUE(Apply("BudgetOperation", "ADD", Budget(-1, "b1")).errors.empty());
  EXPECT_EQ(Errors(Apply("BudgetOperation", "ADD", Budget(-2, "b1"))),
            "BudgetError.DUPLICATE_NAME@operations[1].operand.name[b1];");
  Node no_amount = Text("Budget", {{"budgetId", "-3"}, {"name", "b3"}});
  EXPECT_EQ(Errors(Apply("BudgetOperation", "ADD", no_amount)),
            "RequiredError.REQUIRED@operations[2].operand.amount;");
  EXPECT_EQ(Errors(Apply("BudgetOperation", "ADD", Text("Budget", {{"budgetId", "-4"}}))),
            "RequiredError.REQUIRED@operations[3].operand.name;");
  EXPECT_EQ(Errors(Apply("BudgetOperation", "ADD", Budget(77, "b5"))),
            "NewEntityCreationError.CANNOT_SET_ID_FOR_ADD@operations[4].operand.budgetId;");
  EXPECT_EQ(Errors(Apply("BudgetOperation", "ADD", Budget(-1, "b6"))),
            "NewEntityCreationError.DUPLICATE_TEMP_IDS@operations[5].operand.budgetId[-1];");
  EXPECT_EQ(Count(Kind::kBudget), 1);
}

TEST_F(SandboxTest, BudgetSetMergesAndRemoveChecksUse) {
  auto added = Apply("BudgetOperation", "ADD", Budget(-1, "b1"));
  int64_t id = *added.result->Int("budgetId");
  Node set = Text("Budget", {{"budgetId", "-1"}});  // temp id of this job resolves
  set.SetChild("amount", Text("Money", {{"microAmount", "7000000"}}));
  auto r = Apply("BudgetOperation", "SET", set);
  ASSERT_TRUE(r.errors.empty()) << Errors(r);
  EXPECT_EQ(r.result->Int("budgetId"), id);
  EXPECT_EQ(r.result->Text("name"), "b1");
  EXPECT_EQ(r.result->Child("amount")->Int("microAmount"), 7000000);

  ASSERT_TRUE(Apply("CampaignOperation", "ADD", Campaign(-2, "c1", id)).errors.empty());
  EXPECT_EQ(Errors(Apply("BudgetOperation", "REMOVE", Text("Budget", {{"budgetId", "-1"}}))),
            "BudgetError.BUDGET_IN_USE@operations[3].operand.budgetId;");
  ASSERT_TRUE(Apply("BudgetOperation", "ADD", Budget(-3, "b2")).errors.empty());
  auto removed = Apply("BudgetOperation", "REMOVE", Text("Budget", {{"budgetId", "-3"}}));
  ASSERT_TRUE(removed.errors.empty()) << Errors(removed);
  EXPECT_EQ(removed.result->Text("status"), "REMOVED");
  EXPECT_EQ(Errors(Apply("CampaignOperation", "ADD", Campaign(-4, "c2", -3))),
            "BudgetError.BUDGET_REMOVED@operations[6].operand.budget.budgetId;");
  EXPECT_EQ(Errors(Apply("BudgetOperation", "SET", Text("Budget", {{"budgetId", "999"}}))),
            "EntityNotFound.INVALID_ID@operations[7].operand.budgetId;");
}

TEST_F(SandboxTest, CampaignAddResolvesTempBudgetAndFillsFields) {
  auto b = Apply("BudgetOperation", "ADD", Budget(-1, "b1"));
  auto r = Apply("CampaignOperation", "ADD", Campaign(-2, "c1", -1));
  ASSERT_TRUE(r.errors.empty()) << Errors(r);
  EXPECT_EQ(r.result_element, "Campaign");
  const Node& c = *r.result;
  EXPECT_GT(c.Int("id").value_or(0), 0);
  EXPECT_EQ(c.Text("status"), "PAUSED");
  EXPECT_EQ(c.Text("servingStatus"), "SERVING");
  EXPECT_EQ(c.Text("startDate"), "20170308");  // now_ms of the test context, UTC
  EXPECT_EQ(c.Text("endDate"), "20371230");
  EXPECT_EQ(c.Child("budget")->Int("budgetId"), b.result->Int("budgetId"));
  EXPECT_EQ(c.Child("budget")->Text("name"), "b1");
  const Node* scheme = c.Child("biddingStrategyConfiguration")->Child("biddingScheme");
  ASSERT_NE(scheme, nullptr);
  EXPECT_EQ(scheme->type(), "ManualCpcBiddingScheme");
  EXPECT_EQ(scheme->Text("enhancedCpcEnabled"), "false");
}

TEST_F(SandboxTest, CampaignRules) {
  ASSERT_TRUE(Apply("BudgetOperation", "ADD", Budget(-1, "b1")).errors.empty());
  ASSERT_TRUE(Apply("CampaignOperation", "ADD", Campaign(-2, "c1", -1)).errors.empty());
  EXPECT_EQ(Errors(Apply("CampaignOperation", "ADD", Campaign(-3, "c1", -1))),
            "CampaignError.DUPLICATE_CAMPAIGN_NAME@operations[2].operand.name[c1];");
  EXPECT_EQ(Errors(Apply("CampaignOperation", "ADD", Campaign(5, "c5", -1))),
            "NewEntityCreationError.CANNOT_SET_ID_FOR_ADD@operations[3].operand.id;");
  EXPECT_EQ(Errors(Apply("CampaignOperation", "ADD", Campaign(-6, "c6", -99))),
            "EntityNotFound.INVALID_ID@operations[4].operand.budget.budgetId;");
  // A failed budget: its temp id poisons its children.
  ASSERT_FALSE(Apply("BudgetOperation", "ADD", Budget(-7, "b1")).errors.empty());
  EXPECT_EQ(Errors(Apply("CampaignOperation", "ADD", Campaign(-8, "c8", -7))),
            "NewEntityCreationError.TEMP_ID_ENTITY_HAD_ERRORS@operations[6].operand.budget."
            "budgetId;");
  EXPECT_EQ(Errors(Apply("CampaignOperation", "REMOVE", Text("Campaign", {{"id", "-2"}}))),
            "OperatorError.OPERATOR_NOT_SUPPORTED@operations[7].operator[REMOVE];");
  // SET by temp id merges; REMOVED via SET frees the name.
  auto set =
      Apply("CampaignOperation", "SET", Text("Campaign", {{"id", "-2"}, {"status", "REMOVED"}}));
  ASSERT_TRUE(set.errors.empty()) << Errors(set);
  EXPECT_EQ(set.result->Text("status"), "REMOVED");
  EXPECT_EQ(set.result->Text("name"), "c1");
  EXPECT_TRUE(Apply("CampaignOperation", "ADD", Campaign(-9, "c1", -1)).errors.empty());
  EXPECT_EQ(Count(Kind::kCampaign), 2);
}

TEST_F(SandboxTest, AdGroupRules) {
  Apply("BudgetOperation", "ADD", Budget(-1, "b1"));
  auto c = Apply("CampaignOperation", "ADD", Campaign(-2, "c1", -1));
  auto r = Apply("AdGroupOperation", "ADD", AdGroup(-3, -2, "g1"));
  ASSERT_TRUE(r.errors.empty()) << Errors(r);
  EXPECT_EQ(r.result_element, "AdGroup");
  EXPECT_EQ(r.result->Int("campaignId"), c.result->Int("id"));
  EXPECT_EQ(r.result->Text("campaignName"), "c1");
  EXPECT_EQ(r.result->Text("status"), "ENABLED");
  EXPECT_EQ(Errors(Apply("AdGroupOperation", "ADD", AdGroup(-4, -2, "g1"))),
            "AdGroupServiceError.DUPLICATE_ADGROUP_NAME@operations[3].operand.name[g1];");
  EXPECT_EQ(Errors(Apply("AdGroupOperation", "ADD", AdGroup(-5, -77, "g5"))),
            "EntityNotFound.INVALID_ID@operations[4].operand.campaignId;");
  EXPECT_EQ(Errors(Apply("AdGroupOperation", "ADD", AdGroup(-3, -2, "g6"))),
            "NewEntityCreationError.DUPLICATE_TEMP_IDS@operations[5].operand.id[-3];");
  auto set = Apply("AdGroupOperation", "SET", Text("AdGroup", {{"id", "-3"}, {"name", "g9"}}));
  ASSERT_TRUE(set.errors.empty()) << Errors(set);
  EXPECT_EQ(set.result->Text("name"), "g9");
  EXPECT_EQ(set.result->Text("campaignName"), "c1");
  EXPECT_EQ(Count(Kind::kAdGroup), 1);
}

TEST_F(SandboxTest, KeywordCriteria) {
  Apply("BudgetOperation", "ADD", Budget(-1, "b1"));
  Apply("CampaignOperation", "ADD", Campaign(-2, "c1", -1));
  auto g = Apply("AdGroupOperation", "ADD", AdGroup(-3, -2, "g1"));
  auto r = Apply("AdGroupCriterionOperation", "ADD",
                 Criterion("BiddableAdGroupCriterion", -3, -10, "mars cruise"));
  ASSERT_TRUE(r.errors.empty()) << Errors(r);
  EXPECT_EQ(r.result_element, "AdGroupCriterion");
  const Node& bc = *r.result;
  EXPECT_EQ(bc.type(), "BiddableAdGroupCriterion");
  EXPECT_EQ(bc.Int("adGroupId"), g.result->Int("id"));
  EXPECT_FALSE(bc.Has("criterionUse"));  // as in the captured real results
  EXPECT_EQ(bc.Text("userStatus"), "ENABLED");
  EXPECT_EQ(bc.Text("systemServingStatus"), "ELIGIBLE");
  EXPECT_EQ(bc.Text("approvalStatus"), "PENDING_REVIEW");
  EXPECT_EQ(bc.Child("criterion")->type(), "Keyword");
  EXPECT_EQ(bc.Child("criterion")->Text("type"), "KEYWORD");
  int64_t crit_id = bc.Child("criterion")->Int("id").value_or(0);
  EXPECT_GT(crit_id, 0);

  auto neg = Apply("AdGroupCriterionOperation", "ADD",
                   Criterion("NegativeAdGroupCriterion", -3, std::nullopt, "cheap"));
  ASSERT_TRUE(neg.errors.empty()) << Errors(neg);
  EXPECT_EQ(neg.result->type(), "NegativeAdGroupCriterion");
  EXPECT_FALSE(neg.result->Has("userStatus"));

  EXPECT_EQ(Errors(Apply("AdGroupCriterionOperation", "ADD",
                         Criterion("BiddableAdGroupCriterion", -3, std::nullopt, "mars2!!!"))),
            "CriterionError.KEYWORD_HAS_INVALID_CHARS@operations[5].operand.criterion.text"
            "[mars2!!!];");
  EXPECT_EQ(Errors(Apply(
                "AdGroupCriterionOperation", "ADD",
                Criterion("BiddableAdGroupCriterion", -3, std::nullopt, "a b c d e f g h i j k"))),
            "CriterionError.KEYWORD_HAS_TOO_MANY_WORDS@operations[6].operand.criterion.text"
            "[a b c d e f g h i j k];");
  std::string long_text(81, 'x');
  EXPECT_EQ(Errors(Apply("AdGroupCriterionOperation", "ADD",
                         Criterion("BiddableAdGroupCriterion", -3, std::nullopt, long_text))),
            "CriterionError.KEYWORD_TEXT_TOO_LONG@operations[7].operand.criterion.text[" +
                long_text + "];");
  EXPECT_EQ(Errors(Apply("AdGroupCriterionOperation", "ADD",
                         Criterion("BiddableAdGroupCriterion", -55, std::nullopt, "mars"))),
            "EntityNotFound.INVALID_ID@operations[8].operand.adGroupId;");

  // SET / REMOVE by the criterion's temp id.
  Node set = Criterion("BiddableAdGroupCriterion", -3, -10, "");
  set.Set("userStatus", "PAUSED");
  auto s = Apply("AdGroupCriterionOperation", "SET", set);
  ASSERT_TRUE(s.errors.empty()) << Errors(s);
  EXPECT_EQ(s.result->Text("userStatus"), "PAUSED");
  EXPECT_EQ(s.result->Child("criterion")->Text("text"), "mars cruise");
  auto rm = Apply("AdGroupCriterionOperation", "REMOVE",
                  Criterion("BiddableAdGroupCriterion", -3, crit_id, ""));
  ASSERT_TRUE(rm.errors.empty()) << Errors(rm);
  EXPECT_EQ(rm.result->Text("userStatus"), "REMOVED");
  EXPECT_EQ(Errors(Apply("AdGroupCriterionOperation", "REMOVE",
                         Criterion("BiddableAdGroupCriterion", -3, crit_id, ""))),
            "EntityNotFound.INVALID_ID@operations[11].operand.criterion.id;");
  EXPECT_EQ(Count(Kind::kCriterion), 2);
}

TEST_F(SandboxTest, ChildrenOfFailedParents) {
  Apply("BudgetOperation", "ADD", Budget(-1, "b1"));
  ASSERT_FALSE(Apply("CampaignOperation", "ADD", Campaign(-2, "", -1)).errors.empty());
  EXPECT_EQ(Errors(Apply("AdGroupOperation", "ADD", AdGroup(-3, -2, "g1"))),
            "NewEntityCreationError.TEMP_ID_ENTITY_HAD_ERRORS@operations[2].operand.campaignId;");
  EXPECT_EQ(Errors(Apply("AdGroupCriterionOperation", "ADD",
                         Criterion("BiddableAdGroupCriterion", -3, std::nullopt, "mars"))),
            "NewEntityCreationError.TEMP_ID_ENTITY_HAD_ERRORS@operations[3].operand.adGroupId;");
  // A never-defined temp id.
  EXPECT_EQ(Errors(Apply("AdGroupOperation", "ADD", AdGroup(-4, -40, "g4"))),
            "EntityNotFound.INVALID_ID@operations[4].operand.campaignId;");
  // Temp ids belong to their job.
  EXPECT_EQ(Errors(Apply("CampaignOperation", "ADD", Campaign(-5, "c5", -1), /*job=*/2)),
            "EntityNotFound.INVALID_ID@operations[5].operand.budget.budgetId;");
}

TEST_F(SandboxTest, RejectedOperationPoisonsItsTempId) {
  Operation o;
  o.index = 0;
  o.node = Node("BudgetOperation");
  o.node.Set("operator", "ADD");
  o.node.SetChild("operand", Budget(-1, "b1"));
  {
    sqlite::Txn txn(*db_);
    ExecContext ctx{1, kCustomer, registry_, 0, &o};
    ASSERT_TRUE(backend_->OnRejected(txn, ctx, o).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  next_index_ = 1;
  EXPECT_EQ(Errors(Apply("CampaignOperation", "ADD", Campaign(-2, "c1", -1))),
            "NewEntityCreationError.TEMP_ID_ENTITY_HAD_ERRORS@operations[1].operand.budget."
            "budgetId;");
}

TEST_F(SandboxTest, PersistsAcrossReopen) {
  auto b = Apply("BudgetOperation", "ADD", Budget(-1, "b1"));
  Reopen();
  auto c = Apply("CampaignOperation", "ADD", Campaign(-2, "c1", -1));  // temp id survived
  ASSERT_TRUE(c.errors.empty()) << Errors(c);
  EXPECT_EQ(c.result->Child("budget")->Int("budgetId"), b.result->Int("budgetId"));
  EXPECT_EQ(Count(Kind::kBudget), 1);
  EXPECT_EQ(Count(Kind::kCampaign), 1);
}

TEST_F(SandboxTest, RolledBackTxnLeavesNoTrace) {
  int64_t first_id = 0;
  {
    Operation o;
    o.node = Node("BudgetOperation");
    o.node.Set("operator", "ADD");
    o.node.SetChild("operand", Budget(-1, "b1"));
    ExecContext ctx{1, kCustomer, registry_, 0, &o};
    sqlite::Txn txn(*db_);
    auto r = backend_->Apply(txn, ctx, o);
    ASSERT_TRUE(r.ok() && r->errors.empty());
    first_id = *r->result->Int("budgetId");
    // no Commit: rolled back
  }
  EXPECT_EQ(Count(Kind::kBudget), 0);
  auto again = Apply("BudgetOperation", "ADD", Budget(-1, "b1"));  // temp id free again
  ASSERT_TRUE(again.errors.empty()) << Errors(again);
  EXPECT_EQ(again.result->Int("budgetId"), first_id);  // the id sequence rolled back too
}

}  // namespace
}  // namespace bg::backend
