#include "engine/op_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace bg::engine {
namespace {

namespace fs = std::filesystem;

const schema::Registry& Reg() {
  const schema::Registry* r = schema::Registry::Get("v201702");
  EXPECT_NE(r, nullptr);
  return *r;
}

// Order-insensitive rendering of a Node: fields sorted by name (stable, so repeated fields keep
// their document order).
std::string Canon(const model::Node& n) {
  std::vector<const model::Field*> fs;
  for (const auto& f : n.fields()) fs.push_back(&f);
  std::stable_sort(fs.begin(), fs.end(),
                   [](const model::Field* a, const model::Field* b) { return a->name < b->name; });
  std::string out = n.type() + "{";
  for (const model::Field* f : fs) {
    out += f->name + "=";
    out += f->child ? Canon(*f->child) : "\"" + f->text + "\"";
    out += ";";
  }
  return out + "}";
}

struct ReadOutcome {
  std::vector<model::Operation> ops;
  Status status;  // ok, or the document error
  DocumentError error;
  uint64_t consumed = 0;
};

ReadOutcome ReadFile(const std::string& path, const schema::Registry& registry = Reg()) {
  ReadOutcome out;
  auto reader = OpReader::Open(path, fs::file_size(path), registry);
  if (!reader.ok()) {
    out.status = reader.status();
    return out;
  }
  uint64_t last_consumed = 0;
  for (;;) {
    auto next = (*reader)->Next();
    if (!next.ok()) {
      out.status = next.status();
      out.error = (*reader)->error();
      // A failed reader keeps failing.
      auto again = (*reader)->Next();
      EXPECT_FALSE(again.ok());
      EXPECT_EQ(again.status().message(), next.status().message());
      break;
    }
    EXPECT_GE((*reader)->bytes_consumed(), last_consumed);
    last_consumed = (*reader)->bytes_consumed();
    if (!next->has_value()) break;
    out.ops.push_back(std::move(**next));
  }
  out.consumed = (*reader)->bytes_consumed();
  return out;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "/op_reader_XXXXXX";
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  std::string path_;
};

ReadOutcome ReadString(const std::string& doc, const schema::Registry& registry = Reg()) {
  TempDir dir;
  return ReadFile(dir.Write("upload.xml", doc), registry);
}

// "Type.REASON@fieldPath(trigger);" for each parse error of `op`.
std::string ShowErrors(const model::Operation& op) {
  std::string out;
  for (const ApiError& e : op.parse_errors) {
    out += e.ErrorString() + "@" + e.field_path + "(" + e.trigger + ");";
  }
  return out;
}

// The three operations every dialect fixture under fixtures/uploads/parser/ expresses.
std::vector<std::string> ExpectedDialectOps() {
  model::Node budget_op("BudgetOperation");
  budget_op.Set("operator", "ADD");
  model::Node budget("Budget");
  budget.Set("budgetId", "-1");
  budget.Set("name", "b1");
  model::Node money("Money");
  money.Set("microAmount", "50000000");
  budget.SetChild("amount", money);
  budget.Set("deliveryMethod", "STANDARD");
  budget_op.SetChild("operand", budget);

  model::Node campaign_op("CampaignOperation");
  campaign_op.Set("operator", "ADD");
  model::Node campaign("Campaign");
  campaign.Set("id", "-2");
  campaign.Set("name", "c1");
  campaign.Set("status", "PAUSED");
  model::Node ref("Budget");
  ref.Set("budgetId", "-1");
  campaign.SetChild("budget", ref);
  campaign.Set("advertisingChannelType", "SEARCH");
  model::Node bsc("BiddingStrategyConfiguration");
  bsc.Set("biddingStrategyType", "MANUAL_CPC");
  campaign.SetChild("biddingStrategyConfiguration", bsc);
  campaign_op.SetChild("operand", campaign);

  model::Node crit_op("AdGroupCriterionOperation");
  crit_op.Set("operator", "ADD");
  model::Node agc("BiddableAdGroupCriterion");
  agc.Set("adGroupId", "-3");
  model::Node kw("Keyword");
  kw.Set("text", "mars & <cruise> \"x\" 'y'");
  kw.Set("matchType", "BROAD");
  agc.SetChild("criterion", kw);
  agc.Set("userStatus", "ENABLED");
  crit_op.SetChild("operand", agc);
  return {Canon(budget_op), Canon(campaign_op), Canon(crit_op)};
}

class OpReaderDialectTest : public ::testing::TestWithParam<const char*> {};

TEST_P(OpReaderDialectTest, EveryClientDialectYieldsTheSameOperations) {
  std::string path = std::string(BG_FIXTURES_DIR) + "/uploads/parser/" + GetParam();
  ReadOutcome r = ReadFile(path);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  std::vector<std::string> got;
  for (size_t i = 0; i < r.ops.size(); ++i) {
    EXPECT_EQ(r.ops[i].index, static_cast<int64_t>(i));
    got.push_back(Canon(r.ops[i].node));
  }
  EXPECT_EQ(got, ExpectedDialectOps());
  EXPECT_EQ(r.consumed, fs::file_size(path));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, OpReaderDialectTest,
                         ::testing::Values("python_suds.xml", "java_axis.xml", "java_jaxws.xml",
                                           "php.xml", "php_legacy.xml", "ruby.xml", "perl.xml",
                                           "dotnet.xml"),
                         [](const auto& info) {
                           std::string n = info.param;
                           return n.substr(0, n.find('.'));
                         });

constexpr const char* kHead =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<mutate xmlns=\"https://adwords.google.com/api/adwords/cm/v201702\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n";

std::string BudgetOp(int64_t id) {
  return "<operations xsi:type=\"BudgetOperation\"><operator>ADD</operator><operand><budgetId>" +
         std::to_string(id) +
         "</budgetId><name>b</name><amount><microAmount>1</microAmount></amount></operand>"
         "</operations>";
}

TEST(OpReader, FallsBackToTheOperationTypeMarker) {
  ReadOutcome r = ReadString(std::string(kHead) +
                             "<operations><operator>SET</operator>"
                             "<Operation.Type>BudgetOperation</Operation.Type>"
                             "<operand><budgetId>5</budgetId></operand></operations></mutate>");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.ops.size(), 1u);
  EXPECT_EQ(Canon(r.ops[0].node),
            "BudgetOperation{operand=Budget{budgetId=\"5\";};operator=\"SET\";}");
}

