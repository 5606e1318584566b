// NodeCodec: lossless round trips of the compact encoding, and the first encoding still read.
#include "backend/sandbox/node_codec.hpp"

#include <gtest/gtest.h>

namespace bg::backend::sandbox {
namespace {

using model::Node;

Node Sample() {
  Node crit("Keyword");
  crit.Set("text", "mars cruise");
  crit.Set("matchType", "BROAD");
  crit.Set("id", "16927170001");
  Node n("BiddableAdGroupCriterion");
  n.Set("adGroupId", "-3");
  n.SetChild("criterion", crit);
  n.Set("userStatus", "ENABLED");
  // Integer-looking texts that must not be normalized, and texts outside the dictionary.
  for (const char* t : {"007", "-0", "+5", "0", "-9223372036854775808", "9223372036854775807",
                        "9223372036854775808", " 12", "1e3", "", "Ünïcødé \xF0\x9F\x9A\x80"}) {
    n.Add("v", t);
  }
  n.AddChild("empty", Node("Money"));
  return n;
}

std::string Dump(const Node& n) {
  std::string s = n.type() + "{";
  for (const auto& f : n.fields()) {
    s += f.name + "=" + (f.child ? Dump(*f.child) : "'" + f.text + "'") + ";";
  }
  return s + "}";
}

TEST(NodeCodecTest, CompactRoundTripKeepsEveryTextExactly) {
  Node n = Sample();
  std::string bytes = EncodeNode(n);
  EXPECT_EQ(bytes.front(), 'n');
  auto back = DecodeNode(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(Dump(*back), Dump(n));
  EXPECT_EQ(EncodeNode(*back), bytes);
}

TEST(NodeCodecTest, CompactIsSmallForATypicalKeyword) {
  Node crit("Keyword");
  crit.Set("text", "mars cruise 12");
  crit.Set("matchType", "BROAD");
  crit.Set("id", "16927170001");
  crit.Set("type", "KEYWORD");
  Node n("BiddableAdGroupCriterion");
  n.Set("adGroupId", "40123450001");
  n.SetChild("criterion", crit);
  n.Set("userStatus", "ENABLED");
  n.Set("systemServingStatus", "ELIGIBLE");
  n.Set("approvalStatus", "PENDING_REVIEW");
  EXPECT_LT(EncodeNode(n).size(), 60u);
}

TEST(NodeCodecTest, DictionaryWordsTakeOneByteAndNearMissesRoundTrip) {
  auto size_with = [](const char* value) {
    Node n("Keyword");
    n.Set("matchType", value);
    return EncodeNode(n).size();
  };
  EXPECT_EQ(size_with("ENABLED"), size_with("BROAD"));  // both dictionary codes
  EXPECT_GT(size_with("ENABLEX"), size_with("ENABLED"));
  Node n("BiddableAdGroupCriterion");
  for (const char* t : {"ENABLE", "ENABLEDD", "enabled", "Id", "id ", "i", "BiddingStrategyConfig",
                        "BiddingStrategyConfigurationX", "NegativeCampaignCriterio", "\xFF"}) {
    n.Add(t, t);  // as name and as value
  }
  auto back = DecodeNode(EncodeNode(n));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(Dump(*back), Dump(n));
}

TEST(NodeCodecTest, ReadsTheFirstEncoding) {
  auto n = DecodeNode("N6:Budget{T8:budgetId2:-1C6:amountN5:Money{T11:microAmount3:500}}");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->type(), "Budget");
  EXPECT_EQ(n->Int("budgetId"), -1);
  EXPECT_EQ(n->Child("amount")->Text("microAmount"), "500");
}

TEST(NodeCodecTest, RejectsTruncatedAndCorruptInput) {
  std::string bytes = EncodeNode(Sample());
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(DecodeNode(std::string_view(bytes).substr(0, cut)).has_value()) << cut;
  }
  EXPECT_FALSE(DecodeNode("N3:abc{").has_value());
  EXPECT_FALSE(DecodeNode(std::string("n\xFF}", 3)).has_value());  // no such dictionary code
  EXPECT_FALSE(DecodeNode(bytes + "x").has_value());
}

}  // namespace
}  // namespace bg::backend::sandbox
