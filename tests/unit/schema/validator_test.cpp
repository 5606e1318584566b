#include "schema/validator.hpp"

#include <gtest/gtest.h>

namespace bg::schema {
namespace {

const Registry& Reg() {
  const Registry* r = Registry::Get("v201702");
  EXPECT_NE(r, nullptr);
  return *r;
}

model::Operation Op(int64_t index, std::string type, std::string op, model::Node operand) {
  model::Operation o;
  o.index = index;
  o.node.set_type(std::move(type));
  if (!op.empty()) o.node.Set("operator", std::move(op));
  o.node.SetChild("operand", std::move(operand));
  return o;
}

model::Node Budget(std::string name = "b1", int64_t micros = 50000000) {
  model::Node b("Budget");
  b.Set("budgetId", "-1");
  b.Set("name", std::move(name));
  model::Node m("Money");
  m.SetInt("microAmount", micros);
  b.SetChild("amount", m);
  b.Set("deliveryMethod", "STANDARD");
  return b;
}

std::string Show(const std::vector<ApiError>& errors) {
  std::string out;
  for (const auto& e : errors) {
    out += e.ErrorString() + "@" + e.field_path + "(" + e.trigger + ");";
  }
  return out;
}

TEST(Validate, ValidBudgetAddHasNoErrorsAndIsNotChanged) {
  auto op = Op(0, "BudgetOperation", "ADD", Budget());
  const model::Operation before = op;
  EXPECT_EQ(Show(Validate(Reg(), op)), "");
  EXPECT_EQ(op.operand()->fields().size(), before.operand()->fields().size());
  EXPECT_EQ(op.operand()->Int("budgetId"), -1);
  EXPECT_TRUE(op.operand()->Has("amount"));
}

TEST(Validate, ReadOnlyFieldsThatAreSetAreErrors) {
  model::Node b = Budget();
  b.SetInt("referenceCount", 3);
  b.Set("status", "REMOVED");
  auto op = Op(0, "BudgetOperation", "ADD", b);
  EXPECT_EQ(Show(Validate(Reg(), op)),
            "ReadOnlyError.READ_ONLY@operations[0].operand.referenceCount(3);"
            "ReadOnlyError.READ_ONLY@operations[0].operand.status(REMOVED);");
  // Read-only only for REMOVE: fine for ADD, an error for REMOVE (complex values: no trigger).
  auto remove = Op(1, "BudgetOperation", "REMOVE", Budget());
  EXPECT_EQ(Show(Validate(Reg(), remove)),
            "ReadOnlyError.READ_ONLY@operations[1].operand.name(b1);"
            "ReadOnlyError.READ_ONLY@operations[1].operand.amount();"
            "ReadOnlyError.READ_ONLY@operations[1].operand.deliveryMethod(STANDARD);");
}

TEST(Validate, ReadOnlyPerOperatorButTemporaryIdsAreNotReadOnlyErrors) {
  model::Node c("Campaign");
  c.Set("id", "-2");
  c.Set("name", "c1");
  c.Set("advertisingChannelType", "SEARCH");
  auto add = Op(0, "CampaignOperation", "ADD", c);
  EXPECT_EQ(Show(Validate(Reg(), add)), "");  // id is read-only for ADD, but a temporary id
  EXPECT_EQ(add.operand()->Int("id"), -2);
  // A non-negative id on ADD is the backend's NewEntityCreationError.CANNOT_SET_ID_FOR_ADD.
  c.Set("id", "5");
  auto add_real = Op(1, "CampaignOperation", "ADD", c);
  EXPECT_EQ(Show(Validate(Reg(), add_real)), "");

  c.Set("id", "123");
  auto set = Op(2, "CampaignOperation", "SET", c);
  EXPECT_EQ(Show(Validate(Reg(), set)),
            "ReadOnlyError.READ_ONLY@operations[2].operand.advertisingChannelType(SEARCH);");

  model::Node served("Campaign");
  served.Set("name", "c");
  served.Set("servingStatus", "SERVING");
  auto add_served = Op(3, "CampaignOperation", "ADD", served);
  EXPECT_EQ(Show(Validate(Reg(), add_served)),
            "ReadOnlyError.READ_ONLY@operations[3].operand.servingStatus(SERVING);");
}

TEST(Validate, ReadOnlyInNestedAndRepeatedValues) {
  model::Node agc("BiddableAdGroupCriterion");
  agc.Set("adGroupId", "5");
  model::Node kw("Keyword");
  kw.Set("text", "mars");
  kw.Set("matchType", "BROAD");
  kw.Set("type", "KEYWORD");
  agc.SetChild("criterion", kw);
  agc.Add("disapprovalReasons", "a");
  agc.Add("disapprovalReasons", "b");
  auto op = Op(4, "AdGroupCriterionOperation", "ADD", agc);
  EXPECT_EQ(Show(Validate(Reg(), op)),
            "ReadOnlyError.READ_ONLY@operations[4].operand.criterion.type(KEYWORD);"
            "ReadOnlyError.READ_ONLY@operations[4].operand.disapprovalReasons[0](a);"
            "ReadOnlyError.READ_ONLY@operations[4].operand.disapprovalReasons[1](b);");
}

TEST(Validate, MissingOperatorAndOperand) {
  model::Operation op;
  op.index = 3;
  op.node.set_type("BudgetOperation");
  EXPECT_EQ(Show(Validate(Reg(), op)),
            "RequiredError.REQUIRED@operations[3].operator();"
            "RequiredError.REQUIRED@operations[3].operand();");
}

TEST(Validate, RequiredFieldsPerOperatorInNestedValues) {
  model::Node agc("BiddableAdGroupCriterion");
  model::Node kw("Keyword");
  kw.Set("matchType", "BROAD");
  agc.SetChild("criterion", kw);
  auto add = Op(7, "AdGroupCriterionOperation", "ADD", agc);
  EXPECT_EQ(Show(Validate(Reg(), add)),
            "RequiredError.REQUIRED@operations[7].operand.adGroupId();"
            "RequiredError.REQUIRED@operations[7].operand.criterion.text();");

  model::Node rm("BiddableAdGroupCriterion");
  rm.Set("adGroupId", "5");
  rm.SetChild("criterion", model::Node("Keyword"));
  auto remove = Op(8, "AdGroupCriterionOperation", "REMOVE", rm);
  EXPECT_EQ(Show(Validate(Reg(), remove)),
            "RequiredError.REQUIRED@operations[8].operand.criterion.id();");
}

TEST(Validate, StringLength) {
  auto too_long = Op(0, "BudgetOperation", "ADD", Budget(std::string(256, 'x')));
  EXPECT_EQ(
      Show(Validate(Reg(), too_long)),
      "StringLengthError.TOO_LONG@operations[0].operand.name(" + std::string(256, 'x') + ");");
  // Budget.name counts bytes: 128 two-byte characters are 256 bytes.
  std::string accents;
  for (int i = 0; i < 128; ++i) accents += "\xC3\xA9";
  auto bytes = Op(1, "BudgetOperation", "ADD", Budget(accents));
  EXPECT_EQ(Show(Validate(Reg(), bytes)),
            "StringLengthError.TOO_LONG@operations[1].operand.name(" + accents + ");");
  // ...after trimming.
  auto blank = Op(2, "BudgetOperation", "ADD", Budget("   "));
  EXPECT_EQ(Show(Validate(Reg(), blank)),
            "StringLengthError.TOO_SHORT@operations[2].operand.name(   );");
  auto fits = Op(3, "BudgetOperation", "ADD", Budget(" " + std::string(255, 'x') + " "));
  EXPECT_EQ(Show(Validate(Reg(), fits)), "");

  model::Node c("Campaign");
  c.Set("name", "");
  auto empty_name = Op(4, "CampaignOperation", "ADD", c);
  EXPECT_EQ(Show(Validate(Reg(), empty_name)),
            "StringLengthError.TOO_SHORT@operations[4].operand.name();");
}

TEST(Validate, RangeOnMoney) {
  auto op = Op(5, "BudgetOperation", "ADD", Budget("b", 0));
  EXPECT_EQ(Show(Validate(Reg(), op)), "RangeError.TOO_LOW@operations[5].operand.amount(0);");
}

// InRange on plain numbers, both bounds inclusive: AdSchedule hours (int, 0..23 and 0..24) under
// the abstract Criterion of a CampaignCriterion, and TargetRoasBiddingScheme.targetRoas (double,
// 0.01..1000) deep in a Campaign.
TEST(Validate, RangeTooHighAndTooLow) {
  auto schedule = [](int64_t index, std::string start, std::string end) {
    model::Node s("AdSchedule");
    s.Set("dayOfWeek", "MONDAY");
    s.Set("startHour", std::move(start));
    s.Set("startMinute", "ZERO");
    s.Set("endHour", std::move(end));
    s.Set("endMinute", "ZERO");
    model::Node cc("CampaignCriterion");
    cc.Set("campaignId", "-1");
    cc.SetChild("criterion", std::move(s));
    return Op(index, "CampaignCriterionOperation", "ADD", std::move(cc));
  };
  auto bounds = schedule(0, "0", "24");
  EXPECT_EQ(Show(Validate(Reg(), bounds)), "");
  auto inner = schedule(1, "23", "1");
  EXPECT_EQ(Show(Validate(Reg(), inner)), "");
  auto end_high = schedule(2, "9", "25");
  EXPECT_EQ(Show(Validate(Reg(), end_high)),
            "RangeError.TOO_HIGH@operations[2].operand.criterion.endHour(25);");
  auto start_high = schedule(3, " 24 ", "24");  // the trigger is the trimmed value
  EXPECT_EQ(Show(Validate(Reg(), start_high)),
            "RangeError.TOO_HIGH@operations[3].operand.criterion.startHour(24);");
  auto start_low = schedule(4, "-1", "24");
  EXPECT_EQ(Show(Validate(Reg(), start_low)),
            "RangeError.TOO_LOW@operations[4].operand.criterion.startHour(-1);");
  auto both = schedule(5, "-3", "100");  // schema order: startHour before endHour
  EXPECT_EQ(Show(Validate(Reg(), both)),
            "RangeError.TOO_LOW@operations[5].operand.criterion.startHour(-3);"
            "RangeError.TOO_HIGH@operations[5].operand.criterion.endHour(100);");

  auto roas = [](int64_t index, std::string value) {
    model::Node scheme("TargetRoasBiddingScheme");
    scheme.Set("targetRoas", std::move(value));
    model::Node bsc("BiddingStrategyConfiguration");
    bsc.SetChild("biddingScheme", std::move(scheme));
    model::Node c("Campaign");
    c.Set("id", "1");
    c.SetChild("biddingStrategyConfiguration", std::move(bsc));
    return Op(index, "CampaignOperation", "SET", std::move(c));
  };
  auto roas_ok = roas(6, "1000");
  EXPECT_EQ(Show(Validate(Reg(), roas_ok)), "");
  auto roas_high = roas(7, "1000.5");
  EXPECT_EQ(Show(Validate(Reg(), roas_high)),
            "RangeError.TOO_HIGH@operations[7].operand.biddingStrategyConfiguration."
            "biddingScheme.targetRoas(1000.5);");
  auto roas_low = roas(8, "0.001");
  EXPECT_EQ(Show(Validate(Reg(), roas_low)),
            "RangeError.TOO_LOW@operations[8].operand.biddingStrategyConfiguration."
            "biddingScheme.targetRoas(0.001);");
}

TEST(Validate, UnknownEnumValueAndBadLexicalForms) {
  model::Node b = Budget();
  b.Set("deliveryMethod", "FAST");
  b.Set("budgetId", "-1x");
  auto op = Op(0, "BudgetOperation", "ADD", b);
  EXPECT_EQ(Show(Validate(Reg(), op)),
            "RequestError.INVALID_INPUT@operations[0].operand.budgetId(-1x);"
            "RequestError.INVALID_INPUT@operations[0].operand.deliveryMethod(FAST);");

  auto bad_operator = Op(1, "BudgetOperation", "MERGE", Budget());
  EXPECT_EQ(Show(Validate(Reg(), bad_operator)),
            "RequestError.INVALID_INPUT@operations[1].operator(MERGE);");
}

TEST(Validate, OperatorNotSupportedByTheOperationType) {
  model::Node c("Campaign");
  c.Set("id", "1");
  auto op = Op(2, "CampaignOperation", "REMOVE", c);
  EXPECT_EQ(Show(Validate(Reg(), op)),
            "OperatorError.OPERATOR_NOT_SUPPORTED@operations[2].operator();");
}

TEST(Validate, RepeatedFieldsAreIndexedInPaths) {
  model::Node ag("AdGroup");
  ag.Set("campaignId", "-2");
  model::Node bsc("BiddingStrategyConfiguration");
  model::Node ok_bid("CpcBid");
  model::Node m1("Money");
  m1.Set("microAmount", "10");
  ok_bid.SetChild("bid", m1);
  bsc.AddChild("bids", ok_bid);
  model::Node bad_bid("CpcBid");
  model::Node m2("Money");
  m2.Set("microAmount", "ten");
  bad_bid.SetChild("bid", m2);
  bsc.AddChild("bids", bad_bid);
  ag.SetChild("biddingStrategyConfiguration", bsc);
  auto op = Op(9, "AdGroupOperation", "ADD", ag);
  EXPECT_EQ(Show(Validate(Reg(), op)),
            "RequestError.INVALID_INPUT@operations[9].operand.biddingStrategyConfiguration."
            "bids[1].bid.microAmount(ten);");
}

TEST(Validate, CollectionSize) {
  model::Node ad("ExpandedTextAd");
  ad.Set("headlinePart1", "h1");
  ad.Set("headlinePart2", "h2");
  ad.Set("description", "d");
  for (int i = 0; i < 11; ++i) ad.Add("finalUrls", "http://example.com/" + std::to_string(i));
  model::Node aga("AdGroupAd");
  aga.Set("adGroupId", "-3");
  aga.SetChild("ad", ad);
  auto op = Op(0, "AdGroupAdOperation", "ADD", aga);
  EXPECT_EQ(Show(Validate(Reg(), op)),
            "CollectionSizeError.TOO_MANY@operations[0].operand.ad.finalUrls();");
}

}  // namespace
}  // namespace bg::schema