TEST(OpReader, OperationWithoutAnyTypeIsAnOperationError) {
  ReadOutcome r =
      ReadString(std::string(kHead) + "<operations><operator>SET</operator></operations>" +
                 BudgetOp(-1) + "</mutate>");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.ops.size(), 2u);
  EXPECT_EQ(ShowErrors(r.ops[0]), "RequestError.INVALID_INPUT@operations[0](Operation);");
  EXPECT_EQ(ShowErrors(r.ops[1]), "");
}

TEST(OpReader, MarkersOfAnyLevelAreIgnored) {
  ReadOutcome r = ReadString(std::string(kHead) +
                             "<operations xsi:type=\"BudgetOperation\"><operator>ADD</operator>"
                             "<operand><Operation.Type>BudgetOperation</Operation.Type>"
                             "<budgetId>-1</budgetId><Foo.Type>x</Foo.Type></operand>"
                             "</operations></mutate>");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.ops.size(), 1u);
  EXPECT_EQ(ShowErrors(r.ops[0]), "");
  EXPECT_EQ(Canon(r.ops[0].node),
            "BudgetOperation{operand=Budget{budgetId=\"-1\";};operator=\"ADD\";}");
}

TEST(OpReader, IgnoresNilMarkersAndLeafTypesAndTrimsNonStrings) {
  ReadOutcome r = ReadString(
      "\xEF\xBB\xBF" + std::string(kHead) +
      "<operations xsi:type=\"x:BudgetOperation\"><operator> ADD\n</operator><operand>"
      "<budgetId xsi:type=\"ns1:long\">\r\n -7 </budgetId><name>  b1 </name>"
      "<deliveryMethod xsi:nil=\"true\"/><amount><ComparableValue.Type>Money</ComparableValue.Type>"
      "<microAmount>1</microAmount></amount><status xsi:nil=\"1\"><junk/></status>"
      "</operand></operations>   \n  </mutate>   \n ");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.ops.size(), 1u);
  EXPECT_EQ(Canon(r.ops[0].node),
            "BudgetOperation{operand=Budget{amount=Money{microAmount=\"1\";};budgetId=\"-7\";"
            "name=\"  b1 \";};operator=\"ADD\";}");
}

