// AdGroupCriterionOperation: ADD / SET / REMOVE of BiddableAdGroupCriterion and
// NegativeAdGroupCriterion. Keyword criteria get the keyword text rules; other criterion types
// are stored and echoed as given (with a real id).
#include <cctype>

#include "backend/sandbox/ops.hpp"

namespace bg::backend::sandbox {
namespace {

constexpr std::string_view kInvalidKeywordChars = "!@%,*()={}~`<>?\\|";
constexpr size_t kMaxKeywordChars = 80;
constexpr size_t kMaxKeywordWords = 10;

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

size_t WordCount(std::string_view s) {
  size_t words = 0;
  bool in_word = false;
  for (unsigned char ch : s) {
    bool space = std::isspace(ch) != 0;
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

std::vector<ApiError> KeywordErrors(const OpCtx& c, std::string_view text) {
  std::vector<ApiError> errors;
  std::string path = c.Path("criterion.text");
  auto err = [&](const char* reason) {
    errors.push_back(ApiError::Make("CriterionError", reason, path, std::string(text)));
  };
  if (Trimmed(text).empty()) {
    err("INVALID_KEYWORD_TEXT");
    return errors;
  }
  if (text.find_first_of(kInvalidKeywordChars) != std::string_view::npos) {
    err("KEYWORD_HAS_INVALID_CHARS");
  }
  if (Utf8Length(text) > kMaxKeywordChars) err("KEYWORD_TEXT_TOO_LONG");
  if (WordCount(text) > kMaxKeywordWords) err("KEYWORD_HAS_TOO_MANY_WORDS");
  return errors;
}

// "ProductPartition" -> "PRODUCT_PARTITION" (the Criterion.Type value of a criterion subtype).
std::string CriterionTypeValue(const OpCtx& c, std::string_view type) {
  std::string out;
  for (size_t i = 0; i < type.size(); ++i) {
    unsigned char ch = type[i];
    if (i > 0 && std::isupper(ch)) out += '_';
    out += static_cast<char>(std::toupper(ch));
  }
  if (c.ctx.registry != nullptr) {
    const schema::TypeDef* def = c.ctx.registry->Find("Criterion.Type");
    if (def != nullptr) {
      for (const auto& v : def->enum_values) {
        if (v == out) return out;
      }
      return "UNKNOWN";
    }
  }
  return out;
}

Entity ToEntity(int64_t ad_group_id, int64_t id, model::Node node) {
  Entity e;
  e.kind = Kind::kCriterion;
  e.scope = ad_group_id;
  e.id = id;
  e.parent_id = ad_group_id;
  if (const model::Node* crit = node.Child("criterion")) {
    e.name = std::string(crit->Text("text").value_or(""));
  }
  e.status = std::string(node.Text("userStatus").value_or("ENABLED"));
  e.node = std::move(node);
  return e;
}

Result<model::Node> Add(OpCtx& c) {
  const model::Node& in = c.operand;
  if (in.type() != "BiddableAdGroupCriterion" && in.type() != "NegativeAdGroupCriterion") {
    return ApiErr("AdGroupCriterionError", "CONCRETE_TYPE_REQUIRED", c.Path());
  }
  bool negative = in.type() == "NegativeAdGroupCriterion";
  BG_ASSIGN_OR_RETURN(int64_t ad_group_ref, RequiredId(c, &in, "adGroupId", "adGroupId"));
  const model::Node* crit = in.Child("criterion");
  if (crit == nullptr) return Required(c, "criterion");
  bool keyword = crit->type() == "Keyword";

  const model::Node* up_crit =
      c.uploaded_operand ? c.uploaded_operand->Child("criterion") : nullptr;
  std::optional<int64_t> temp;
  std::optional<int64_t> given_id;  // a real criterion id (locations, languages, ...)
  if (!keyword && up_crit && up_crit->Int("id").value_or(-1) >= 0) {
    given_id = up_crit->Int("id");
  } else {
    BG_ASSIGN_OR_RETURN(temp, NewTempId(c, Kind::kCriterion, up_crit, "id", "criterion.id"));
  }
  BG_ASSIGN_OR_RETURN(Entity ad_group,
                      Resolve(c, Kind::kAdGroup, ad_group_ref, c.Path("adGroupId")));
  if (keyword) {
    auto text = crit->Text("text");
    if (!text) return Required(c, "criterion.text");
    if (!crit->Has("matchType")) return Required(c, "criterion.matchType");
    std::vector<ApiError> errors = KeywordErrors(c, *text);
    if (!errors.empty()) return Status(std::move(errors));
  }

  int64_t id = 0;
  if (given_id) {
    id = *given_id;
  } else {
    BG_ASSIGN_OR_RETURN(id, c.t.NextId(Kind::kCriterion));
  }
  model::Node n = in;
  n.SetInt("adGroupId", ad_group.id);
  // criterionUse is not echoed: the captured real results (reference §4.2) do not show it.
  n.Remove("criterionUse");
  model::Node* out_crit = n.Child("criterion");
  out_crit->SetInt("id", id);
  out_crit->Set("type", CriterionTypeValue(c, crit->type()));
  if (!negative) {
    if (!n.Has("userStatus")) n.Set("userStatus", "ENABLED");
    n.Set("systemServingStatus", "ELIGIBLE");
    n.Set("approvalStatus", "PENDING_REVIEW");
    FillCpcBidSource(n.Child("biddingStrategyConfiguration"), "CRITERION");
  }
  Entity e = ToEntity(ad_group.id, id, n);
  BG_RETURN_IF_ERROR(c.t.Save(e));
  BG_RETURN_IF_ERROR(DefineTemp(c, Kind::kCriterion, temp, id));
  return n;
}

Result<Entity> Existing(OpCtx& c) {
  const model::Node& in = c.operand;
  BG_ASSIGN_OR_RETURN(int64_t ad_group_ref, RequiredId(c, &in, "adGroupId", "adGroupId"));
  BG_ASSIGN_OR_RETURN(int64_t crit_ref, RequiredId(c, in.Child("criterion"), "id", "criterion.id"));
  BG_ASSIGN_OR_RETURN(Entity ad_group,
                      Resolve(c, Kind::kAdGroup, ad_group_ref, c.Path("adGroupId")));
  BG_ASSIGN_OR_RETURN(Entity e,
                      Resolve(c, Kind::kCriterion, crit_ref, c.Path("criterion.id"), ad_group.id));
  if (e.status == "REMOVED") return ApiErr("EntityNotFound", "INVALID_ID", c.Path("criterion.id"));
  return e;
}

Result<model::Node> Set(OpCtx& c) {
  BG_ASSIGN_OR_RETURN(Entity e, Existing(c));
  if (e.node.type() == "NegativeAdGroupCriterion") {
    return ApiErr("AdGroupCriterionError", "CANT_UPDATE_NEGATIVE", c.Path());
  }
  model::Node merged = e.node;
  MergeFields(merged, c.operand,
              {"adGroupId", "criterion", "criterionUse", "systemServingStatus", "approvalStatus"});
  FillCpcBidSource(merged.Child("biddingStrategyConfiguration"), "CRITERION");
  Entity updated = ToEntity(e.scope, e.id, merged);
  BG_RETURN_IF_ERROR(c.t.Save(updated));
  return merged;
}

Result<model::Node> Remove(OpCtx& c) {
  BG_ASSIGN_OR_RETURN(Entity e, Existing(c));
  if (e.node.type() != "NegativeAdGroupCriterion") e.node.Set("userStatus", "REMOVED");
  e.status = "REMOVED";
  BG_RETURN_IF_ERROR(c.t.Save(e));
  return e.node;
}

}  // namespace

Result<model::Node> ApplyAdGroupCriterion(OpCtx& c) {
  if (c.op_operator == "ADD") return Add(c);
  if (c.op_operator == "SET") return Set(c);
  if (c.op_operator == "REMOVE") return Remove(c);
  return NotSupported(c);
}

}  // namespace bg::backend::sandbox
