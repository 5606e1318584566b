// CampaignCriterionOperation (ADD / SET / REMOVE of CampaignCriterion and
// NegativeCampaignCriterion) and AdGroupBidModifierOperation (ADD / SET / REMOVE of platform bid
// modifiers). Targeting criteria (Location, Language, Platform, ...) keep the fixed id the client
// gives; keywords, placements, ad schedules and proximities get server ids.
#include "backend/sandbox/ops.hpp"

namespace bg::backend::sandbox {
namespace {

bool ServerAssignsId(std::string_view type) {
  return type == "Keyword" || type == "Placement" || type == "AdSchedule" || type == "Proximity" ||
         type == "Webpage" || type == "IpBlock" || type == "CriterionUserList" ||
         type == "CriterionUserInterest" || type == "MobileApplication" ||
         type == "YouTubeChannel" || type == "YouTubeVideo";
}

// Criterion types a campaign may only target (never exclude).
bool CannotExclude(std::string_view type) {
  return type == "Platform" || type == "Language" || type == "AdSchedule" || type == "Proximity" ||
         type == "OperatingSystemVersion" || type == "MobileDevice" || type == "Carrier";
}

std::string_view PlatformName(int64_t id) {
  switch (id) {
    case 30000:
      return "Desktop";
    case 30001:
      return "HighEndMobile";
    case 30002:
      return "Tablet";
  }
  return {};
}

// A bid modifier: 0 (opt out) or 0.1 .. 10.0.
Status CheckMultiplier(const OpCtx& c, const model::Node& in, std::string_view field) {
  auto text = in.Text(field);
  if (!text) return Status::Ok();
  double v = std::strtod(std::string(*text).c_str(), nullptr);
  if (v > 10.0)
    return ApiErr("MultiplierError", "MULTIPLIER_TOO_HIGH", c.Path(field), std::string(*text));
  if (v != 0.0 && v < 0.1) {
    return ApiErr("MultiplierError", "MULTIPLIER_TOO_LOW", c.Path(field), std::string(*text));
  }
  return Status::Ok();
}

int Minute(std::string_view m) {
  if (m == "FIFTEEN") return 15;
  if (m == "THIRTY") return 30;
  if (m == "FORTY_FIVE") return 45;
  return 0;
}

// Start and end of an AdSchedule in minutes of its day.
std::pair<int, int> Interval(const model::Node& s) {
  int start = static_cast<int>(s.Int("startHour").value_or(0)) * 60 +
              Minute(s.Text("startMinute").value_or(""));
  int end = static_cast<int>(s.Int("endHour").value_or(0)) * 60 +
            Minute(s.Text("endMinute").value_or(""));
  return {start, end};
}

Status CheckCriterion(OpCtx& c, const model::Node& crit, int64_t campaign, bool negative) {
  std::string_view t = crit.type();
  if (t.empty() || t == "Criterion") {
    return ApiErr("CampaignCriterionError", "CONCRETE_TYPE_REQUIRED", c.Path("criterion"));
  }
  if (negative && CannotExclude(t)) {
    return ApiErr("CampaignCriterionError", "CANNOT_EXCLUDE_CRITERIA_TYPE", c.Path("criterion"),
                  std::string(t));
  }
  if (t == "Keyword") {
    if (!negative) {
      return ApiErr("CriterionError", "CANNOT_ADD_CRITERIA_TYPE", c.Path("criterion"),
                    std::string(t));
    }
    auto text = crit.Text("text");
    if (!text) return Required(c, "criterion.text");
    if (!crit.Has("matchType")) return Required(c, "criterion.matchType");
    std::vector<ApiError> errors = KeywordErrors(c, *text, "criterion.text");
    if (!errors.empty()) return Status(std::move(errors));
  } else if (t == "Platform") {
    if (PlatformName(crit.Int("id").value_or(0)).empty()) {
      return ApiErr("CriterionError", "INVALID_CRITERION_ID", c.Path("criterion.id"),
                    std::string(crit.Text("id").value_or("")));
    }
  } else if (t == "AdSchedule") {
    auto [start, end] = Interval(crit);
    if (end <= start || end > 24 * 60) {
      return ApiErr("CriterionError", "AD_SCHEDULE_INVALID_TIME_INTERVAL", c.Path("criterion"));
    }
    BG_ASSIGN_OR_RETURN(std::vector<Entity> existing, c.t.List(Kind::kCampaignCriterion, campaign));
    for (const Entity& e : existing) {
      const model::Node* o = e.node.Child("criterion");
      if (IsRemoved(e) || o == nullptr || o->type() != "AdSchedule" ||
          o->Text("dayOfWeek") != crit.Text("dayOfWeek")) {
        continue;
      }
      auto [os, oe] = Interval(*o);
      if (start < oe && os < end) {
        return ApiErr("CriterionError", "AD_SCHEDULE_TIME_INTERVALS_OVERLAP", c.Path("criterion"));
      }
    }
  } else if (t == "Proximity") {
    if (!crit.Has("geoPoint") && !crit.Has("address")) {
      return ApiErr("CriterionError", "PROXIMITY_GEOPOINT_AND_ADDRESS_BOTH_CANNOT_BE_NULL",
                    c.Path("criterion"));
    }
    double r = std::strtod(std::string(crit.Text("radiusInUnits").value_or("0")).c_str(), nullptr);
    if (r <= 0 || r > 500) {
      return ApiErr("CriterionError", "INVALID_PROXIMITY_RADIUS", c.Path("criterion.radiusInUnits"),
                    std::string(crit.Text("radiusInUnits").value_or("")));
    }
  }
  return Status::Ok();
}

Entity ToEntity(int64_t campaign, int64_t id, model::Node node) {
  Entity e;
  e.kind = Kind::kCampaignCriterion;
  e.scope = campaign;
  e.id = id;
  e.parent_id = campaign;
  if (const model::Node* crit = node.Child("criterion")) {
    e.name = std::string(crit->Text("text").value_or(""));
  }
  e.status = std::string(node.Text("campaignCriterionStatus").value_or("ACTIVE"));
  e.node = std::move(node);
  return e;
}

Result<model::Node> AddCriterion(OpCtx& c) {
  const model::Node& in = c.operand;
  bool negative = in.type() == "NegativeCampaignCriterion";
  BG_ASSIGN_OR_RETURN(Entity campaign,
                      ResolveField(c, Kind::kCampaign, &in, "campaignId", "campaignId"));
  const model::Node* crit = in.Child("criterion");
  if (crit == nullptr) return Required(c, "criterion");
  BG_RETURN_IF_ERROR(CheckCriterion(c, *crit, campaign.id, negative));
  int64_t id = 0;
  if (ServerAssignsId(crit->type())) {
    if (crit->Int("id").value_or(-1) >= 0) {
      return ApiErr("NewEntityCreationError", "CANNOT_SET_ID_FOR_ADD", c.Path("criterion.id"));
    }
    BG_ASSIGN_OR_RETURN(id, c.t.NextId(Kind::kCriterion));
  } else {
    std::optional<int64_t> given = crit->Int("id");
    if (!given) return Required(c, "criterion.id");
    if (*given <= 0) {
      return ApiErr("CriterionError", "INVALID_CRITERION_ID", c.Path("criterion.id"),
                    std::to_string(*given));
    }
    id = *given;
    BG_ASSIGN_OR_RETURN(std::optional<Entity> same,
                        c.t.Load(Kind::kCampaignCriterion, id, campaign.id));
    if (same && !IsRemoved(*same)) {
      bool same_sign = same->node.type() == in.type();
      return ApiErr("CampaignCriterionError",
                    same_sign ? "CANNOT_ADD_EXISTING_FIELD" : "CANNOT_TARGET_AND_EXCLUDE",
                    c.Path("criterion.id"), std::to_string(id));
    }
  }
  if (!negative) BG_RETURN_IF_ERROR(CheckMultiplier(c, in, "bidModifier"));
  model::Node n = in;
  n.SetInt("campaignId", campaign.id);
  n.Set("isNegative", negative ? "true" : "false");
  model::Node* out = n.Child("criterion");
  out->SetInt("id", id);
  out->Set("type", CriterionTypeValue(c, crit->type()));
  if (crit->type() == "Platform") out->Set("platformName", std::string(PlatformName(id)));
  if (!negative && !n.Has("campaignCriterionStatus")) n.Set("campaignCriterionStatus", "ACTIVE");
  n.SetInt("baseCampaignId", campaign.id);
  BG_RETURN_IF_ERROR(c.t.Save(ToEntity(campaign.id, id, n)));
  return n;
}

Result<Entity> ExistingCriterion(OpCtx& c) {
  const model::Node& in = c.operand;
  BG_ASSIGN_OR_RETURN(Entity campaign,
                      ResolveField(c, Kind::kCampaign, &in, "campaignId", "campaignId"));
  return ResolveField(c, Kind::kCampaignCriterion, in.Child("criterion"), "id", "criterion.id",
                      campaign.id);
}

Result<model::Node> SetCriterion(OpCtx& c) {
  BG_ASSIGN_OR_RETURN(Entity e, ExistingCriterion(c));
  if (e.node.type() == "NegativeCampaignCriterion") {
    return ApiErr("CampaignCriterionError", "CANNOT_SET_STATUS_FOR_EXCLUDED_CRITERIA", c.Path());
  }
  BG_RETURN_IF_ERROR(CheckMultiplier(c, c.operand, "bidModifier"));
  model::Node merged = e.node;
  MergeFields(merged, c.operand, {"campaignId", "criterion", "isNegative", "baseCampaignId"});
  BG_RETURN_IF_ERROR(c.t.Save(ToEntity(e.scope, e.id, merged)));
  return merged;
}

Result<model::Node> RemoveCriterion(OpCtx& c) {
  BG_ASSIGN_OR_RETURN(Entity e, ExistingCriterion(c));
  model::Node out = e.node;
  e.status = "REMOVED";
  if (e.node.type() != "NegativeCampaignCriterion") {
    out.Set("campaignCriterionStatus", "REMOVED");
  }
  e.node = out;
  BG_RETURN_IF_ERROR(c.t.Save(e));
  return out;
}

// --- AdGroupBidModifier ---

Result<std::pair<Entity, int64_t>> Target(OpCtx& c) {
  const model::Node& in = c.operand;
  BG_ASSIGN_OR_RETURN(Entity ad_group,
                      ResolveField(c, Kind::kAdGroup, &in, "adGroupId", "adGroupId"));
  if (in.Has("campaignId")) {
    BG_ASSIGN_OR_RETURN(Entity campaign,
                        ResolveField(c, Kind::kCampaign, &in, "campaignId", "campaignId"));
    if (campaign.id != ad_group.parent_id) {
      return ApiErr("EntityNotFound", "INVALID_ID", c.Path("campaignId"));
    }
  }
  const model::Node* crit = in.Child("criterion");
  if (crit == nullptr) return Required(c, "criterion");
  if (crit->type() != "Platform") {
    return ApiErr("CriterionError", "CANNOT_BID_MODIFY_CRITERION_TYPE", c.Path("criterion"),
                  std::string(crit->type()));
  }
  BG_ASSIGN_OR_RETURN(int64_t id, RequiredId(c, crit, "id", "criterion.id"));
  if (PlatformName(id).empty()) {
    return ApiErr("CriterionError", "INVALID_CRITERION_ID", c.Path("criterion.id"),
                  std::to_string(id));
  }
  return std::make_pair(std::move(ad_group), id);
}

Result<model::Node> ApplyBidModifier(OpCtx& c) {
  BG_ASSIGN_OR_RETURN(auto target, Target(c));
  auto& [ad_group, id] = target;
  BG_ASSIGN_OR_RETURN(std::optional<Entity> existing,
                      c.t.Load(Kind::kBidModifier, id, ad_group.id));
  if (c.op_operator == "ADD" && existing) {
    return ApiErr("CriterionError", "BID_MODIFIER_ALREADY_EXISTS", c.Path("criterion.id"),
                  std::to_string(id));
  }
  if (c.op_operator != "ADD" && !existing) {
    return ApiErr("EntityNotFound", "INVALID_ID", c.Path("criterion.id"));
  }
  if (c.op_operator == "REMOVE") {
    BG_RETURN_IF_ERROR(c.t.Delete(Kind::kBidModifier, ad_group.id, id));
    return existing->node;
  }
  BG_RETURN_IF_ERROR(CheckMultiplier(c, c.operand, "bidModifier"));
  model::Node n = c.operand;
  n.SetInt("campaignId", ad_group.parent_id);
  n.SetInt("adGroupId", ad_group.id);
  model::Node* crit = n.Child("criterion");
  crit->Set("type", "PLATFORM");
  crit->Set("platformName", std::string(PlatformName(id)));
  n.Set("bidModifierSource", "AD_GROUP");
  Entity e;
  e.kind = Kind::kBidModifier;
  e.scope = ad_group.id;
  e.parent_id = ad_group.id;
  e.id = id;
  e.status = "ENABLED";
  e.node = n;
  BG_RETURN_IF_ERROR(c.t.Save(e));
  return n;
}

}  // namespace

Result<model::Node> ApplyCampaignCriterion(OpCtx& c) {
  if (c.op_operator == "ADD") return AddCriterion(c);
  if (c.op_operator == "SET") return SetCriterion(c);
  if (c.op_operator == "REMOVE") return RemoveCriterion(c);
  return NotSupported(c);
}

Result<model::Node> ApplyAdGroupBidModifier(OpCtx& c) {
  if (c.op_operator != "ADD" && c.op_operator != "SET" && c.op_operator != "REMOVE") {
    return NotSupported(c);
  }
  return ApplyBidModifier(c);
}

}  // namespace bg::backend::sandbox
