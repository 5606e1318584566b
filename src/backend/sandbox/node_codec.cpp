// NodeCodec (node_codec.hpp). Two encodings are read; the compact one is written.
#include "backend/sandbox/node_codec.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <iterator>

#include "common/varint.hpp"

namespace bg::backend::sandbox {
namespace {

// The compact encoding's dictionary: names and values that most stored entities repeat. A
// string is written as its position + 1 here. Stored entities refer to these positions, so the
// list is append-only: never reorder, remove or change an entry (at most 255 entries).
// clang-format off
constexpr std::string_view kDictionary[] = {
    // field names
    "id", "name", "status", "type", "text", "matchType", "adGroupId", "campaignId", "criterion",
    "userStatus", "systemServingStatus", "approvalStatus", "biddingStrategyConfiguration",
    "biddingStrategyType", "bids", "bid", "microAmount", "cpcBidSource", "amount", "budget",
    "budgetId", "deliveryMethod", "isExplicitlyShared", "referenceCount", "period",
    "advertisingChannelType", "servingStatus", "startDate", "endDate", "settings",
    "networkSetting", "targetGoogleSearch", "targetSearchNetwork", "targetContentNetwork",
    "targetPartnerSearchNetwork", "adServingOptimizationStatus", "labels", "ad", "url",
    "displayUrl", "finalUrls", "finalMobileUrls", "trackingUrlTemplate", "urlCustomParameters",
    "headlinePart1", "headlinePart2", "description", "description1", "description2", "path1",
    "path2", "policySummary", "criterionUse", "parameters", "adGroupAdRotationMode",
    "labelId", "feedId", "feedItemId", "attributeValues", "feedAttributeId", "stringValue",
    "integerValue", "extensionType", "extensions", "platformName", "bidModifier",
    "campaignCriterionStatus", "isNegative", "sharedSetId", "contentBidCriterionTypeGroup",
    "caseValue", "partitionType", "parentCriterionId",
    // values
    "ENABLED", "PAUSED", "REMOVED", "ELIGIBLE", "PENDING_REVIEW", "APPROVED", "BROAD", "PHRASE",
    "EXACT", "KEYWORD", "PLACEMENT", "PRODUCT_PARTITION", "MANUAL_CPC", "CRITERION",
    "ADGROUP", "STANDARD", "ACCELERATED", "DAILY", "SEARCH", "DISPLAY", "SERVING", "NONE",
    "true", "false", "UNKNOWN", "ROTATE_FOREVER", "OPTIMIZE", "EXPANDED_TEXT_AD", "TEXT_AD",
    "UNIT", "SUBDIVISION",
    // type names
    "BiddableAdGroupCriterion", "NegativeAdGroupCriterion", "Keyword", "Placement",
    "ProductPartition", "CpcBid", "Money", "Budget", "Campaign", "AdGroup", "AdGroupAd",
    "ExpandedTextAd", "TextAd", "BiddingStrategyConfiguration", "NetworkSetting",
    "CampaignCriterion", "NegativeCampaignCriterion",
};
// clang-format on
static_assert(std::size(kDictionary) <= 255, "dictionary codes are one byte");

// The dictionary as an open-addressing table of codes (0: empty): every field name and most
// values of every stored entity are looked up here, so no nodes, no modulo and no hashing of
// strings longer than the longest entry (keyword texts, urls).
class DictionaryIndex {
 public:
  DictionaryIndex() {
    for (size_t i = 0; i < std::size(kDictionary); ++i) {
      max_len_ = std::max(max_len_, kDictionary[i].size());
      size_t h = Hash(kDictionary[i]);
      while (slots_[h] != 0) h = (h + 1) & kMask;
      slots_[h] = static_cast<uint8_t>(i + 1);
    }
  }
  // The code of `s`, 0 when it is not in the dictionary.
  uint8_t Find(std::string_view s) const {
    if (s.size() > max_len_) return 0;
    for (size_t h = Hash(s);; h = (h + 1) & kMask) {
      uint8_t code = slots_[h];
      if (code == 0 || kDictionary[code - 1] == s) return code;
    }
  }

 private:
  static constexpr size_t kSlots = 1024;  // > 4x the entries: short probe runs
  static constexpr size_t kMask = kSlots - 1;
  // Constant time: the length and three bytes (first, middle, last) tell the entries apart well
  // enough for short probe runs, and a string is hashed once per field of every stored entity.
  static size_t Hash(std::string_view s) {
    if (s.empty()) return 0;
    const auto at = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(s[i])); };
    uint32_t h = static_cast<uint32_t>(s.size()) * 0x9E3779B1u;
    h ^= at(0) | at(s.size() / 2) << 8 | at(s.size() - 1) << 16;
    h *= 0x85EBCA6Bu;
    return (h ^ (h >> 15)) & kMask;
  }
  uint8_t slots_[kSlots] = {};
  size_t max_len_ = 0;
};

const DictionaryIndex& Dictionary() {
  static const DictionaryIndex index;
  return index;
}

using varint::PutVarint;

