// The four label operations (CampaignLabel, AdGroupLabel, AdGroupAdLabel, AdGroupCriterionLabel):
// ADD / REMOVE of the link between a live entity and a label. Labels cannot be created by batch
// jobs: they must be seeded (`batchgate sandbox seed`), else EntityNotFound.INVALID_ID.
#include "backend/sandbox/ops.hpp"

namespace bg::backend::sandbox {
namespace {

struct LabelLink {
  Kind link;
  const char* error_type;
  const char* already_exists;
  const char* does_not_exist;
};

Result<model::Node> Apply(OpCtx& c, const LabelLink& k, int64_t scope, int64_t parent,
                          model::Node echo) {
  BG_ASSIGN_OR_RETURN(Entity label,
                      ResolveField(c, Kind::kLabel, &c.operand, "labelId", "labelId"));
  echo.SetInt("labelId", label.id);
  BG_ASSIGN_OR_RETURN(std::optional<Entity> existing, c.t.Load(k.link, label.id, scope));
  if (c.op_operator == "ADD") {
    if (existing)
      return ApiErr(k.error_type, k.already_exists, c.Path("labelId"), std::to_string(label.id));
    Entity e;
    e.kind = k.link;
    e.scope = scope;
    e.id = label.id;
    e.parent_id = parent;
    e.status = "ENABLED";
    e.node = echo;
    BG_RETURN_IF_ERROR(c.t.Save(e));
    return echo;
  }
  if (!existing)
    return ApiErr(k.error_type, k.does_not_exist, c.Path("labelId"), std::to_string(label.id));
  BG_RETURN_IF_ERROR(c.t.Delete(k.link, scope, label.id));
  return echo;
}

}  // namespace

Result<model::Node> ApplyLabelLink(OpCtx& c) {
  if (c.op_operator != "ADD" && c.op_operator != "REMOVE") return NotSupported(c);
  const model::Node& in = c.operand;
  std::string_view t = c.op.op_type();
  model::Node echo(in.type());
  if (t == "CampaignLabelOperation") {
    BG_ASSIGN_OR_RETURN(Entity campaign,
                        ResolveField(c, Kind::kCampaign, &in, "campaignId", "campaignId"));
    echo.SetInt("campaignId", campaign.id);
    return Apply(c,
                 {Kind::kCampaignLabel, "CampaignError", "CAMPAIGN_LABEL_ALREADY_EXISTS",
                  "CAMPAIGN_LABEL_DOES_NOT_EXIST"},
                 campaign.id, campaign.id, std::move(echo));
  }
  BG_ASSIGN_OR_RETURN(Entity ad_group,
                      ResolveField(c, Kind::kAdGroup, &in, "adGroupId", "adGroupId"));
  echo.SetInt("adGroupId", ad_group.id);
  if (t == "AdGroupLabelOperation") {
    return Apply(c,
                 {Kind::kAdGroupLabel, "AdGroupServiceError", "ADGROUP_LABEL_ALREADY_EXISTS",
                  "ADGROUP_LABEL_DOES_NOT_EXIST"},
                 ad_group.id, ad_group.id, std::move(echo));
  }
  if (t == "AdGroupAdLabelOperation") {
    BG_ASSIGN_OR_RETURN(Entity ad, ResolveField(c, Kind::kAd, &in, "adId", "adId"));
    if (ad.parent_id != ad_group.id) {
      return ApiErr("AdGroupAdError", "AD_NOT_UNDER_ADGROUP", c.Path("adId"),
                    std::to_string(ad.id));
    }
    echo.SetInt("adId", ad.id);
    return Apply(c,
                 {Kind::kAdLabel, "AdGroupAdError", "AD_GROUP_AD_LABEL_ALREADY_EXISTS",
                  "AD_GROUP_AD_LABEL_DOES_NOT_EXIST"},
                 ad.id, ad_group.id, std::move(echo));
  }
  // AdGroupCriterionLabelOperation
  BG_ASSIGN_OR_RETURN(Entity crit, ResolveField(c, Kind::kCriterion, &in, "criterionId",
                                                "criterionId", ad_group.id));
  if (crit.node.type() == "NegativeAdGroupCriterion") {
    return ApiErr("AdGroupCriterionError", "CANNOT_ADD_LABEL_TO_NEGATIVE_CRITERION",
                  c.Path("criterionId"), std::to_string(crit.id));
  }
  echo.SetInt("criterionId", crit.id);
  return Apply(
      c,
      {Kind::kCriterionLabel, "AdGroupCriterionError", "AD_GROUP_CRITERION_LABEL_ALREADY_EXISTS",
       "AD_GROUP_CRITERION_LABEL_DOES_NOT_EXIST"},
      crit.id, ad_group.id, std::move(echo));
}

}  // namespace bg::backend::sandbox
