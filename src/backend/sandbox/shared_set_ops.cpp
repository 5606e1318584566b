// The v201809 shared-set operations: SharedSet (ADD / SET / REMOVE; names unique among live
// sets), SharedCriterion (ADD / REMOVE of negative keywords or placements of a set) and
// CampaignSharedSet (ADD / REMOVE of a set's attachment to a campaign).
#include "backend/sandbox/ops.hpp"

namespace bg::backend::sandbox {
namespace {

Entity SetEntity(int64_t id, model::Node node) {
  Entity e;
  e.kind = Kind::kSharedSet;
  e.id = id;
  e.name = std::string(Trimmed(node.Text("name").value_or("")));
  e.status = std::string(node.Text("status").value_or("ENABLED"));
  e.node = std::move(node);
  return e;
}

Status CheckName(OpCtx& c, std::string_view name, int64_t self) {
  if (name.empty()) return Required(c, "name");
  BG_ASSIGN_OR_RETURN(bool taken, c.t.NameTaken(Kind::kSharedSet, name, std::nullopt, self));
  if (taken) return ApiErr("SharedSetError", "DUPLICATE_NAME", c.Path("name"), std::string(name));
  return Status::Ok();
}

// A live shared set, SharedSetError.SHARED_SET_REMOVED when removed.
Result<Entity> LiveSet(OpCtx& c, const model::Node* holder) {
  BG_ASSIGN_OR_RETURN(int64_t id, RequiredId(c, holder, "sharedSetId", "sharedSetId"));
  BG_ASSIGN_OR_RETURN(Entity e, Resolve(c, Kind::kSharedSet, id, "sharedSetId"));
  if (IsRemoved(e)) return ApiErr("SharedSetError", "SHARED_SET_REMOVED", c.Path("sharedSetId"));
  return e;
}

// Member and reference counts are kept on the stored set.
Status Count(OpCtx& c, Entity set, std::string_view field, int delta) {
  set.node.SetInt(field, set.node.Int(field).value_or(0) + delta);
  return c.t.Save(set);
}

}  // namespace

Result<model::Node> ApplySharedSet(OpCtx& c) {
  const model::Node& in = c.operand;
  if (c.op_operator == "ADD") {
    BG_ASSIGN_OR_RETURN(
        std::optional<int64_t> temp,
        NewTempId(c, Kind::kSharedSet, c.uploaded_operand, "sharedSetId", "sharedSetId"));
    BG_RETURN_IF_ERROR(CheckName(c, Trimmed(in.Text("name").value_or("")), 0));
    if (!in.Has("type")) return Required(c, "type");
    BG_ASSIGN_OR_RETURN(int64_t id, c.t.NextId(Kind::kSharedSet));
    model::Node n = in;
    n.SetInt("sharedSetId", id);
    n.SetInt("memberCount", 0);
    n.SetInt("referenceCount", 0);
    n.Set("status", "ENABLED");
    BG_RETURN_IF_ERROR(c.t.Save(SetEntity(id, n)));
    BG_RETURN_IF_ERROR(DefineTemp(c, Kind::kSharedSet, temp, id));
    return n;
  }
  if (c.op_operator != "SET" && c.op_operator != "REMOVE") return NotSupported(c);
  BG_ASSIGN_OR_RETURN(Entity e, LiveSet(c, &in));
  if (c.op_operator == "REMOVE") {
    e.node.Set("status", "REMOVED");
    Entity removed = SetEntity(e.id, e.node);
    BG_RETURN_IF_ERROR(c.t.Save(removed));
    return removed.node;
  }
  if (in.Has("name")) BG_RETURN_IF_ERROR(CheckName(c, Trimmed(in.Text("name").value_or("")), e.id));
  model::Node merged = e.node;
  MergeFields(merged, in, {"sharedSetId", "type", "memberCount", "referenceCount", "status"});
  BG_RETURN_IF_ERROR(c.t.Save(SetEntity(e.id, merged)));
  return merged;
}

Result<model::Node> ApplySharedCriterion(OpCtx& c) {
  if (c.op_operator != "ADD" && c.op_operator != "REMOVE") return NotSupported(c);
  const model::Node& in = c.operand;
  BG_ASSIGN_OR_RETURN(Entity set, LiveSet(c, &in));
  const model::Node* crit = in.Child("criterion");
  if (crit == nullptr) return Required(c, "criterion");
  if (c.op_operator == "REMOVE") {
    BG_ASSIGN_OR_RETURN(int64_t id, RequiredId(c, crit, "id", "criterion.id"));
    BG_ASSIGN_OR_RETURN(std::optional<Entity> e, c.t.Load(Kind::kSharedCriterion, id, set.id));
    if (!e) return ApiErr("EntityNotFound", "INVALID_ID", c.Path("criterion.id"));
    BG_RETURN_IF_ERROR(c.t.Delete(Kind::kSharedCriterion, set.id, id));
    BG_RETURN_IF_ERROR(Count(c, set, "memberCount", -1));
    return e->node;
  }
  std::string_view set_type = set.node.Text("type").value_or("");
  std::string_view ct = crit->type();
  if (ct.empty() || ct == "Criterion") {
    return ApiErr("SharedCriterionError", "CONCRETE_TYPE_REQUIRED", c.Path("criterion"));
  }
  if ((set_type == "NEGATIVE_KEYWORDS" && ct != "Keyword") ||
      (set_type == "NEGATIVE_PLACEMENTS" && ct != "Placement")) {
    return ApiErr("SharedCriterionError", "INCORRECT_CRITERION_TYPE", c.Path("criterion"),
                  std::string(ct));
  }
  if (in.Text("negative") == std::optional<std::string_view>("false")) {
    return ApiErr("SharedCriterionError", "NEGATIVE_CRITERION_REQUIRED", c.Path("negative"));
  }
  if (ct == "Keyword") {
    auto text = crit->Text("text");
    if (!text) return Required(c, "criterion.text");
    if (!crit->Has("matchType")) return Required(c, "criterion.matchType");
    std::vector<ApiError> errors = KeywordErrors(c, *text, "criterion.text");
    if (!errors.empty()) return Status(std::move(errors));
  }
  BG_ASSIGN_OR_RETURN(int64_t id, c.t.NextId(Kind::kCriterion));
  model::Node n = in;
  n.SetInt("sharedSetId", set.id);
  n.Set("negative", "true");
  model::Node* out = n.Child("criterion");
  out->SetInt("id", id);
  out->Set("type", CriterionTypeValue(c, ct));
  Entity e;
  e.kind = Kind::kSharedCriterion;
  e.scope = set.id;
  e.id = id;
  e.parent_id = set.id;
  e.name = std::string(crit->Text("text").value_or(""));
  e.status = "ENABLED";
  e.node = n;
  BG_RETURN_IF_ERROR(c.t.Save(e));
  BG_RETURN_IF_ERROR(Count(c, set, "memberCount", 1));
  return n;
}

Result<model::Node> ApplyCampaignSharedSet(OpCtx& c) {
  if (c.op_operator != "ADD" && c.op_operator != "REMOVE") return NotSupported(c);
  const model::Node& in = c.operand;
  BG_ASSIGN_OR_RETURN(Entity set, LiveSet(c, &in));
  BG_ASSIGN_OR_RETURN(Entity campaign,
                      ResolveField(c, Kind::kCampaign, &in, "campaignId", "campaignId"));
  BG_ASSIGN_OR_RETURN(std::optional<Entity> existing,
                      c.t.Load(Kind::kCampaignSharedSet, set.id, campaign.id));
  model::Node n("CampaignSharedSet");
  n.SetInt("sharedSetId", set.id);
  n.SetInt("campaignId", campaign.id);
  n.Set("sharedSetName", std::string(set.node.Text("name").value_or("")));
  n.Set("sharedSetType", std::string(set.node.Text("type").value_or("")));
  n.Set("campaignName", std::string(campaign.node.Text("name").value_or("")));
  if (c.op_operator == "REMOVE") {
    if (!existing) {
      return ApiErr("CampaignSharedSetError", "CAMPAIGN_SHARED_SET_DOES_NOT_EXIST", c.Path());
    }
    BG_RETURN_IF_ERROR(c.t.Delete(Kind::kCampaignSharedSet, campaign.id, set.id));
    BG_RETURN_IF_ERROR(Count(c, set, "referenceCount", -1));
    n.Set("status", "REMOVED");
    return n;
  }
  if (existing) return existing->node;  // attaching twice changes nothing
  n.Set("status", "ENABLED");
  Entity e;
  e.kind = Kind::kCampaignSharedSet;
  e.scope = campaign.id;
  e.id = set.id;
  e.parent_id = campaign.id;
  e.status = "ENABLED";
  e.node = n;
  BG_RETURN_IF_ERROR(c.t.Save(e));
  BG_RETURN_IF_ERROR(Count(c, set, "referenceCount", 1));
  return n;
}

}  // namespace bg::backend::sandbox