// A string: its dictionary code, or 0 + varint length + bytes.
void PutRef(std::string_view s, std::string* out) {
  if (uint8_t code = Dictionary().Find(s)) {
    out->push_back(static_cast<char>(code));
    return;
  }
  out->push_back('\0');
  PutVarint(s.size(), out);
  out->append(s);
}

// An integer text that reads back to the same text: no sign but '-', no leading zeros, no
// "-0", fits int64.
std::optional<int64_t> CanonicalInt(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  std::string_view digits = s[0] == '-' ? s.substr(1) : s;
  if (digits.empty() || (digits[0] == '0' && (digits.size() > 1 || s[0] == '-'))) {
    return std::nullopt;
  }
  return v;
}

// node  := 'n' ref(type) field* '}'
// field := 'T' ref(name) ref(text) | 'I' ref(name) varint(zigzag(value)) | 'C' ref(name) node
void EncodeCompact(const model::Node& node, std::string* out) {
  out->push_back('n');
  PutRef(node.type(), out);
  for (const auto& f : node.fields()) {
    if (f.child) {
      out->push_back('C');
      PutRef(f.name, out);
      EncodeCompact(*f.child, out);
    } else if (auto v = CanonicalInt(f.text)) {
      out->push_back('I');
      PutRef(f.name, out);
      PutVarint((static_cast<uint64_t>(*v) << 1) ^ static_cast<uint64_t>(*v >> 63), out);
    } else {
      out->push_back('T');
      PutRef(f.name, out);
      PutRef(f.text, out);
    }
  }
  out->push_back('}');
}

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}

  bool AtEnd() const { return pos_ == in_.size(); }
  bool Peek(char c) const { return pos_ < in_.size() && in_[pos_] == c; }

  // The first encoding: node := 'N' <len> ':' <type> '{' field* '}', field := 'T' <len> ':'
  // <name> <len> ':' <text> | 'C' <len> ':' <name> node.
  bool Legacy(model::Node* node, int depth) {
    if (depth > 64 || !Eat('N')) return false;
    std::string type;
    if (!LegacyStr(&type) || !Eat('{')) return false;
    node->set_type(std::move(type));
    while (pos_ < in_.size() && in_[pos_] != '}') {
      char tag = in_[pos_++];
      std::string name;
      if (!LegacyStr(&name)) return false;
      if (tag == 'T') {
        std::string text;
        if (!LegacyStr(&text)) return false;
        node->Add(std::move(name), std::move(text));
      } else if (tag == 'C') {
        model::Node child;
        if (!Legacy(&child, depth + 1)) return false;
        node->AddChild(std::move(name), std::move(child));
      } else {
        return false;
      }
    }
    return Eat('}');
  }

  bool Compact(model::Node* node, int depth) {
    if (depth > 64 || !Eat('n')) return false;
    std::string type;
    if (!Ref(&type)) return false;
    node->set_type(std::move(type));
    while (pos_ < in_.size() && in_[pos_] != '}') {
      char tag = in_[pos_++];
      std::string name;
      if (!Ref(&name)) return false;
      if (tag == 'T') {
        std::string text;
        if (!Ref(&text)) return false;
        node->Add(std::move(name), std::move(text));
      } else if (tag == 'I') {
        uint64_t z = 0;
        if (!Varint(&z)) return false;
        auto v = static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
        node->Add(std::move(name), std::to_string(v));
      } else if (tag == 'C') {
        model::Node child;
        if (!Compact(&child, depth + 1)) return false;
        node->AddChild(std::move(name), std::move(child));
      } else {
        return false;
      }
    }
    return Eat('}');
  }

 private:
  bool Eat(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }

  bool LegacyStr(std::string* s) {
    size_t colon = in_.find(':', pos_);
    if (colon == std::string_view::npos) return false;
    size_t n = 0;
    auto [p, ec] = std::from_chars(in_.data() + pos_, in_.data() + colon, n);
    if (ec != std::errc() || p != in_.data() + colon) return false;
    if (n > in_.size() - colon - 1) return false;
    s->assign(in_.substr(colon + 1, n));
    pos_ = colon + 1 + n;
    return true;
  }

  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return false;
      auto b = static_cast<uint8_t>(in_[pos_++]);
      *v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }

  bool Ref(std::string* s) {
    if (pos_ >= in_.size()) return false;
    auto code = static_cast<uint8_t>(in_[pos_++]);
    if (code != 0) {
      if (code > std::size(kDictionary)) return false;
      s->assign(kDictionary[code - 1]);
      return true;
    }
    uint64_t n = 0;
    if (!Varint(&n) || n > in_.size() - pos_) return false;
    s->assign(in_.substr(pos_, n));
    pos_ += n;
    return true;
  }

  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

std::string EncodeNode(const model::Node& node) {
  std::string out;
  out.reserve(128);
  EncodeCompact(node, &out);
  return out;
}

std::optional<model::Node> DecodeNode(std::string_view bytes) {
  Decoder d(bytes);
  model::Node node;
  bool ok = d.Peek('n') ? d.Compact(&node, 0) : d.Legacy(&node, 0);
  if (!ok || !d.AtEnd()) return std::nullopt;
  return node;
}

}  // namespace bg::backend::sandbox
