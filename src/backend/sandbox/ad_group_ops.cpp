// AdGroupOperation: ADD / SET (REMOVE is not an operator of AdGroupService).
#include "backend/sandbox/ops.hpp"

namespace bg::backend::sandbox {
namespace {

Status CheckName(OpCtx& c, std::string_view name, int64_t campaign_id, int64_t self) {
  if (name.empty()) return Required(c, "name");
  BG_ASSIGN_OR_RETURN(bool taken, c.t.NameTaken(Kind::kAdGroup, name, campaign_id, self));
  if (taken) {
    return ApiErr("AdGroupServiceError", "DUPLICATE_ADGROUP_NAME", c.Path("name"),
                  std::string(name));
  }
  return Status::Ok();
}

Entity ToEntity(int64_t id, int64_t campaign_id, model::Node node) {
  Entity e;
  e.kind = Kind::kAdGroup;
  e.id = id;
  e.parent_id = campaign_id;
  e.name = std::string(Trimmed(node.Text("name").value_or("")));
  e.status = std::string(node.Text("status").value_or("ENABLED"));
  e.node = std::move(node);
  return e;
}

// Results carry the campaign's current name.
Result<model::Node> View(OpCtx& c, const Entity& e) {
  model::Node out = e.node;
  BG_ASSIGN_OR_RETURN(std::optional<Entity> campaign, c.t.Load(Kind::kCampaign, e.parent_id));
  if (campaign) out.Set("campaignName", std::string(campaign->node.Text("name").value_or("")));
  return out;
}

Result<model::Node> Add(OpCtx& c) {
  const model::Node& in = c.operand;
  BG_ASSIGN_OR_RETURN(std::optional<int64_t> temp,
                      NewTempId(c, Kind::kAdGroup, c.uploaded_operand, "id", "id"));
  // A REMOVED campaign is gone: EntityNotFound.INVALID_ID, as for a missing one.
  BG_ASSIGN_OR_RETURN(Entity campaign,
                      ResolveField(c, Kind::kCampaign, &in, "campaignId", "campaignId"));
  BG_RETURN_IF_ERROR(CheckName(c, Trimmed(in.Text("name").value_or("")), campaign.id, 0));
  BG_RETURN_IF_ERROR(CheckAddStatus(c, in));

  BG_ASSIGN_OR_RETURN(int64_t id, c.t.NextId(Kind::kAdGroup));
  model::Node n = in;
  n.set_type("AdGroup");
  n.SetInt("id", id);
  n.SetInt("campaignId", campaign.id);
  n.Remove("campaignName");
  if (!n.Has("status")) n.Set("status", "ENABLED");
  FillCpcBidSource(n.Child("biddingStrategyConfiguration"), "ADGROUP");
  Entity e = ToEntity(id, campaign.id, std::move(n));
  BG_RETURN_IF_ERROR(c.t.Save(e));
  BG_RETURN_IF_ERROR(DefineTemp(c, Kind::kAdGroup, temp, id));
  return View(c, e);
}

Result<model::Node> Set(OpCtx& c) {
  const model::Node& in = c.operand;
  BG_ASSIGN_OR_RETURN(int64_t id, RequiredId(c, &in, "id", "id"));
  BG_ASSIGN_OR_RETURN(Entity e, Resolve(c, Kind::kAdGroup, id, "id"));
  if (IsRemoved(e)) return NotPermittedForRemoved(c);  // REMOVED is final: no revival
  if (in.Has("name")) {
    BG_RETURN_IF_ERROR(CheckName(c, Trimmed(in.Text("name").value_or("")), e.parent_id, e.id));
  }
  model::Node merged = e.node;
  MergeFields(merged, in, {"id", "campaignId", "campaignName"});
  FillCpcBidSource(merged.Child("biddingStrategyConfiguration"), "ADGROUP");
  Entity updated = ToEntity(e.id, e.parent_id, std::move(merged));
  BG_RETURN_IF_ERROR(c.t.Save(updated));
  return View(c, updated);
}

}  // namespace

Result<model::Node> ApplyAdGroup(OpCtx& c) {
  if (c.op_operator == "ADD") return Add(c);
  if (c.op_operator == "SET") return Set(c);
  return NotSupported(c);
}

}  // namespace bg::backend::sandbox
