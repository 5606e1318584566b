// Label links, extension settings, feed items and (v201809) shared sets and feed item targets.
#include "unit/backend/sandbox_fixture.hpp"

namespace bg::backend {
namespace {

TEST_F(SandboxTest, LabelsMustBeSeededAndLinkOnce) {
  auto t = MakeTree();
  Node cl = Text("CampaignLabel", {{"campaignId", "-2"}, {"labelId", "2870001"}});
  EXPECT_EQ(Errors(Apply("CampaignLabelOperation", "ADD", cl)),
            "EntityNotFound.INVALID_ID@operations[3].operand.labelId;");
  SeedLabelAndFeed();
  auto r = Apply("CampaignLabelOperation", "ADD", cl);
  ASSERT_TRUE(r.errors.empty()) << Errors(r);
  EXPECT_EQ(r.result_element, "CampaignLabel");
  EXPECT_EQ(r.result->Int("campaignId"), t.campaign);
  EXPECT_EQ(Errors(Apply("CampaignLabelOperation", "ADD", cl)),
            "CampaignError.CAMPAIGN_LABEL_ALREADY_EXISTS@operations[5].operand.labelId[2870001];");
  EXPECT_TRUE(Apply("CampaignLabelOperation", "REMOVE", cl).errors.empty());
  EXPECT_EQ(Errors(Apply("CampaignLabelOperation", "REMOVE", cl)),
            "CampaignError.CAMPAIGN_LABEL_DOES_NOT_EXIST@operations[7].operand.labelId[2870001];");
  EXPECT_EQ(Errors(Apply("CampaignLabelOperation", "SET", cl)),
            "OperatorError.OPERATOR_NOT_SUPPORTED@operations[8].operator[SET];");

  Node gl = Text("AdGroupLabel", {{"adGroupId", "-3"}, {"labelId", "2870001"}});
  EXPECT_TRUE(Apply("AdGroupLabelOperation", "ADD", gl).errors.empty());
  EXPECT_EQ(
      Errors(Apply("AdGroupLabelOperation", "ADD", gl)),
      "AdGroupServiceError.ADGROUP_LABEL_ALREADY_EXISTS@operations[10].operand.labelId[2870001];");

  Node kw = Criterion("BiddableAdGroupCriterion", -3, -40, "mars");
  ASSERT_TRUE(Apply("AdGroupCriterionOperation", "ADD", kw).errors.empty());
  Node kl = Text("AdGroupCriterionLabel",
                 {{"adGroupId", "-3"}, {"criterionId", "-40"}, {"labelId", "2870001"}});
  auto klr = Apply("AdGroupCriterionLabelOperation", "ADD", kl);
  ASSERT_TRUE(klr.errors.empty()) << Errors(klr);
  EXPECT_GT(klr.result->Int("criterionId").value_or(0), 0);
  kl.Set("criterionId", "12345");
  EXPECT_EQ(Errors(Apply("AdGroupCriterionLabelOperation", "ADD", kl)),
            "EntityNotFound.INVALID_ID@operations[13].operand.criterionId;");

  Node ad = Text("AdGroupAd", {{"adGroupId", "-3"}});
  Node eta = Text("ExpandedTextAd", {{"id", "-50"},
                                     {"headlinePart1", "a"},
                                     {"headlinePart2", "b"},
                                     {"description", "c"},
                                     {"finalUrls", "http://a.com"}});
  ad.SetChild("ad", eta);
  ASSERT_TRUE(Apply("AdGroupAdOperation", "ADD", ad).errors.empty());
  Node al = Text("AdGroupAdLabel", {{"adGroupId", "-3"}, {"adId", "-50"}, {"labelId", "2870001"}});
  EXPECT_TRUE(Apply("AdGroupAdLabelOperation", "ADD", al).errors.empty());
  EXPECT_EQ(Errors(Apply("AdGroupAdLabelOperation", "REMOVE",
                         Text("AdGroupAdLabel",
                              {{"adGroupId", "-3"}, {"adId", "-50"}, {"labelId", "2870002"}}))),
            "EntityNotFound.INVALID_ID@operations[16].operand.labelId;");
}

Node Sitelink(std::string text, std::optional<int64_t> feed_item = std::nullopt) {
  Node s = Text("SitelinkFeedItem", {{"sitelinkText", text}});
  if (feed_item) s.SetInt("feedItemId", *feed_item);
  Node urls("UrlList");
  urls.Add("urls", "http://example.com/" + text);
  s.SetChild("sitelinkFinalUrls", urls);
  return s;
}

TEST_F(SandboxTest, ExtensionSettings) {
  auto t = MakeTree();
  auto setting = [&](std::vector<Node> items, std::string type = "SITELINK") {
    Node n = Text("CampaignExtensionSetting", {{"campaignId", "-2"}, {"extensionType", type}});
    Node es("ExtensionSetting");
    for (auto& i : items) es.AddChild("extensions", i);
    n.SetChild("extensionSetting", es);
    return n;
  };
  auto r =
      Apply("CampaignExtensionSettingOperation", "ADD", setting({Sitelink("a"), Sitelink("b")}));
  ASSERT_TRUE(r.errors.empty()) << Errors(r);
  EXPECT_EQ(r.result->Int("campaignId"), t.campaign);
  auto items = r.result->Child("extensionSetting")->FindAll("extensions");
  ASSERT_EQ(items.size(), 2u);
  int64_t first = *items[0]->child->Int("feedItemId");
  EXPECT_EQ(items[1]->child->Int("feedItemId"), first + 1);
  EXPECT_EQ(items[0]->child->Text("feedType"), "SITELINK");
  EXPECT_EQ(items[0]->child->Text("status"), "ENABLED");
  EXPECT_EQ(Errors(Apply("CampaignExtensionSettingOperation", "ADD", setting({Sitelink("c")}))),
            "ExtensionSettingError.CAMPAIGN_EXTENSION_SETTING_ALREADY_EXISTS@operations[4].operand."
            "extensionType[SITELINK];");
  EXPECT_EQ(Errors(Apply("CampaignExtensionSettingOperation", "ADD",
                         setting({Text("CalloutFeedItem", {{"calloutText", "x"}})}, "CALL"))),
            "ExtensionSettingError.FEED_TYPE_EXTENSION_TYPE_MISMATCH@operations[5].operand."
            "extensionSetting.extensions[0][CalloutFeedItem];");
  // SET keeps the item it names (by feedItemId) and adds the new one.
  auto s = Apply("CampaignExtensionSettingOperation", "SET",
                 setting({Sitelink("a2", first), Sitelink("d")}));
  ASSERT_TRUE(s.errors.empty()) << Errors(s);
  auto now = s.result->Child("extensionSetting")->FindAll("extensions");
  ASSERT_EQ(now.size(), 2u);
  EXPECT_EQ(now[0]->child->Int("feedItemId"), first);
  EXPECT_EQ(now[0]->child->Text("sitelinkText"), "a2");
  EXPECT_EQ(now[1]->child->Int("feedItemId"), first + 2);
  EXPECT_TRUE(Apply("CampaignExtensionSettingOperation", "REMOVE", setting({})).errors.empty());
  EXPECT_EQ(Errors(Apply("CampaignExtensionSettingOperation", "REMOVE", setting({}))),
            "ExtensionSettingError.NO_EXISTING_CAMPAIGN_EXTENSION_SETTING_FOR_TYPE@operations[8]."
            "operand.extensionType[SITELINK];");
  Node customer = Text("CustomerExtensionSetting", {{"extensionType", "CALLOUT"}});
  Node es("ExtensionSetting");
  es.AddChild("extensions", Text("CalloutFeedItem", {{"calloutText", "Free shipping"}}));
  customer.SetChild("extensionSetting", es);
  auto c = Apply("CustomerExtensionSettingOperation", "ADD", customer);
  EXPECT_TRUE(c.errors.empty()) << Errors(c);
  Node ag = Text("AdGroupExtensionSetting", {{"adGroupId", "-3"}, {"extensionType", "CALLOUT"}});
  ag.SetChild("extensionSetting", Node("ExtensionSetting"));
  EXPECT_EQ(Errors(Apply("AdGroupExtensionSettingOperation", "ADD", ag)),
            "ExtensionSettingError.EXTENSIONS_REQUIRED@operations[10].operand.extensionSetting."
            "extensions;");
}

Node FeedItem(std::string feed, std::vector<std::pair<std::string, std::string>> values) {
  Node n = Text("FeedItem", {{"feedId", feed}});
  for (auto& [attr, v] : values) {
    n.AddChild("attributeValues",
               Text("FeedItemAttributeValue", {{"feedAttributeId", attr}, {"stringValue", v}}));
  }
  return n;
}

TEST_F(SandboxTest, FeedItems) {
  EXPECT_EQ(Errors(Apply("FeedItemOperation", "ADD", FeedItem("51230001", {{"1", "x"}}))),
            "EntityNotFound.INVALID_ID@operations[0].operand.feedId;");
  SeedLabelAndFeed();
  auto r = Apply("FeedItemOperation", "ADD",
                 FeedItem("51230001", {{"1", "Mars"}, {"2", "http://mars.com"}}));
  ASSERT_TRUE(r.errors.empty()) << Errors(r);
  int64_t id = *r.result->Int("feedItemId");
  EXPECT_GT(id, 0);
  EXPECT_EQ(r.result->Text("status"), "ENABLED");
  EXPECT_EQ(
      Errors(Apply("FeedItemOperation", "ADD", FeedItem("51230001", {{"7", "x"}}))),
      "EntityNotFound.INVALID_ID@operations[2].operand.attributeValues[0].feedAttributeId[7];");
  EXPECT_EQ(
      Errors(Apply("FeedItemOperation", "ADD", FeedItem("51230001", {{"2", "mars"}}))),
      "FeedItemError.INVALID_URL@operations[3].operand.attributeValues[0].stringValue[mars];");
  Node set = FeedItem("51230001", {{"1", "Venus"}});
  set.SetInt("feedItemId", id);
  auto s = Apply("FeedItemOperation", "SET", set);
  ASSERT_TRUE(s.errors.empty()) << Errors(s);
  ASSERT_EQ(s.result->FindAll("attributeValues").size(), 2u);
  EXPECT_EQ(s.result->FindAll("attributeValues")[0]->child->Text("stringValue"), "Venus");
  Node rm = Text("FeedItem", {{"feedId", "51230001"}, {"feedItemId", std::to_string(id)}});
  EXPECT_EQ(Apply("FeedItemOperation", "REMOVE", rm).result->Text("status"), "REMOVED");
  EXPECT_EQ(Errors(Apply("FeedItemOperation", "SET", rm)),
            "FeedItemError.CANNOT_OPERATE_ON_REMOVED_FEED_ITEM@operations[6].operand.feedItemId[" +
                std::to_string(id) + "];");
}

class SandboxV201809Test : public SandboxTest {
  const char* Version() const override { return "v201809"; }
};

TEST_F(SandboxV201809Test, SharedSetsCriteriaAndCampaignLinks) {
  auto t = MakeTree();
  Node set = Text("SharedSet",
                  {{"sharedSetId", "-60"}, {"name", "negatives"}, {"type", "NEGATIVE_KEYWORDS"}});
  auto s = Apply("SharedSetOperation", "ADD", set);
  ASSERT_TRUE(s.errors.empty()) << Errors(s);
  int64_t set_id = *s.result->Int("sharedSetId");
  EXPECT_EQ(s.result->Text("status"), "ENABLED");
  set.Set("sharedSetId", "-61");
  EXPECT_EQ(Errors(Apply("SharedSetOperation", "ADD", set)),
            "SharedSetError.DUPLICATE_NAME@operations[4].operand.name[negatives];");
  Node crit = Text("SharedCriterion", {{"sharedSetId", "-60"}});
  crit.SetChild("criterion", Text("Keyword", {{"text", "free"}, {"matchType", "BROAD"}}));
  auto c = Apply("SharedCriterionOperation", "ADD", crit);
  ASSERT_TRUE(c.errors.empty()) << Errors(c);
  EXPECT_EQ(c.result->Text("negative"), "true");
  Node place = Text("SharedCriterion", {{"sharedSetId", "-60"}});
  place.SetChild("criterion", Text("Placement", {{"url", "a.com"}}));
  EXPECT_EQ(
      Errors(Apply("SharedCriterionOperation", "ADD", place)),
      "SharedCriterionError.INCORRECT_CRITERION_TYPE@operations[6].operand.criterion[Placement];");
  Node link = Text("CampaignSharedSet", {{"sharedSetId", "-60"}, {"campaignId", "-2"}});
  auto l = Apply("CampaignSharedSetOperation", "ADD", link);
  ASSERT_TRUE(l.errors.empty()) << Errors(l);
  EXPECT_EQ(l.result->Text("campaignName"), "c1");
  EXPECT_EQ(l.result->Text("sharedSetType"), "NEGATIVE_KEYWORDS");
  EXPECT_EQ(l.result->Int("campaignId"), t.campaign);
  auto removed = Apply("SharedSetOperation", "REMOVE",
                       Text("SharedSet", {{"sharedSetId", std::to_string(set_id)}}));
  ASSERT_TRUE(removed.errors.empty()) << Errors(removed);
  EXPECT_EQ(removed.result->Int("memberCount"), 1);
  EXPECT_EQ(removed.result->Int("referenceCount"), 1);
  EXPECT_EQ(Errors(Apply("SharedCriterionOperation", "ADD", crit)),
            "SharedSetError.SHARED_SET_REMOVED@operations[9].operand.sharedSetId;");
}

TEST_F(SandboxV201809Test, FeedItemTargets) {
  auto t = MakeTree();
  SeedLabelAndFeed();
  auto item = Apply("FeedItemOperation", "ADD", FeedItem("51230001", {{"1", "Mars"}}));
  ASSERT_TRUE(item.errors.empty()) << Errors(item);
  std::string item_id = std::to_string(*item.result->Int("feedItemId"));
  Node target = Text("FeedItemCampaignTarget",
                     {{"feedId", "51230001"}, {"feedItemId", item_id}, {"campaignId", "-2"}});
  auto r = Apply("FeedItemTargetOperation", "ADD", target);
  ASSERT_TRUE(r.errors.empty()) << Errors(r);
  EXPECT_EQ(r.result->Text("targetType"), "CAMPAIGN");
  EXPECT_EQ(r.result->Text("status"), "ACTIVE");
  EXPECT_EQ(r.result->Text("campaignName"), "c1");
  EXPECT_EQ(Errors(Apply("FeedItemTargetOperation", "ADD", target)),
            "FeedItemTargetError.FEED_ITEM_TARGET_ALREADY_EXISTS@operations[5].operand;");
  Node ag = Text("FeedItemAdGroupTarget",
                 {{"feedId", "51230001"}, {"feedItemId", item_id}, {"adGroupId", "-3"}});
  auto a = Apply("FeedItemTargetOperation", "ADD", ag);
  ASSERT_TRUE(a.errors.empty()) << Errors(a);
  EXPECT_EQ(a.result->Text("parentCampaignName"), "c1");
  Node crit = Text("FeedItemCriterionTarget", {{"feedId", "51230001"}, {"feedItemId", item_id}});
  crit.SetChild("criterion", Text("Language", {{"id", "1000"}}));
  EXPECT_EQ(Errors(Apply("FeedItemTargetOperation", "ADD", crit)),
            "FeedItemTargetError.CRITERION_TYPE_NOT_SUPPORTED@operations[7].operand.criterion["
            "Language];");
  auto rm = Apply("FeedItemTargetOperation", "REMOVE", target);
  ASSERT_TRUE(rm.errors.empty()) << Errors(rm);
  EXPECT_EQ(rm.result->Text("status"), "REMOVED");
  (void)t;
}

}  // namespace
}  // namespace bg::backend