TEST(OpReader, RepeatedFieldsKeepDocumentOrder) {
  ReadOutcome r = ReadString(
      std::string(kHead) +
      "<operations xsi:type=\"AdGroupAdOperation\"><operator>ADD</operator><operand>"
      "<adGroupId>-4</adGroupId><ad xsi:type=\"ExpandedTextAd\"><finalUrls>http://a</finalUrls>"
      "<headlinePart1>h1</headlinePart1><finalUrls>http://b</finalUrls></ad></operand>"
      "</operations><operations xsi:type=\"AdGroupOperation\"><operator>ADD</operator><operand>"
      "<campaignId>-2</campaignId><biddingStrategyConfiguration><bids xsi:type=\"CpcBid\"><bid>"
      "<microAmount>10</microAmount></bid></bids><bids xsi:type=\"CpmBid\"/>"
      "</biddingStrategyConfiguration></operand></operations></mutate>");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.ops.size(), 2u);
  const model::Node* ad = r.ops[0].operand()->Child("ad");
  ASSERT_NE(ad, nullptr);
  EXPECT_EQ(ad->type(), "ExpandedTextAd");
  auto urls = ad->FindAll("finalUrls");
  ASSERT_EQ(urls.size(), 2u);
  EXPECT_EQ(urls[0]->text, "http://a");
  EXPECT_EQ(urls[1]->text, "http://b");
  auto bids = r.ops[1].operand()->Child("biddingStrategyConfiguration")->FindAll("bids");
  ASSERT_EQ(bids.size(), 2u);
  EXPECT_EQ(bids[0]->child->type(), "CpcBid");
  EXPECT_EQ(bids[1]->child->type(), "CpmBid");
}

TEST(OpReader, EmptyMutateHasNoOperations) {
  ReadOutcome r = ReadString("<ns1:mutate xmlns:ns1=\"urn:wrong\"/>");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_TRUE(r.ops.empty());
}

// Reference §3.2: a PHP-style three-chunk upload (each data chunk padded to 256 KiB, the root end
// tag as a separate 13-byte chunk).
TEST(OpReader, ThreeChunkPaddedUpload) {
  auto pad = [](std::string s) {
    s.append(262144 - s.size() % 262144, ' ');
    return s;
  };
  std::string op =
      "<operations xsi:type=\"ns1:AdGroupCriterionOperation\"><operand "
      "xsi:type=\"ns1:BiddableAdGroupCriterion\"><userStatus>ENABLED</userStatus><adGroupId>-3"
      "</adGroupId><criterion xsi:type=\"ns1:Keyword\"><text>mars</text><matchType>BROAD"
      "</matchType></criterion></operand><operator>ADD</operator></operations>";
  std::string doc =
      pad("<?xml version=\"1.0\"?>\n<ns1:mutate "
          "xmlns:ns1=\"https://adwords.google.com/api/adwords/cm/v201702\" "
          "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" +
          op);
  doc += pad(op);
  doc += "</ns1:mutate>";
  ASSERT_EQ(doc.size(), 524301u);
  ReadOutcome r = ReadString(doc);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.ops.size(), 2u);
  EXPECT_EQ(r.ops[1].index, 1);
  EXPECT_EQ(r.ops[1].operand()->Child("criterion")->Text("text"), "mars");
  EXPECT_EQ(r.consumed, doc.size());
}

