#include "results/writer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace bg::results {
namespace {

namespace fs = std::filesystem;

constexpr const char* kXsi = "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";

const schema::Registry& Reg(const char* version = "v201702") {
  const schema::Registry* r = schema::Registry::Get(version);
  EXPECT_NE(r, nullptr) << version;
  return *r;
}

std::string Render(const model::MutateResult& r, const char* version = "v201702") {
  std::string out;
  xml::XmlWriter w(&out);
  WriteMutateResult(Reg(version), r, w);
  return out;
}

model::Node Money(int64_t micros) {
  model::Node m("Money");
  m.SetInt("microAmount", micros);
  return m;
}

model::MutateResult BudgetResult(int64_t index) {
  model::Node b("Budget");
  // Deliberately out of schema order: the writer emits schema order.
  b.Set("status", "ENABLED");
  b.SetChild("amount", Money(50000000));
  b.SetInt("budgetId", 410230034);
  b.Set("name", "Batch budget #1 & <co>");
  b.Set("deliveryMethod", "STANDARD");
  b.Set("isExplicitlyShared", "true");
  model::MutateResult r;
  r.index = index;
  r.result_element = "Budget";
  r.result = std::move(b);
  return r;
}

TEST(WriteMutateResult, Budget) {
  EXPECT_EQ(Render(BudgetResult(0)),
            "<rval><result><Budget><budgetId>410230034</budgetId>"
            "<name>Batch budget #1 &amp; &lt;co&gt;</name>"
            "<amount><ComparableValue.Type>Money</ComparableValue.Type>"
            "<microAmount>50000000</microAmount></amount><deliveryMethod>STANDARD</deliveryMethod>"
            "<isExplicitlyShared>true</isExplicitlyShared><status>ENABLED</status></Budget>"
            "</result><index>0</index></rval>");
}

TEST(WriteMutateResult, CampaignWithPolymorphicNestedValues) {
  model::Node c("Campaign");
  c.SetInt("id", 123);
  c.Set("name", "c1");
  c.Set("status", "PAUSED");
  c.Set("servingStatus", "SERVING");
  c.Set("startDate", "20170301");
  c.Set("endDate", "20371230");
  model::Node budget("Budget");
  budget.SetInt("budgetId", 410230034);
  c.SetChild("budget", budget);
  c.Set("advertisingChannelType", "SEARCH");
  model::Node geo("GeoTargetTypeSetting");
  geo.Set("positiveGeoTargetType", "DONT_CARE");
  c.AddChild("settings", geo);
  model::Node bsc("BiddingStrategyConfiguration");
  bsc.Set("biddingStrategyType", "MANUAL_CPC");
  model::Node scheme("ManualCpcBiddingScheme");
  scheme.Set("enhancedCpcEnabled", "false");
  bsc.SetChild("biddingScheme", scheme);
  c.SetChild("biddingStrategyConfiguration", bsc);
  c.Set("notAFieldOfCampaign", "dropped");  // version-strict: unknown fields are not written
  model::MutateResult r;
  r.index = 1;
  r.result_element = "Campaign";
  r.result = std::move(c);
  EXPECT_EQ(Render(r),
            std::string("<rval><result><Campaign><id>123</id><name>c1</name><status>PAUSED</status>"
                        "<servingStatus>SERVING</servingStatus><startDate>20170301</startDate>"
                        "<endDate>20371230</endDate><budget><budgetId>410230034</budgetId></budget>"
                        "<settings ") +
                kXsi +
                " xsi:type=\"GeoTargetTypeSetting\"><Setting.Type>GeoTargetTypeSetting"
                "</Setting.Type><positiveGeoTargetType>DONT_CARE</positiveGeoTargetType></settings>"
                "<advertisingChannelType>SEARCH</advertisingChannelType>"
                "<biddingStrategyConfiguration><biddingStrategyType>MANUAL_CPC"
                "</biddingStrategyType><biddingScheme " +
                kXsi +
                " xsi:type=\"ManualCpcBiddingScheme\"><BiddingScheme.Type>ManualCpcBiddingScheme"
                "</BiddingScheme.Type><enhancedCpcEnabled>false</enhancedCpcEnabled>"
                "</biddingScheme></biddingStrategyConfiguration></Campaign></result>"
                "<index>1</index></rval>");
}

model::MutateResult CriterionResult(int64_t index) {
  model::Node agc("BiddableAdGroupCriterion");
  agc.Set("userStatus", "ENABLED");
  agc.SetInt("adGroupId", 38279012345);
  model::Node kw("Keyword");
  kw.Set("text", "mars0");
  kw.Set("matchType", "BROAD");
  kw.SetInt("id", 16927179846);
  kw.Set("type", "KEYWORD");
  agc.SetChild("criterion", kw);
  agc.Set("systemServingStatus", "ELIGIBLE");
  agc.Set("approvalStatus", "PENDING_REVIEW");
  model::Node bsc("BiddingStrategyConfiguration");
  model::Node bid("CpcBid");
  bid.SetChild("bid", Money(10000000));
  bid.Set("cpcBidSource", "ADGROUP");
  bsc.AddChild("bids", bid);
  agc.SetChild("biddingStrategyConfiguration", bsc);
  model::MutateResult r;
  r.index = index;
  r.result = std::move(agc);  // result_element left empty: derived from the registry
  return r;
}

TEST(WriteMutateResult, BiddableAdGroupCriterionWithKeyword) {
  EXPECT_EQ(Render(CriterionResult(3)),
            std::string("<rval><result><AdGroupCriterion ") + kXsi +
                " xsi:type=\"BiddableAdGroupCriterion\"><adGroupId>38279012345</adGroupId>"
                "<criterion xsi:type=\"Keyword\"><id>16927179846</id><type>KEYWORD</type>"
                "<Criterion.Type>Keyword</Criterion.Type><text>mars0</text>"
                "<matchType>BROAD</matchType></criterion>"
                "<AdGroupCriterion.Type>BiddableAdGroupCriterion</AdGroupCriterion.Type>"
                "<userStatus>ENABLED</userStatus><systemServingStatus>ELIGIBLE"
                "</systemServingStatus><approvalStatus>PENDING_REVIEW</approvalStatus>"
                "<biddingStrategyConfiguration><bids xsi:type=\"CpcBid\"><Bids.Type>CpcBid"
                "</Bids.Type><bid><ComparableValue.Type>Money</ComparableValue.Type>"
                "<microAmount>10000000</microAmount></bid><cpcBidSource>ADGROUP</cpcBidSource>"
                "</bids></biddingStrategyConfiguration></AdGroupCriterion></result>"
                "<index>3</index></rval>");
}

model::MutateResult ErrorResult(int64_t index) {
  model::MutateResult r;
  r.index = index;
  r.errors.push_back(ApiError::Make("CriterionError", "KEYWORD_HAS_INVALID_CHARS",
                                    "operations[4].operand.criterion.text", "mars2!!!"));
  r.errors.push_back(
      ApiError::Make("RequiredError", "REQUIRED", "operations[4].operand.adGroupId"));
  ApiError rate = ApiError::Make("RateExceededError", "RATE_EXCEEDED");
  rate.extra = {{"rateName", "RequestsPerMinute"},
                {"rateScope", "ACCOUNT"},
                {"notAField", "dropped"},
                {"retryAfterSeconds", "30"}};
  r.errors.push_back(rate);
  return r;
}

TEST(WriteMutateResult, Errors) {
  std::string open = std::string("<errors ") + kXsi + " xsi:type=";
  EXPECT_EQ(Render(ErrorResult(4)),
            "<rval><errorList>" + open +
                "\"CriterionError\"><fieldPath>operations[4].operand.criterion.text</fieldPath>"
                "<trigger>mars2!!!</trigger><errorString>CriterionError.KEYWORD_HAS_INVALID_CHARS"
                "</errorString><ApiError.Type>CriterionError</ApiError.Type>"
                "<reason>KEYWORD_HAS_INVALID_CHARS</reason></errors>" +
                open +
                "\"RequiredError\"><fieldPath>operations[4].operand.adGroupId</fieldPath>"
                "<errorString>RequiredError.REQUIRED</errorString>"
                "<ApiError.Type>RequiredError</ApiError.Type><reason>REQUIRED</reason></errors>" +
                open +
                "\"RateExceededError\"><errorString>RateExceededError.RATE_EXCEEDED</errorString>"
                "<ApiError.Type>RateExceededError</ApiError.Type><reason>RATE_EXCEEDED</reason>"
                "<rateName>RequestsPerMinute</rateName><rateScope>ACCOUNT</rateScope>"
                "<retryAfterSeconds>30</retryAfterSeconds></errors></errorList>"
                "<index>4</index></rval>");
}

model::MutateResult ExpandedTextAdResult() {
  model::Node ad("ExpandedTextAd");
  ad.SetInt("id", 2);
  ad.Set("headlinePart1", "h1");
  ad.Set("headlinePart2", "h2");
  ad.Set("headlinePart3", "h3");
  ad.Set("description", "d");
  ad.Set("type", "EXPANDED_TEXT_AD");
  model::Node aga("AdGroupAd");
  aga.SetInt("adGroupId", 1);
  aga.SetChild("ad", ad);
  aga.Set("status", "ENABLED");
  model::MutateResult r;
  r.index = 0;
  r.result_element = "AdGroupAd";
  r.result = std::move(aga);
  return r;
}

TEST(WriteMutateResult, OnlyFieldsOfTheJobsVersion) {
  const std::string head = std::string("<rval><result><AdGroupAd><adGroupId>1</adGroupId><ad ") +
                           kXsi +
                           " xsi:type=\"ExpandedTextAd\"><id>2</id><type>EXPANDED_TEXT_AD"
                           "</type><Ad.Type>ExpandedTextAd</Ad.Type><headlinePart1>h1"
                           "</headlinePart1><headlinePart2>h2</headlinePart2>";
  const std::string tail =
      "</ad><status>ENABLED</status></AdGroupAd></result><index>0</index></rval>";
  EXPECT_EQ(Render(ExpandedTextAdResult(), "v201702"),
            head + "<description>d</description>" + tail);
  EXPECT_EQ(Render(ExpandedTextAdResult(), "v201809"),
            head + "<headlinePart3>h3</headlinePart3><description>d</description>" + tail);
}

TEST(WriteMutateResult, RepeatedFieldsOneElementPerItem) {
  model::Node ad("ExpandedTextAd");
  ad.Add("finalUrls", "http://a");
  ad.Add("finalUrls", "http://b");
  ad.Set("headlinePart1", "h");
  model::Node aga("AdGroupAd");
  aga.SetChild("ad", ad);
  model::MutateResult r;
  r.result = std::move(aga);
  EXPECT_EQ(Render(r), std::string("<rval><result><AdGroupAd><ad ") + kXsi +
                           " xsi:type=\"ExpandedTextAd\"><finalUrls>http://a</finalUrls>"
                           "<finalUrls>http://b</finalUrls><Ad.Type>ExpandedTextAd</Ad.Type>"
                           "<headlinePart1>h</headlinePart1></ad></AdGroupAd></result>"
                           "<index>0</index></rval>");
}

TEST(WriteMutateResult, EntityTypeUnknownToTheVersionWritesOnlyTheIndex) {
  model::MutateResult r;
  r.index = 2;
  r.result = model::Node("NotAnAdWordsEntity");
  EXPECT_EQ(Render(r), "<rval><index>2</index></rval>");
}

// --- ResultWriter (the file) -------------------------------------------------------------------

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "/writer_XXXXXX";
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

model::MutateResult Nth(int64_t i) {
  switch (i % 3) {
    case 0:
      return BudgetResult(i);
    case 1:
      return CriterionResult(i);
    default:
      return ErrorResult(i);
  }
}

TEST(ResultWriter, EmptyJob) {
  TempDir dir;
  auto w = ResultWriter::Open(dir.File("r.xml"), Reg(), 0);
  ASSERT_TRUE(w.ok()) << w.status().message();
  auto size = (*w)->Finish();
  ASSERT_TRUE(size.ok());
  const std::string expected =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><mutateResponse "
      "xmlns=\"https://adwords.google.com/api/adwords/cm/v201702\"></mutateResponse>";
  EXPECT_EQ(Slurp(dir.File("r.xml")), expected);
  EXPECT_EQ(*size, expected.size());
  EXPECT_FALSE((*w)->Append(BudgetResult(0)).ok());
}

TEST(ResultWriter, FileIsTheConcatenationOfTheResults) {
  TempDir dir;
  std::string expected =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><mutateResponse "
      "xmlns=\"https://adwords.google.com/api/adwords/cm/v201809\">";
  auto w = ResultWriter::Open(dir.File("r.xml"), Reg("v201809"), 0);
  ASSERT_TRUE(w.ok());
  for (int64_t i = 0; i < 500; ++i) {  // well past the 64 KiB buffer
    ASSERT_TRUE((*w)->Append(Nth(i)).ok());
    expected += Render(Nth(i), "v201809");
  }
  auto synced = (*w)->Sync();
  ASSERT_TRUE(synced.ok());
  EXPECT_EQ(*synced, expected.size());
  EXPECT_EQ(fs::file_size(dir.File("r.xml")), expected.size());
  expected += "</mutateResponse>";
  auto done = (*w)->Finish();
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(*done, expected.size());
  EXPECT_EQ(Slurp(dir.File("r.xml")), expected);
}

// Writes results 0..total-1 twice: straight through, and with a checkpoint after
// `checkpoint_at` results, more results up to `lost_after` that no checkpoint counts, then a
// resume from the checkpoint (the executor's recovery); both files must be equal. Returns the
// checkpoint's size and the whole file's.
std::pair<uint64_t, uint64_t> ExpectResumeIsByteIdentical(int64_t total, int64_t checkpoint_at,
                                                          int64_t lost_after) {
  TempDir dir;
  {  // Uninterrupted run.
    auto w = ResultWriter::Open(dir.File("straight.xml"), Reg(), 0);
    EXPECT_TRUE(w.ok());
    for (int64_t i = 0; i < total; ++i) EXPECT_TRUE((*w)->Append(Nth(i)).ok());
    EXPECT_TRUE((*w)->Finish().ok());
  }
  uint64_t checkpoint = 0;
  {  // Interrupted run: the results after the checkpoint are never checkpointed.
    auto w = ResultWriter::Open(dir.File("resumed.xml"), Reg(), 0);
    EXPECT_TRUE(w.ok());
    for (int64_t i = 0; i < checkpoint_at; ++i) EXPECT_TRUE((*w)->Append(Nth(i)).ok());
    auto s = (*w)->Sync();
    EXPECT_TRUE(s.ok());
    checkpoint = s.ok() ? *s : 0;
    for (int64_t i = checkpoint_at; i < lost_after; ++i) EXPECT_TRUE((*w)->Append(Nth(i)).ok());
    EXPECT_TRUE((*w)->Sync().ok());
  }
  EXPECT_GT(fs::file_size(dir.File("resumed.xml")), checkpoint);
  {  // Recovery: truncate to the checkpoint and redo the operations after it.
    auto w = ResultWriter::Open(dir.File("resumed.xml"), Reg(), checkpoint);
    EXPECT_TRUE(w.ok()) << w.status().message();
    for (int64_t i = checkpoint_at; i < total; ++i) EXPECT_TRUE((*w)->Append(Nth(i)).ok());
    EXPECT_TRUE((*w)->Finish().ok());
  }
  EXPECT_EQ(Slurp(dir.File("resumed.xml")), Slurp(dir.File("straight.xml")));
  return {checkpoint, fs::file_size(dir.File("straight.xml"))};
}

TEST(ResultWriter, TruncateAndResumeIsByteIdentical) { ExpectResumeIsByteIdentical(400, 150, 250); }

// Files of several MiB: the writer starts the disk writes of every MiB it has written
// (common/writeback) before and after a resume; none of that may change a byte.
TEST(ResultWriter, MegabytesOfResultsResumeByteIdentical) {
  auto [checkpoint, size] = ExpectResumeIsByteIdentical(15000, 6000, 9000);
  EXPECT_GT(size, 3u << 20);
  EXPECT_GT(checkpoint, 1u << 20);
}

TEST(ResultWriter, CheckpointBeyondTheFileIsDataLoss) {
  TempDir dir;
  std::ofstream(dir.File("short.xml")) << "<?xml";
  auto w = ResultWriter::Open(dir.File("short.xml"), Reg(), 100);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace bg::results
