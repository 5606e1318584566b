// Criterion rules of the sandbox: placements, product partition trees, campaign criteria and
// ad group bid modifiers.
#include "unit/backend/sandbox_fixture.hpp"

namespace bg::backend {
namespace {

Node Partition(std::string type, int64_t ad_group, int64_t id, std::optional<int64_t> parent,
               std::string partition_type, std::optional<std::string> brand) {
  Node crit =
      Text("ProductPartition", {{"id", std::to_string(id)}, {"partitionType", partition_type}});
  if (parent) crit.SetInt("parentCriterionId", *parent);
  if (brand) {
    Node v("ProductBrand");
    if (!brand->empty()) v.Set("value", *brand);
    crit.SetChild("caseValue", std::move(v));
  }
  Node n = Text(std::move(type), {{"adGroupId", std::to_string(ad_group)}});
  n.SetChild("criterion", std::move(crit));
  return n;
}

Node Biddable(int64_t ad_group, int64_t id, std::optional<int64_t> parent, std::string ptype,
              std::optional<std::string> brand) {
  return Partition("BiddableAdGroupCriterion", ad_group, id, parent, ptype, brand);
}

TEST_F(SandboxTest, PlacementUrls) {
  MakeTree();
  Node n = Text("BiddableAdGroupCriterion", {{"adGroupId", "-3"}});
  n.SetChild("criterion", Text("Placement", {{"url", "mars"}}));
  EXPECT_EQ(Errors(Apply("AdGroupCriterionOperation", "ADD", n)),
            "CriterionError.INVALID_PLACEMENT_URL@operations[3].operand.criterion.url[mars];");
  n.Child("criterion")->Set("url", "www.mars.com");
  auto r = Apply("AdGroupCriterionOperation", "ADD", n);
  ASSERT_TRUE(r.errors.empty()) << Errors(r);
  EXPECT_EQ(r.result->Child("criterion")->Text("type"), "PLACEMENT");
  EXPECT_GT(r.result->Child("criterion")->Int("id").value_or(0), 0);
}

TEST_F(SandboxTest, ProductPartitionTreeRules) {
  auto t = MakeTree();
  auto root = Apply("AdGroupCriterionOperation", "ADD",
                    Biddable(-3, -10, std::nullopt, "SUBDIVISION", std::nullopt));
  ASSERT_TRUE(root.errors.empty()) << Errors(root);
  int64_t root_id = *root.result->Child("criterion")->Int("id");
  EXPECT_EQ(
      Errors(Apply("AdGroupCriterionOperation", "ADD",
                   Biddable(-3, -11, std::nullopt, "UNIT", std::nullopt))),
      "AdGroupCriterionError.PRODUCT_PARTITION_ALREADY_EXISTS@operations[4].operand.criterion;");
  auto acme = Apply("AdGroupCriterionOperation", "ADD", Biddable(-3, -12, -10, "UNIT", "acme"));
  ASSERT_TRUE(acme.errors.empty()) << Errors(acme);
  EXPECT_EQ(acme.result->Child("criterion")->Int("parentCriterionId"), root_id);
  EXPECT_EQ(
      Errors(Apply("AdGroupCriterionOperation", "ADD", Biddable(-3, -13, -10, "UNIT", "acme"))),
      "AdGroupCriterionError.PRODUCT_PARTITION_ALREADY_EXISTS@operations[6].operand.criterion."
      "caseValue;");
  EXPECT_EQ(
      Errors(Apply("AdGroupCriterionOperation", "ADD", Biddable(-3, -14, -12, "UNIT", "x"))),
      "AdGroupCriterionError.PRODUCT_PARTITION_UNIT_CANNOT_HAVE_CHILDREN@operations[7].operand."
      "criterion.parentCriterionId[" +
          std::to_string(*acme.result->Child("criterion")->Int("id")) + "];");
  Node cond = Biddable(-3, -15, -10, "UNIT", std::nullopt);
  cond.Child("criterion")
      ->SetChild("caseValue", Text("ProductCanonicalCondition", {{"condition", "NEW"}}));
  EXPECT_EQ(Errors(Apply("AdGroupCriterionOperation", "ADD", cond)),
            "AdGroupCriterionError.PRODUCT_PARTITION_REQUIRES_SAME_DIMENSION_TYPE_AS_SIBLINGS@"
            "operations[8].operand.criterion.caseValue;");
  EXPECT_EQ(
      Errors(Apply("AdGroupCriterionOperation", "ADD",
                   Partition("NegativeAdGroupCriterion", -3, -16, -10, "SUBDIVISION", "neg"))),
      "AdGroupCriterionError.INVALID_PRODUCT_PARTITION_TYPE@operations[9].operand.criterion."
      "partitionType[SUBDIVISION];");
  Node real_id = Biddable(-3, 5, -10, "UNIT", "y");
  EXPECT_EQ(
      Errors(Apply("AdGroupCriterionOperation", "ADD", real_id)),
      "AdGroupCriterionError.PRODUCT_PARTITION_ADD_MAY_ONLY_USE_TEMP_ID@operations[10].operand."
      "criterion.id;");
  EXPECT_EQ(Errors(Apply("AdGroupCriterionOperation", "ADD", Biddable(-3, -17, -99, "UNIT", "z"))),
            "EntityNotFound.INVALID_ID@operations[11].operand.criterion.parentCriterionId;");
  auto others = Apply("AdGroupCriterionOperation", "ADD", Biddable(-3, -18, -10, "UNIT", ""));
  ASSERT_TRUE(others.errors.empty()) << Errors(others);
  // The "everything else" case cannot go while its subdivision has other children.
  Node rm = Text("BiddableAdGroupCriterion", {{"adGroupId", std::to_string(t.ad_group)}});
  rm.SetChild("criterion",
              Text("ProductPartition",
                   {{"id", std::to_string(*others.result->Child("criterion")->Int("id"))}}));
  EXPECT_EQ(Errors(Apply("AdGroupCriterionOperation", "REMOVE", rm)).substr(0, 73),
            "AdGroupCriterionError.PRODUCT_PARTITION_SUBDIVISION_REQUIRES_OTHERS_CASE@");
  // Removing the root removes the whole tree; a new root may then be added.
  rm.Child("criterion")->SetInt("id", root_id);
  ASSERT_TRUE(Apply("AdGroupCriterionOperation", "REMOVE", rm).errors.empty());
  auto again = Apply("AdGroupCriterionOperation", "ADD",
                     Biddable(-3, -20, std::nullopt, "UNIT", std::nullopt));
  EXPECT_TRUE(again.errors.empty()) << Errors(again);
}

Node CampaignCrit(std::string type, int64_t campaign, Node crit) {
  Node n = Text(std::move(type), {{"campaignId", std::to_string(campaign)}});
  n.SetChild("criterion", std::move(crit));
  return n;
}

TEST_F(SandboxTest, CampaignCriteria) {
  MakeTree();
  auto neg = Apply("CampaignCriterionOperation", "ADD",
                   CampaignCrit("NegativeCampaignCriterion", -2,
                                Text("Keyword", {{"text", "cheap"}, {"matchType", "EXACT"}})));
  ASSERT_TRUE(neg.errors.empty()) << Errors(neg);
  EXPECT_EQ(neg.result_element, "CampaignCriterion");
  EXPECT_EQ(neg.result->Text("isNegative"), "true");
  EXPECT_GT(neg.result->Child("criterion")->Int("id").value_or(0), 0);
  EXPECT_EQ(Errors(Apply("CampaignCriterionOperation", "ADD",
                         CampaignCrit("CampaignCriterion", -2,
                                      Text("Keyword", {{"text", "a"}, {"matchType", "EXACT"}})))),
            "CriterionError.CANNOT_ADD_CRITERIA_TYPE@operations[4].operand.criterion[Keyword];");
  auto loc = Apply("CampaignCriterionOperation", "ADD",
                   CampaignCrit("CampaignCriterion", -2, Text("Location", {{"id", "2840"}})));
  ASSERT_TRUE(loc.errors.empty()) << Errors(loc);
  EXPECT_EQ(loc.result->Child("criterion")->Int("id"), 2840);
  EXPECT_EQ(loc.result->Child("criterion")->Text("type"), "LOCATION");
  EXPECT_EQ(loc.result->Text("campaignCriterionStatus"), "ACTIVE");
  EXPECT_EQ(
      Errors(
          Apply("CampaignCriterionOperation", "ADD",
                CampaignCrit("NegativeCampaignCriterion", -2, Text("Location", {{"id", "2840"}})))),
      "CampaignCriterionError.CANNOT_TARGET_AND_EXCLUDE@operations[6].operand.criterion.id[2840];");
  EXPECT_EQ(Errors(Apply(
                "CampaignCriterionOperation", "ADD",
                CampaignCrit("NegativeCampaignCriterion", -2, Text("Language", {{"id", "1000"}})))),
            "CampaignCriterionError.CANNOT_EXCLUDE_CRITERIA_TYPE@operations[7].operand.criterion["
            "Language];");
  auto platform = Apply("CampaignCriterionOperation", "ADD",
                        CampaignCrit("CampaignCriterion", -2, Text("Platform", {{"id", "30001"}})));
  ASSERT_TRUE(platform.errors.empty()) << Errors(platform);
  EXPECT_EQ(platform.result->Child("criterion")->Text("platformName"), "HighEndMobile");
  Node sched = Text("AdSchedule", {{"dayOfWeek", "MONDAY"},
                                   {"startHour", "9"},
                                   {"startMinute", "ZERO"},
                                   {"endHour", "17"},
                                   {"endMinute", "ZERO"}});
  ASSERT_TRUE(
      Apply("CampaignCriterionOperation", "ADD", CampaignCrit("CampaignCriterion", -2, sched))
          .errors.empty());
  sched.Set("startHour", "16");
  sched.Set("endHour", "18");
  EXPECT_EQ(Errors(Apply("CampaignCriterionOperation", "ADD",
                         CampaignCrit("CampaignCriterion", -2, sched))),
            "CriterionError.AD_SCHEDULE_TIME_INTERVALS_OVERLAP@operations[10].operand.criterion;");
  Node prox = Text("Proximity", {{"radiusDistanceUnits", "KILOMETERS"}, {"radiusInUnits", "0"}});
  prox.SetChild("geoPoint", Text("GeoPoint", {{"latitudeInMicroDegrees", "1"},
                                              {"longitudeInMicroDegrees", "2"}}));
  EXPECT_EQ(
      Errors(
          Apply("CampaignCriterionOperation", "ADD", CampaignCrit("CampaignCriterion", -2, prox))),
      "CriterionError.INVALID_PROXIMITY_RADIUS@operations[11].operand.criterion.radiusInUnits[0];");
  // SET changes the bid modifier, REMOVE marks the criterion REMOVED.
  Node set = CampaignCrit("CampaignCriterion", -2, Text("Location", {{"id", "2840"}}));
  set.Set("bidModifier", "1.5");
  auto s = Apply("CampaignCriterionOperation", "SET", set);
  ASSERT_TRUE(s.errors.empty()) << Errors(s);
  EXPECT_EQ(s.result->Text("bidModifier"), "1.5");
  set.Set("bidModifier", "11");
  EXPECT_EQ(Errors(Apply("CampaignCriterionOperation", "SET", set)),
            "MultiplierError.MULTIPLIER_TOO_HIGH@operations[13].operand.bidModifier[11];");
  auto rm = Apply("CampaignCriterionOperation", "REMOVE", set);
  ASSERT_TRUE(rm.errors.empty()) << Errors(rm);
  EXPECT_EQ(rm.result->Text("campaignCriterionStatus"), "REMOVED");
  EXPECT_EQ(Errors(Apply("CampaignCriterionOperation", "REMOVE", set)),
            "EntityNotFound.INVALID_ID@operations[15].operand.criterion.id;");
}

TEST_F(SandboxTest, AdGroupBidModifiers) {
  auto t = MakeTree();
  auto mod = [&](std::string crit_type, std::string id, std::string value) {
    Node n = Text("AdGroupBidModifier", {{"adGroupId", "-3"}, {"bidModifier", value}});
    n.SetChild("criterion", Text(crit_type, {{"id", id}}));
    return n;
  };
  auto r = Apply("AdGroupBidModifierOperation", "ADD", mod("Platform", "30001", "1.2"));
  ASSERT_TRUE(r.errors.empty()) << Errors(r);
  EXPECT_EQ(r.result->Int("campaignId"), t.campaign);
  EXPECT_EQ(r.result->Text("bidModifierSource"), "AD_GROUP");
  EXPECT_EQ(r.result->Child("criterion")->Text("platformName"), "HighEndMobile");
  EXPECT_EQ(
      Errors(Apply("AdGroupBidModifierOperation", "ADD", mod("Platform", "30001", "1.2"))),
      "CriterionError.BID_MODIFIER_ALREADY_EXISTS@operations[4].operand.criterion.id[30001];");
  EXPECT_EQ(
      Errors(Apply("AdGroupBidModifierOperation", "ADD", mod("Location", "2840", "1.2"))),
      "CriterionError.CANNOT_BID_MODIFY_CRITERION_TYPE@operations[5].operand.criterion[Location];");
  EXPECT_EQ(Errors(Apply("AdGroupBidModifierOperation", "ADD", mod("Platform", "30000", "0.01"))),
            "MultiplierError.MULTIPLIER_TOO_LOW@operations[6].operand.bidModifier[0.01];");
  EXPECT_TRUE(
      Apply("AdGroupBidModifierOperation", "SET", mod("Platform", "30001", "2")).errors.empty());
  EXPECT_TRUE(
      Apply("AdGroupBidModifierOperation", "REMOVE", mod("Platform", "30001", "2")).errors.empty());
  EXPECT_EQ(Errors(Apply("AdGroupBidModifierOperation", "SET", mod("Platform", "30001", "2"))),
            "EntityNotFound.INVALID_ID@operations[9].operand.criterion.id;");
}

}  // namespace
}  // namespace bg::backend