// The reader's 256 KiB feed blocks may end in the middle of a tag, a name or a CDATA section.
TEST(OpReader, FeedBlockSeamsInsideTagsAndText) {
  for (size_t shift : {0, 1, 7, 23, 40, 61}) {
    std::string doc = std::string(kHead) + "<operations xsi:type=\"BudgetOperation\">";
    doc.append(262144 - doc.size() - shift, ' ');
    doc +=
        "<operator>ADD</operator><operand><budgetId>-1</budgetId><name><![CDATA[x&y]]></name>"
        "</operand></operations>";
    for (int i = 0; i < 3000; ++i) doc += BudgetOp(-2 - i);
    doc += "</mutate>";
    ReadOutcome r = ReadString(doc);
    ASSERT_TRUE(r.status.ok()) << "shift " << shift << ": " << r.status.message();
    ASSERT_EQ(r.ops.size(), 3001u);
    EXPECT_EQ(r.ops[0].operand()->Text("name"), "x&y");
    for (size_t i = 1; i < r.ops.size(); ++i) {
      ASSERT_EQ(r.ops[i].index, static_cast<int64_t>(i));
      ASSERT_EQ(r.ops[i].operand()->Int("budgetId"), -1 - static_cast<int64_t>(i));
    }
  }
}

TEST(OpReader, BytesConsumedReachesTheEndOfEachOperation) {
  std::string doc = std::string(kHead) + BudgetOp(-1);
  const uint64_t end_of_first = doc.size();
  doc += "\n" + BudgetOp(-2) + "</mutate>";
  TempDir dir;
  std::string path = dir.Write("u.xml", doc);
  auto reader = OpReader::Open(path, doc.size(), Reg());
  ASSERT_TRUE(reader.ok());
  auto first = (*reader)->Next();
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*reader)->bytes_consumed(), end_of_first);
  ASSERT_TRUE((*reader)->Next().ok());
  auto end = (*reader)->Next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
  EXPECT_EQ((*reader)->bytes_consumed(), doc.size());
}

TEST(OpReader, ReadsOnlyTheGivenLength) {
  std::string doc = std::string(kHead) + BudgetOp(-1) + "</mutate>";
  TempDir dir;
  std::string path = dir.Write("u.xml", doc + "garbage that is not part of the upload <<<");
  auto reader = OpReader::Open(path, doc.size(), Reg());
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->Next().ok());
  auto end = (*reader)->Next();
  ASSERT_TRUE(end.ok()) << end.status().message();
  EXPECT_FALSE(end->has_value());
}

TEST(OpReader, MissingFileIsNotADocumentError) {
  auto reader = OpReader::Open(::testing::TempDir() + "/does/not/exist.xml", 10, Reg());
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().code(), StatusCode::kInvalidArgument);
}

// --- malformed documents: a DocumentError with the right line ---------------------------------

struct BadCase {
  const char* name;
  std::string doc;
  size_t ops_before;  // operations yielded before the error
  uint64_t line;
  const char* what;  // substring of the error
};

