// AdGroupCriterionOperation: ADD / SET / REMOVE of BiddableAdGroupCriterion and
// NegativeAdGroupCriterion. Keywords get the keyword text rules, placements the url rules,
// product partitions the tree rules (product_partition.cpp); other criterion types are stored and
// echoed as given (server-assigned or given fixed id).

#include "backend/sandbox/ops.hpp"

namespace bg::backend::sandbox {
namespace {

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

// Placement urls: a host name with a dot, no scheme-less garbage, no spaces.
Status CheckPlacement(const OpCtx& c, const model::Node& crit) {
  auto url = crit.Text("url");
  if (!url) return Required(c, "criterion.url");
  std::string path = c.Path("criterion.url");
  std::string_view u = Trimmed(*url);
  if (u.size() > 255) {
    return ApiErr("CriterionError", "PLACEMENT_URL_IS_TOO_LONG", path, std::string(*url));
  }
  if (u.find_first_of(" ,;") != std::string_view::npos) {
    return ApiErr("CriterionError", "PLACEMENT_URL_HAS_ILLEGAL_CHAR", path, std::string(*url));
  }
  std::string_view host = u;
  if (auto p = host.find("://"); p != std::string_view::npos) host.remove_prefix(p + 3);
  host = host.substr(0, host.find('/'));
  if (host.empty() || host.find('.') == std::string_view::npos || host.front() == '.' ||
      host.back() == '.') {
    return ApiErr("CriterionError", "INVALID_PLACEMENT_URL", path, std::string(*url));
  }
  return Status::Ok();
}

// Criterion types whose ids the server assigns; the others (Location, Language, Platform,
// AgeRange, ...) name a fixed targeting id that the client gives and results echo.
bool ServerAssignsId(std::string_view type) {
  return type == "Keyword" || type == "Placement" || type == "ProductPartition" ||
         type == "Webpage" || type == "CriterionUserList" || type == "CriterionUserInterest" ||
         type == "MobileApplication" || type == "YouTubeChannel" || type == "YouTubeVideo" ||
         type == "IpBlock";
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
  std::string_view ctype = crit->type();
  bool keyword = ctype == "Keyword";
  bool partition = ctype == "ProductPartition";
  if (ctype.empty() || ctype == "Criterion") {
    return ApiErr("CriterionError", "CONCRETE_TYPE_REQUIRED", c.Path("criterion"));
  }

  const model::Node* up_crit =
      c.uploaded_operand ? c.uploaded_operand->Child("criterion") : nullptr;
  std::optional<int64_t> temp;
  std::optional<int64_t> given_id;  // a fixed criterion id (locations, languages, ...)
  if (partition && up_crit && up_crit->Int("id").value_or(-1) >= 0) {
    return ApiErr("AdGroupCriterionError", "PRODUCT_PARTITION_ADD_MAY_ONLY_USE_TEMP_ID",
                  c.Path("criterion.id"));
  }
  if (!ServerAssignsId(ctype) && up_crit && up_crit->Int("id").value_or(-1) >= 0) {
    given_id = up_crit->Int("id");
  } else if (!ServerAssignsId(ctype) && !(up_crit && up_crit->Has("id"))) {
    return Required(c, "criterion.id");
  } else {
    BG_ASSIGN_OR_RETURN(temp, NewTempId(c, Kind::kCriterion, up_crit, "id", "criterion.id"));
  }
  BG_ASSIGN_OR_RETURN(int64_t ad_group_id,
                      ResolveLiveId(c, Kind::kAdGroup, ad_group_ref, "adGroupId"));
  if (keyword) {
    auto text = crit->Text("text");
    if (!text) return Required(c, "criterion.text");
    if (!crit->Has("matchType")) return Required(c, "criterion.matchType");
    std::vector<ApiError> errors = KeywordErrors(c, *text, "criterion.text");
    if (!errors.empty()) return Status(std::move(errors));
  } else if (ctype == "Placement") {
    BG_RETURN_IF_ERROR(CheckPlacement(c, *crit));
  }
  if (given_id) {
    BG_ASSIGN_OR_RETURN(std::optional<Entity> same,
                        c.t.Load(Kind::kCriterion, *given_id, ad_group_id));
    if (same && !IsRemoved(*same)) {
      return ApiErr(
          "AdGroupCriterionError",
          same->node.type() == in.type() ? "CANNOT_ADD_CRITERIA_TYPE" : "CANNOT_TARGET_AND_EXCLUDE",
          c.Path("criterion.id"), std::to_string(*given_id));
    }
  }

  model::Node n = in;
  n.SetInt("adGroupId", ad_group_id);
  if (partition)
    BG_RETURN_IF_ERROR(CheckProductPartitionAdd(c, ad_group_id, *n.Child("criterion")));
  int64_t id = 0;
  if (given_id) {
    id = *given_id;
  } else {
    BG_ASSIGN_OR_RETURN(id, c.t.NextId(Kind::kCriterion));
  }
  // criterionUse is not echoed: the captured real results (reference §4.2) do not show it.
  n.Remove("criterionUse");
  model::Node* out_crit = n.Child("criterion");
  out_crit->SetInt("id", id);
  out_crit->Set("type", CriterionTypeValue(c, ctype));
  if (!negative) {
    if (!n.Has("userStatus")) n.Set("userStatus", "ENABLED");
    n.Set("systemServingStatus", "ELIGIBLE");
    n.Set("approvalStatus", keyword ? "PENDING_REVIEW" : "APPROVED");
    FillCpcBidSource(n.Child("biddingStrategyConfiguration"), "CRITERION");
  }
  Entity e = ToEntity(ad_group_id, id, std::move(n));
  // A given id may name a REMOVED criterion's row (re-added); a new one names nothing.
  BG_RETURN_IF_ERROR(given_id ? c.t.Save(e) : c.t.Insert(e));
  BG_RETURN_IF_ERROR(DefineTemp(c, Kind::kCriterion, temp, id));
  return std::move(e.node);
}

Result<Entity> Existing(OpCtx& c) {
  const model::Node& in = c.operand;
  BG_ASSIGN_OR_RETURN(int64_t ad_group_ref, RequiredId(c, &in, "adGroupId", "adGroupId"));
  BG_ASSIGN_OR_RETURN(int64_t crit_ref, RequiredId(c, in.Child("criterion"), "id", "criterion.id"));
  BG_ASSIGN_OR_RETURN(int64_t ad_group_id,
                      ResolveLiveId(c, Kind::kAdGroup, ad_group_ref, "adGroupId"));
  BG_ASSIGN_OR_RETURN(Entity e,
                      Resolve(c, Kind::kCriterion, crit_ref, "criterion.id", ad_group_id));
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
  if (e.node.Child("criterion") && e.node.Child("criterion")->type() == "ProductPartition") {
    BG_RETURN_IF_ERROR(CheckProductPartitionRemove(c, e.scope, e));
  }
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
