// Temporary ids at every reference site of reference §5.2: a temp id never defined earlier in the
// job gives EntityNotFound.INVALID_ID, a temp id whose defining operation failed gives
// NewEntityCreationError.TEMP_ID_ENTITY_HAD_ERRORS, both at the referencing field.
#include <functional>

#include "unit/backend/sandbox_fixture.hpp"

namespace bg::backend {
namespace {

struct Site {
  std::string name;
  std::string op_type;
  std::function<Node(const std::string& ref)> operand;
  int64_t failed_temp;  // a temp id of the referenced kind whose definition failed
  std::string path;     // under operations[i].operand
};

std::vector<Site> Sites() {
  auto s = [](std::string t, std::vector<std::pair<std::string, std::string>> f) {
    Node n(std::move(t));
    for (auto& [k, v] : f) n.Add(k, v);
    return n;
  };
  auto with = [](Node n, std::string field, Node child) {
    n.SetChild(field, std::move(child));
    return n;
  };
  auto kw = [=](std::string ag) {
    return with(s("BiddableAdGroupCriterion", {{"adGroupId", ag}}), "criterion",
                s("Keyword", {{"text", "k"}, {"matchType", "BROAD"}}));
  };
  auto eta = [=](std::string ag) {
    return with(s("AdGroupAd", {{"adGroupId", ag}}), "ad",
                s("ExpandedTextAd", {{"headlinePart1", "a"},
                                     {"headlinePart2", "b"},
                                     {"description", "c"},
                                     {"finalUrls", "http://a.com"}}));
  };
  auto ext = [=](std::string type, std::string field, std::string ref) {
    Node es("ExtensionSetting");
    es.AddChild("extensions", s("CalloutFeedItem", {{"calloutText", "x"}}));
    return with(s(type, {{field, ref}, {"extensionType", "CALLOUT"}}), "extensionSetting", es);
  };
  auto feed_item = [=](std::string targeting, std::string field, std::string ref) {
    Node n = s("FeedItem", {{"feedId", "51230001"}});
    n.AddChild("attributeValues",
               s("FeedItemAttributeValue", {{"feedAttributeId", "1"}, {"stringValue", "v"}}));
    return with(n, targeting,
                s(targeting == "campaignTargeting" ? "FeedItemCampaignTargeting"
                                                   : "FeedItemAdGroupTargeting",
                  {{field, ref}}));
  };
  auto bid = [=](std::string ag, std::string camp) {
    return with(
        s("AdGroupBidModifier", {{"adGroupId", ag}, {"campaignId", camp}, {"bidModifier", "1.5"}}),
        "criterion", s("Platform", {{"id", "30000"}}));
  };
  return {
      {"Campaign.budget.budgetId", "CampaignOperation",
       [=](const std::string& r) {
         return with(s("Campaign", {{"name", "c9"}}), "budget", s("Budget", {{"budgetId", r}}));
       },
       -91, "budget.budgetId"},
      {"AdGroup.campaignId", "AdGroupOperation",
       [=](const std::string& r) {
         return s("AdGroup", {{"campaignId", r}, {"name", "g9"}});
       },
       -92, "campaignId"},
      {"CampaignCriterion.campaignId", "CampaignCriterionOperation",
       [=](const std::string& r) {
         return with(s("CampaignCriterion", {{"campaignId", r}}), "criterion",
                     s("Location", {{"id", "2840"}}));
       },
       -92, "campaignId"},
      {"CampaignLabel.campaignId", "CampaignLabelOperation",
       [=](const std::string& r) {
         return s("CampaignLabel", {{"campaignId", r}, {"labelId", "2870001"}});
       },
       -92, "campaignId"},
      {"CampaignExtensionSetting.campaignId", "CampaignExtensionSettingOperation",
       [=](const std::string& r) { return ext("CampaignExtensionSetting", "campaignId", r); }, -92,
       "campaignId"},
      {"AdGroupBidModifier.campaignId", "AdGroupBidModifierOperation",
       [=](const std::string& r) { return bid("-3", r); }, -92, "campaignId"},
      {"FeedItemCampaignTargeting.TargetingCampaignId", "FeedItemOperation",
       [=](const std::string& r) {
         return feed_item("campaignTargeting", "TargetingCampaignId", r);
       },
       -92, "campaignTargeting.TargetingCampaignId"},
      {"AdGroupAd.adGroupId", "AdGroupAdOperation", [=](const std::string& r) { return eta(r); },
       -93, "adGroupId"},
      {"AdGroupCriterion.adGroupId", "AdGroupCriterionOperation",
       [=](const std::string& r) { return kw(r); }, -93, "adGroupId"},
      {"AdGroupLabel.adGroupId", "AdGroupLabelOperation",
       [=](const std::string& r) {
         return s("AdGroupLabel", {{"adGroupId", r}, {"labelId", "2870001"}});
       },
       -93, "adGroupId"},
      {"AdGroupAdLabel.adGroupId", "AdGroupAdLabelOperation",
       [=](const std::string& r) {
         return s("AdGroupAdLabel", {{"adGroupId", r}, {"adId", "-50"}, {"labelId", "2870001"}});
       },
       -93, "adGroupId"},
      {"AdGroupCriterionLabel.adGroupId", "AdGroupCriterionLabelOperation",
       [=](const std::string& r) {
         return s("AdGroupCriterionLabel",
                  {{"adGroupId", r}, {"criterionId", "-40"}, {"labelId", "2870001"}});
       },
       -93, "adGroupId"},
      {"AdGroupExtensionSetting.adGroupId", "AdGroupExtensionSettingOperation",
       [=](const std::string& r) { return ext("AdGroupExtensionSetting", "adGroupId", r); }, -93,
       "adGroupId"},
      {"AdGroupBidModifier.adGroupId", "AdGroupBidModifierOperation",
       [=](const std::string& r) { return bid(r, "-2"); }, -93, "adGroupId"},
      {"FeedItemAdGroupTargeting.TargetingAdGroupId", "FeedItemOperation",
       [=](const std::string& r) { return feed_item("adGroupTargeting", "TargetingAdGroupId", r); },
       -93, "adGroupTargeting.TargetingAdGroupId"},
      {"AdGroupAdLabel.adId", "AdGroupAdLabelOperation",
       [=](const std::string& r) {
         return s("AdGroupAdLabel", {{"adGroupId", "-3"}, {"adId", r}, {"labelId", "2870001"}});
       },
       -95, "adId"},
      {"AdGroupCriterionLabel.criterionId", "AdGroupCriterionLabelOperation",
       [=](const std::string& r) {
         return s("AdGroupCriterionLabel",
                  {{"adGroupId", "-3"}, {"criterionId", r}, {"labelId", "2870001"}});
       },
       -94, "criterionId"},
      {"ProductPartition.parentCriterionId", "AdGroupCriterionOperation",
       [=](const std::string& r) {
         Node pp =
             s("ProductPartition",
               {{"id", "-1" + r.substr(1)}, {"partitionType", "UNIT"}, {"parentCriterionId", r}});
         pp.SetChild("caseValue", s("ProductBrand", {{"value", "acme"}}));
         return with(s("BiddableAdGroupCriterion", {{"adGroupId", "-3"}}), "criterion", pp);
       },
       -94, "criterion.parentCriterionId"},
  };
}

class TempIdSitesTest : public SandboxTest {
 protected:
  // A tree with temp ids -1..-3, ad -50 and keyword -40; failed definitions -91 (budget),
  // -92 (campaign), -93 (ad group), -94 (criterion), -95 (ad).
  void Prepare() {
    SeedLabelAndFeed();
    MakeTree();
    Node eta = Text("AdGroupAd", {{"adGroupId", "-3"}});
    eta.SetChild("ad", Text("ExpandedTextAd", {{"id", "-50"},
                                               {"headlinePart1", "a"},
                                               {"headlinePart2", "b"},
                                               {"description", "c"},
                                               {"finalUrls", "http://a.com"}}));
    ASSERT_TRUE(Apply("AdGroupAdOperation", "ADD", eta).errors.empty());
    ASSERT_TRUE(Apply("AdGroupCriterionOperation", "ADD",
                      Criterion("BiddableAdGroupCriterion", -3, -40, "kw"))
                    .errors.empty());
    EXPECT_FALSE(Apply("BudgetOperation", "ADD", Budget(-91, "b1")).errors.empty());
    EXPECT_FALSE(Apply("CampaignOperation", "ADD", Campaign(-92, "c1", -1)).errors.empty());
    EXPECT_FALSE(Apply("AdGroupOperation", "ADD", AdGroup(-93, -2, "g1")).errors.empty());
    EXPECT_FALSE(Apply("AdGroupCriterionOperation", "ADD",
                       Criterion("BiddableAdGroupCriterion", -3, -94, "bad!"))
                     .errors.empty());
    Node bad_ad = Text("AdGroupAd", {{"adGroupId", "-3"}});
    bad_ad.SetChild("ad", Text("ExpandedTextAd", {{"id", "-95"}, {"headlinePart1", "a"}}));
    EXPECT_FALSE(Apply("AdGroupAdOperation", "ADD", bad_ad).errors.empty());
  }
};

TEST_F(TempIdSitesTest, EveryReferenceSiteReportsUndefinedAndFailedTempIds) {
  Prepare();
  std::vector<Site> sites = Sites();
  ASSERT_EQ(sites.size(), 18u);
  for (const Site& site : sites) {
    SCOPED_TRACE(site.name);
    int64_t i = next_index_;
    EXPECT_EQ(Errors(Apply(site.op_type, "ADD", site.operand("-777"))),
              "EntityNotFound.INVALID_ID@operations[" + std::to_string(i) + "].operand." +
                  site.path + ";");
    EXPECT_EQ(Errors(Apply(site.op_type, "ADD", site.operand(std::to_string(site.failed_temp)))),
              "NewEntityCreationError.TEMP_ID_ENTITY_HAD_ERRORS@operations[" +
                  std::to_string(i + 1) + "].operand." + site.path + ";");
  }
}

TEST_F(SandboxTest, DuplicateTempIdsForEveryDefinitionSite) {
  MakeTree();
  EXPECT_EQ(Errors(Apply("BudgetOperation", "ADD", Budget(-1, "other"))),
            "NewEntityCreationError.DUPLICATE_TEMP_IDS@operations[3].operand.budgetId[-1];");
  EXPECT_EQ(Errors(Apply("CampaignOperation", "ADD", Campaign(-2, "other", -1))),
            "NewEntityCreationError.DUPLICATE_TEMP_IDS@operations[4].operand.id[-2];");
  EXPECT_EQ(Errors(Apply("AdGroupOperation", "ADD", AdGroup(-3, -2, "other"))),
            "NewEntityCreationError.DUPLICATE_TEMP_IDS@operations[5].operand.id[-3];");
  ASSERT_TRUE(
      Apply("AdGroupCriterionOperation", "ADD", Criterion("BiddableAdGroupCriterion", -3, -4, "a"))
          .errors.empty());
  EXPECT_EQ(Errors(Apply("AdGroupCriterionOperation", "ADD",
                         Criterion("BiddableAdGroupCriterion", -3, -4, "b"))),
            "NewEntityCreationError.DUPLICATE_TEMP_IDS@operations[7].operand.criterion.id[-4];");
  Node ad = Text("AdGroupAd", {{"adGroupId", "-3"}});
  ad.SetChild("ad", Text("ExpandedTextAd", {{"id", "-5"},
                                            {"headlinePart1", "a"},
                                            {"headlinePart2", "b"},
                                            {"description", "c"},
                                            {"finalUrls", "http://a.com"}}));
  ASSERT_TRUE(Apply("AdGroupAdOperation", "ADD", ad).errors.empty());
  EXPECT_EQ(Errors(Apply("AdGroupAdOperation", "ADD", ad)),
            "NewEntityCreationError.DUPLICATE_TEMP_IDS@operations[9].operand.ad.id[-5];");
  // Temp ids are per job: job 2 may reuse -1.
  EXPECT_TRUE(Apply("BudgetOperation", "ADD", Budget(-1, "job2"), 2).errors.empty());
}

}  // namespace
}  // namespace bg::backend