std::vector<BadCase> BadCases() {
  std::string head = kHead;  // lines 1-2
  return {
      {"Truncated", head + BudgetOp(-1) + "\n<operations xsi:type=\"BudgetOperation\">\n<operand>",
       1, 5, ""},
      {"TruncatedInsideATag", head + BudgetOp(-1) + "\n" + BudgetOp(-2) + "\n<operations xsi:ty", 2,
       5, ""},
      {"EmptyFile", "", 0, 1, ""},
      {"DoctypeEntityBomb",
       "<?xml version=\"1.0\"?>\n<!DOCTYPE mutate [\n <!ENTITY a \"aaaaaaaaaa\">\n"
       " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n <!ENTITY c "
       "\"&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
       "]>\n<mutate><operations xsi:type=\"BudgetOperation\"><operator>ADD</operator><operand>"
       "<name>&c;</name></operand></operations></mutate>",
       0, 2, "DOCTYPE"},
      {"UndefinedEntity",
       head + "<operations xsi:type=\"BudgetOperation\">\n<operand><name>&x;"
              "</name></operand></operations></mutate>",
       0, 4, "undefined entity"},
      {"WrongRoot", "<?xml version=\"1.0\"?>\n<mutateResponse/>", 0, 2, "expected 'mutate'"},
      {"WrongChildOfRoot", head + "<operation xsi:type=\"BudgetOperation\"/></mutate>", 0, 3,
       "expected 'operations'"},
      {"TruncatedAfterARejectedOperation",
       head + "<operations xsi:type=\"FooOperation\"/>\n" + BudgetOp(-1) + "\n<operations>", 2, 5,
       ""},
      {"TextAfterRoot", head + BudgetOp(-1) + "</mutate>\nxx", 1, 4, ""},
      {"TwoRoots", head + "</mutate>\n<mutate/>", 0, 4, ""},
  };
}

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class OpReaderBadDocumentTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(OpReaderBadDocumentTest, IsADocumentErrorAtTheRightLine) {
  const BadCase& c = GetParam();
  ReadOutcome r = ReadString(c.doc);
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.ops.size(), c.ops_before);
  EXPECT_EQ(r.error.line, c.line) << r.error.ToString();
  EXPECT_NE(r.error.what.find(c.what), std::string::npos) << r.error.ToString();
  EXPECT_FALSE(r.error.what.empty());
  EXPECT_EQ(r.status.message(), r.error.ToString());
  EXPECT_LE(r.error.byte_offset, c.doc.size());
}

