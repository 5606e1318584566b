// AdGroupAd rules of the sandbox: the Ad subtypes' required fields and limits, ids, review fields,
// status transitions.
#include "unit/backend/sandbox_fixture.hpp"

namespace bg::backend {
namespace {

Node Eta(int64_t ad_group, std::string h1 = "Cruise to Mars",
         std::string url = "http://example.com") {
  Node ad = Text("ExpandedTextAd", {{"headlinePart1", h1},
                                    {"headlinePart2", "Best space cruise"},
                                    {"description", "Buy your tickets now!"}});
  if (!url.empty()) ad.Add("finalUrls", url);
  Node n = Text("AdGroupAd", {{"adGroupId", std::to_string(ad_group)}});
  n.SetChild("ad", std::move(ad));
  return n;
}

Node WithAd(int64_t ad_group, Node ad) {
  Node n = Text("AdGroupAd", {{"adGroupId", std::to_string(ad_group)}});
  n.SetChild("ad", std::move(ad));
  return n;
}

class AdsTest : public SandboxTest {};

TEST_F(AdsTest, ExpandedTextAdGetsIdTypeAndReviewFields) {
  auto t = MakeTree();
  auto r = Apply("AdGroupAdOperation", "ADD", Eta(-3));
  ASSERT_TRUE(r.errors.empty()) << Errors(r);
  EXPECT_EQ(r.result_element, "AdGroupAd");
  EXPECT_EQ(r.result->Int("adGroupId"), t.ad_group);
  EXPECT_EQ(r.result->Text("status"), "ENABLED");
  EXPECT_EQ(r.result->Text("approvalStatus"), "UNCHECKED");
  EXPECT_EQ(r.result->Child("policySummary")->Text("reviewState"), "REVIEW_IN_PROGRESS");
  const Node* ad = r.result->Child("ad");
  EXPECT_GT(ad->Int("id").value_or(0), 0);
  EXPECT_EQ(ad->Text("type"), "EXPANDED_TEXT_AD");
  auto second = Apply("AdGroupAdOperation", "ADD", Eta(t.ad_group));
  EXPECT_EQ(second.result->Child("ad")->Int("id"), *ad->Int("id") + 1);
}

TEST_F(AdsTest, ExpandedTextAdRules) {
  MakeTree();
  EXPECT_EQ(Errors(Apply("AdGroupAdOperation", "ADD", Eta(-3, "Cruise to Mars", ""))),
            "RequiredError.REQUIRED@operations[3].operand.ad.finalUrls;");
  EXPECT_EQ(Errors(Apply("AdGroupAdOperation", "ADD", Eta(-3, std::string(31, 'x')))),
            "StringLengthError.TOO_LONG@operations[4].operand.ad.headlinePart1[" +
                std::string(31, 'x') + "];");
  EXPECT_EQ(Errors(Apply("AdGroupAdOperation", "ADD", Eta(-3, "a", "example.com"))),
            "AdError.URL_NO_SCHEME@operations[5].operand.ad.finalUrls[0][example.com];");
  Node p = Eta(-3);
  p.Child("ad")->Set("path2", "deals");
  EXPECT_EQ(Errors(Apply("AdGroupAdOperation", "ADD", p)),
            "AdError.CANNOT_SET_PATH2_WITHOUT_PATH1@operations[6].operand.ad.path2;");
  EXPECT_EQ(Errors(Apply("AdGroupAdOperation", "ADD", Eta(999))),
            "EntityNotFound.INVALID_ID@operations[7].operand.adGroupId;");
  EXPECT_EQ(Count(Kind::kAd), 0);
}

TEST_F(AdsTest, TextAdResponsiveImageAndTemplateAdRules) {
  MakeTree();
  Node text = Text("TextAd", {{"description1", "d1"},
                              {"description2", "d2"},
                              {"displayUrl", "example.com"},
                              {"finalUrls", "http://example.com"}});
  EXPECT_EQ(Errors(Apply("AdGroupAdOperation", "ADD", WithAd(-3, text))),
            "AdError.MISSING_HEADLINE@operations[3].operand.ad.headline;");
  text.Set("headline", std::string(26, 'h'));
  EXPECT_EQ(
      Errors(Apply("AdGroupAdOperation", "ADD", WithAd(-3, text))),
      "AdError.LINE_TOO_WIDE@operations[4].operand.ad.headline[" + std::string(26, 'h') + "];");
  text.Set("headline", "Mars");
  EXPECT_TRUE(Apply("AdGroupAdOperation", "ADD", WithAd(-3, text)).errors.empty());

  Node rda = Text("ResponsiveDisplayAd", {{"shortHeadline", "s"},
                                          {"longHeadline", "l"},
                                          {"description", "d"},
                                          {"finalUrls", "http://a.com"}});
  rda.SetChild("marketingImage", Text("Image", {{"mediaId", "123"}}));
  EXPECT_EQ(Errors(Apply("AdGroupAdOperation", "ADD", WithAd(-3, rda))),
            "AdError.MISSING_BUSINESS_NAME@operations[6].operand.ad.businessName;");
  rda.Set("businessName", "Mars Inc");
  auto ok = Apply("AdGroupAdOperation", "ADD", WithAd(-3, rda));
  ASSERT_TRUE(ok.errors.empty()) << Errors(ok);
  EXPECT_EQ(ok.result->Child("ad")->Text("type"), "RESPONSIVE_DISPLAY_AD");

  Node image =
      Text("ImageAd", {{"name", "banner"}, {"displayUrl", "a.com"}, {"finalUrls", "http://a.com"}});
  EXPECT_EQ(Errors(Apply("AdGroupAdOperation", "ADD", WithAd(-3, image))),
            "AdError.MISSING_IMAGE@operations[8].operand.ad.image;");

  Node tmpl = Text("TemplateAd", {{"name", "t"}, {"finalUrls", "http://a.com"}});
  Node element = Text("TemplateElement", {{"uniqueName", "adData"}});
  element.AddChild("fields",
                   Text("TemplateElementField", {{"name", "headline"}, {"type", "TEXT"}}));
  tmpl.AddChild("templateElements", element);
  EXPECT_EQ(Errors(Apply("AdGroupAdOperation", "ADD", WithAd(-3, tmpl))),
            "AdError.INVALID_TEMPLATE_ID@operations[9].operand.ad.templateId;"
            "AdError.MISSING_TEMPLATE_FIELD_VALUE@operations[9].operand.ad.templateElements[0]"
            ".fields[0];");
}

TEST_F(AdsTest, OtherAdSubtypesAreStoredAndEchoed) {
  MakeTree();
  Node call = Text("CallOnlyAd",
                   {{"countryCode", "US"}, {"phoneNumber", "555-0100"}, {"businessName", "Mars"}});
  auto r = Apply("AdGroupAdOperation", "ADD", WithAd(-3, call));
  ASSERT_TRUE(r.errors.empty()) << Errors(r);
  EXPECT_EQ(r.result->Child("ad")->Text("phoneNumber"), "555-0100");
  EXPECT_EQ(r.result->Child("ad")->Text("type"), "CALL_ONLY_AD");
  EXPECT_EQ(Count(Kind::kAd), 1);
}

TEST_F(AdsTest, SetChangesOnlyStatusAndRemoveDisables) {
  auto t = MakeTree();
  auto added = Apply("AdGroupAdOperation", "ADD", Eta(-3));
  int64_t ad_id = *added.result->Child("ad")->Int("id");
  Node set = Text("AdGroupAd", {{"adGroupId", std::to_string(t.ad_group)}, {"status", "PAUSED"}});
  set.SetChild("ad", Text("Ad", {{"id", std::to_string(ad_id)}}));
  auto paused = Apply("AdGroupAdOperation", "SET", set);
  ASSERT_TRUE(paused.errors.empty()) << Errors(paused);
  EXPECT_EQ(paused.result->Text("status"), "PAUSED");
  EXPECT_EQ(paused.result->Child("ad")->Text("headlinePart1"), "Cruise to Mars");

  Node modify = set;
  modify.Child("ad")->Set("headlinePart1", "changed");
  EXPECT_EQ(Errors(Apply("AdGroupAdOperation", "SET", modify)),
            "AdError.CANNOT_MODIFY_AD@operations[5].operand.ad.headlinePart1;");

  Node other_group = set;
  other_group.SetInt("adGroupId", t.ad_group);
  Apply("AdGroupOperation", "ADD", AdGroup(-9, t.campaign, "g2"));
  other_group.Set("adGroupId", "-9");
  EXPECT_EQ(Errors(Apply("AdGroupAdOperation", "SET", other_group)),
            "AdGroupAdError.AD_NOT_UNDER_ADGROUP@operations[7].operand.ad.id[" +
                std::to_string(ad_id) + "];");

  auto removed = Apply("AdGroupAdOperation", "REMOVE", set);
  ASSERT_TRUE(removed.errors.empty()) << Errors(removed);
  EXPECT_EQ(removed.result->Text("status"), "DISABLED");
  EXPECT_EQ(Errors(Apply("AdGroupAdOperation", "SET", set)),
            "AdGroupAdError.CANNOT_OPERATE_ON_REMOVED_ADGROUPAD@operations[9].operand.ad.id;");
}

class AdsV201809Test : public SandboxTest {
  const char* Version() const override { return "v201809"; }
};

TEST_F(AdsV201809Test, LongerDescriptionsAreAllowed) {
  MakeTree();
  Node eta = Eta(-3);
  eta.Child("ad")->Set("description", std::string(90, 'd'));
  eta.Child("ad")->Set("headlinePart3", "third");
  auto r = Apply("AdGroupAdOperation", "ADD", eta);
  ASSERT_TRUE(r.errors.empty()) << Errors(r);
  eta.Child("ad")->Set("description", std::string(91, 'd'));
  EXPECT_EQ(Errors(Apply("AdGroupAdOperation", "ADD", eta)),
            "StringLengthError.TOO_LONG@operations[4].operand.ad.description[" +
                std::string(91, 'd') + "];");
}

}  // namespace
}  // namespace bg::backend