INSTANTIATE_TEST_SUITE_P(Malformed, OpReaderBadDocumentTest, ::testing::ValuesIn(BadCases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(DocumentError, ToStringSaysWhereAndWhat) {
  DocumentError e{123, 4, 5, "boom"};
  EXPECT_EQ(e.ToString(), "byte 123 (line 4, column 5): boom");
}

TEST(OpReader, ErrorPositionPointsAtTheOffendingElement) {
  std::string doc = std::string(kHead) + BudgetOp(-1);
  const uint64_t offset = doc.size();
  doc += "<bogus/></mutate>";
  ReadOutcome r = ReadString(doc);
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.ops.size(), 1u);
  EXPECT_NE(r.error.what.find("element 'bogus' is not allowed in 'mutate'"), std::string::npos);
  EXPECT_EQ(r.error.byte_offset, offset);
  EXPECT_EQ(r.error.line, 3u);
  EXPECT_EQ(r.error.column, offset - std::string(kHead).size() + 1);
}

// --- well-formed operations the schema does not accept: per-operation errors -----------------
// Each case's operation 0 is wrong; an operation after it must come out unharmed.

struct OpErrorCase {
  const char* name;
  std::string operation;  // one <operations> element
  const char* errors;     // ShowErrors() of the operation
  const char* version = "v201702";
};

std::vector<OpErrorCase> OpErrorCases() {
  auto agc = [](const std::string& operand) {
    return "<operations xsi:type=\"AdGroupCriterionOperation\"><operator>ADD</operator>" + operand +
           "</operations>";
  };
  auto ad_group = [](const std::string& bids) {
    return "<operations xsi:type=\"AdGroupOperation\"><operator>ADD</operator><operand>"
           "<campaignId>-2</campaignId><biddingStrategyConfiguration>" +
           bids + "</biddingStrategyConfiguration></operand></operations>";
  };
  auto text_ad = [](const std::string& fields) {
    return "<operations xsi:type=\"AdGroupAdOperation\"><operator>ADD</operator><operand>"
           "<adGroupId>-3</adGroupId><ad xsi:type=\"ExpandedTextAd\"><headlinePart1>h1"
           "</headlinePart1><headlinePart2>h2</headlinePart2><description>d</description>" +
           fields + "</ad></operand></operations>";
  };
  return {
      {"UnknownOperationType",
       "<operations xsi:type=\"ns1:FooOperation\"><operator>ADD</operator><operand><x/>"
       "</operand></operations>",
       "RequestError.INVALID_INPUT@operations[0](FooOperation);"},
      {"OperandTypeAsOperationType",
       "<operations xsi:type=\"Budget\"><operator>ADD</operator></operations>",
       "RequestError.INVALID_INPUT@operations[0](Budget);"},
      {"UnknownOperationTypeInTheMarker",
       "<operations><operator>ADD</operator><Operation.Type>MediaOperation</Operation.Type>"
       "<operand/></operations>",
       "RequestError.INVALID_INPUT@operations[0](MediaOperation);"},
      {"OperandBeforeAnyType",
       "<operations><operand><budgetId>1</budgetId></operand>"
       "<Operation.Type>BudgetOperation</Operation.Type></operations>",
       "RequestError.INVALID_INPUT@operations[0](Operation);"},
      {"UnknownElement",
       "<operations xsi:type=\"BudgetOperation\">\n<operator>ADD</operator>\n<operand>\n"
       "  <budgetId>-1</budgetId>\n  <bogus><deeper>1</deeper></bogus></operand></operations>",
       "RequestError.INVALID_INPUT@operations[0].operand.bogus(bogus);"},
      {"UnknownElementOfTheOperation",
       "<operations xsi:type=\"BudgetOperation\"><operator>ADD</operator><extra/></operations>",
       "RequestError.INVALID_INPUT@operations[0].extra(extra);"},
      {"AbstractTypeWithoutXsiType",
       ad_group("<bids xsi:type=\"CpcBid\"/><bids><bid><microAmount>1</microAmount></bid></bids>"),
       "RequestError.INVALID_INPUT@operations[0].operand.biddingStrategyConfiguration.bids[1]"
       "(Bids);"},
      {"AbstractXsiType", ad_group("<bids xsi:type=\"Bids\"/>"),
       "RequestError.INVALID_INPUT@operations[0].operand.biddingStrategyConfiguration.bids[0]"
       "(Bids);"},
      {"RejectedItemKeepsTheIndexesOfItsSiblings",
       ad_group("<bids xsi:type=\"Keyword\"/><bids xsi:type=\"CpcBid\"><bogus/></bids>"),
       "RequestError.INVALID_INPUT@operations[0].operand.biddingStrategyConfiguration.bids[0]"
       "(Keyword);RequestError.INVALID_INPUT@operations[0].operand.biddingStrategyConfiguration."
       "bids[1].bogus(bogus);"},
      {"XsiTypeNotASubtype",
       agc("<operand xsi:type=\"BiddableAdGroupCriterion\"><criterion xsi:type=\"Money\"/>"
           "</operand>"),
       "RequestError.INVALID_INPUT@operations[0].operand.criterion(Money);"},
      {"XsiTypeNotASubtypeOfTheOperand", agc("<operand xsi:type=\"NegativeCampaignCriterion\"/>"),
       "RequestError.INVALID_INPUT@operations[0].operand(NegativeCampaignCriterion);"},
      {"XsiTypeUnknown", agc("<operand xsi:type=\"Nope\"/>"),
       "RequestError.INVALID_INPUT@operations[0].operand(Nope);"},
      {"XsiTypeOfAnEnum", agc("<operand xsi:type=\"UserStatus\"/>"),
       "RequestError.INVALID_INPUT@operations[0].operand(UserStatus);"},
      {"ElementInsideASimpleField",
       "<operations xsi:type=\"BudgetOperation\"><operand><name>\n<b>x</b></name>"
       "</operand></operations>",
       "RequestError.INVALID_INPUT@operations[0].operand.name(b);"},
      {"ElementInsideARepeatedSimpleField",
       text_ad("<finalUrls>http://a</finalUrls><finalUrls>http://b<i/></finalUrls>"),
       "RequestError.INVALID_INPUT@operations[0].operand.ad.finalUrls[1](i);"},
      {"FieldOfALaterVersion", text_ad("<headlinePart3>h3</headlinePart3>"),
       "RequestError.INVALID_INPUT@operations[0].operand.ad.headlinePart3(headlinePart3);"},
      {"FieldOfALaterVersionIsFineThere", text_ad("<headlinePart3>h3</headlinePart3>"), "",
       "v201809"},
      {"SeveralErrorsInOneOperation",
       "<operations xsi:type=\"BudgetOperation\"><operand><a/><amount xsi:type=\"Keyword\"/>"
       "<b/></operand></operations>",
       "RequestError.INVALID_INPUT@operations[0].operand.a(a);"
       "RequestError.INVALID_INPUT@operations[0].operand.amount(Keyword);"
       "RequestError.INVALID_INPUT@operations[0].operand.b(b);"},
  };
}

void PrintTo(const OpErrorCase& c, std::ostream* os) { *os << c.name; }

class OpReaderOperationErrorTest : public ::testing::TestWithParam<OpErrorCase> {};

TEST_P(OpReaderOperationErrorTest, IsThatOperationsErrorAndTheNextOneIsUnharmed) {
  const OpErrorCase& c = GetParam();
  const schema::Registry* reg = schema::Registry::Get(c.version);
  ASSERT_NE(reg, nullptr);
  std::string head = kHead;
  head.replace(head.find("v201702"), 7, c.version);
  ReadOutcome r = ReadString(head + c.operation + "\n" + BudgetOp(-9) + "</mutate>", *reg);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.ops.size(), 2u);
  EXPECT_EQ(r.ops[0].index, 0);
  EXPECT_EQ(ShowErrors(r.ops[0]), c.errors);
  EXPECT_EQ(r.ops[1].index, 1);
  EXPECT_EQ(ShowErrors(r.ops[1]), "");
  EXPECT_EQ(Canon(r.ops[1].node),
            "BudgetOperation{operand=Budget{amount=Money{microAmount=\"1\";};budgetId=\"-9\";"
            "name=\"b\";};operator=\"ADD\";}");
}

INSTANTIATE_TEST_SUITE_P(Typing, OpReaderOperationErrorTest, ::testing::ValuesIn(OpErrorCases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(OpReader, RejectedOperationsKeepWhatTheyDefine) {
  // A rejected ADD that defines a temp id still carries its type, operator and the id, so that
  // the executor can poison the temp id for the operations that use it.
  ReadOutcome r = ReadString(
      std::string(kHead) +
      "<operations xsi:type=\"CampaignOperation\"><operator>ADD</operator><operand><id>-2</id>"
      "<name>c</name><bogus/></operand></operations></mutate>");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.ops.size(), 1u);
  EXPECT_EQ(ShowErrors(r.ops[0]), "RequestError.INVALID_INPUT@operations[0].operand.bogus(bogus);");
  EXPECT_EQ(r.ops[0].op_type(), "CampaignOperation");
  EXPECT_EQ(r.ops[0].op_operator(), "ADD");
  EXPECT_EQ(r.ops[0].operand()->Int("id"), -2);
}

TEST(OpReader, ErrorsPerOperationAreBounded) {
  std::string op = "<operations xsi:type=\"BudgetOperation\"><operand>";
  for (int i = 0; i < 1000; ++i) op += "<x" + std::to_string(i) + "/>";
  op += "</operand></operations>";
  ReadOutcome r = ReadString(std::string(kHead) + op + "</mutate>");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.ops.size(), 1u);
  EXPECT_GE(r.ops[0].parse_errors.size(), 1u);
  EXPECT_LE(r.ops[0].parse_errors.size(), 100u);
  EXPECT_EQ(r.ops[0].parse_errors[0].field_path, "operations[0].operand.x0");
}

}  // namespace
}  // namespace bg::engine
