// FeedItemOperation (ADD / SET / REMOVE of items of a seeded feed; attribute values must name the
// feed's attributes) and, from v201809, FeedItemTargetOperation (ADD / REMOVE of a campaign, ad
// group or criterion target of a feed item).
#include "backend/sandbox/ops.hpp"

namespace bg::backend::sandbox {
namespace {

// The seeded feed's attribute `id`, or nullptr.
const model::Node* FeedAttribute(const Entity& feed, int64_t id) {
  for (const model::Field* f : feed.node.FindAll("attributes")) {
    if (f->child && f->child->Int("id") == std::optional<int64_t>(id)) return f->child.get();
  }
  return nullptr;
}

bool LooksLikeUrl(std::string_view u) {
  u = Trimmed(u);
  return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0;
}

Status CheckAttributes(OpCtx& c, const Entity& feed, const model::Node& item) {
  int i = 0;
  for (const model::Field* f : item.FindAll("attributeValues")) {
    std::string path = "attributeValues[" + std::to_string(i++) + "]";
    if (!f->child) continue;
    std::optional<int64_t> attr_id = f->child->Int("feedAttributeId");
    if (!attr_id) return Required(c, path + ".feedAttributeId");
    const model::Node* attr = FeedAttribute(feed, *attr_id);
    if (attr == nullptr) {
      return ApiErr("EntityNotFound", "INVALID_ID", c.Path(path + ".feedAttributeId"),
                    std::to_string(*attr_id));
    }
    std::string_view type = attr->Text("type").value_or("");
    if (type == "URL") {
      auto v = f->child->Text("stringValue");
      if (v && !LooksLikeUrl(*v)) {
        return ApiErr("FeedItemError", "INVALID_URL", c.Path(path + ".stringValue"),
                      std::string(*v));
      }
    } else if (type == "URL_LIST") {
      for (const model::Field* v : f->child->FindAll("stringValues")) {
        if (!LooksLikeUrl(v->text)) {
          return ApiErr("FeedItemError", "INVALID_URL", c.Path(path + ".stringValues"), v->text);
        }
      }
    }
  }
  return Status::Ok();
}

Status ResolveTargeting(OpCtx& c, model::Node& item) {
  if (model::Node* ct = item.Child("campaignTargeting")) {
    BG_ASSIGN_OR_RETURN(Entity e, ResolveField(c, Kind::kCampaign, ct, "TargetingCampaignId",
                                               "campaignTargeting.TargetingCampaignId"));
    ct->SetInt("TargetingCampaignId", e.id);
  }
  if (model::Node* at = item.Child("adGroupTargeting")) {
    BG_ASSIGN_OR_RETURN(Entity e, ResolveField(c, Kind::kAdGroup, at, "TargetingAdGroupId",
                                               "adGroupTargeting.TargetingAdGroupId"));
    at->SetInt("TargetingAdGroupId", e.id);
  }
  return Status::Ok();
}

Entity ToEntity(int64_t feed, int64_t id, model::Node node) {
  Entity e;
  e.kind = Kind::kFeedItem;
  e.id = id;
  e.parent_id = feed;
  e.status = std::string(node.Text("status").value_or("ENABLED"));
  e.node = std::move(node);
  return e;
}

Result<model::Node> Add(OpCtx& c, const Entity& feed) {
  const model::Node& in = c.operand;
  if (in.FindAll("attributeValues").empty()) return Required(c, "attributeValues");
  BG_RETURN_IF_ERROR(CheckAttributes(c, feed, in));
  model::Node n = in;
  BG_RETURN_IF_ERROR(ResolveTargeting(c, n));
  BG_ASSIGN_OR_RETURN(int64_t id, c.t.NextId(Kind::kFeedItem));
  n.SetInt("feedId", feed.id);
  n.SetInt("feedItemId", id);
  n.Set("status", "ENABLED");
  BG_RETURN_IF_ERROR(c.t.Save(ToEntity(feed.id, id, n)));
  return n;
}

Result<Entity> Existing(OpCtx& c, const Entity& feed) {
  BG_ASSIGN_OR_RETURN(int64_t id, RequiredId(c, &c.operand, "feedItemId", "feedItemId"));
  BG_ASSIGN_OR_RETURN(Entity e, Resolve(c, Kind::kFeedItem, id, "feedItemId"));
  if (e.parent_id != feed.id) return ApiErr("EntityNotFound", "INVALID_ID", c.Path("feedItemId"));
  if (IsRemoved(e)) {
    return ApiErr("FeedItemError", "CANNOT_OPERATE_ON_REMOVED_FEED_ITEM", c.Path("feedItemId"),
                  std::to_string(e.id));
  }
  return e;
}

// --- FeedItemTarget (v201809) ---

struct TargetKey {
  std::string_view target_type;
  int64_t key;
};

}  // namespace

Result<model::Node> ApplyFeedItem(OpCtx& c) {
  BG_ASSIGN_OR_RETURN(Entity feed, ResolveField(c, Kind::kFeed, &c.operand, "feedId", "feedId"));
  if (c.op_operator == "ADD") return Add(c, feed);
  if (c.op_operator != "SET" && c.op_operator != "REMOVE") return NotSupported(c);
  BG_ASSIGN_OR_RETURN(Entity e, Existing(c, feed));
  if (c.op_operator == "REMOVE") {
    e.node.Set("status", "REMOVED");
    e.status = "REMOVED";
    BG_RETURN_IF_ERROR(c.t.Save(e));
    return e.node;
  }
  BG_RETURN_IF_ERROR(CheckAttributes(c, feed, c.operand));
  model::Node merged = e.node;
  // Attribute values merge per attribute: a SET changes the values it names.
  model::Node in = c.operand;
  BG_RETURN_IF_ERROR(ResolveTargeting(c, in));
  for (const model::Field* f : in.FindAll("attributeValues")) {
    auto id = f->child ? f->child->Int("feedAttributeId") : std::nullopt;
    auto& fields = merged.mutable_fields();
    for (auto& g : fields) {
      if (g.name == "attributeValues" && g.child && g.child->Int("feedAttributeId") == id) {
        g.child = std::make_unique<model::Node>(*f->child);
        id.reset();
      }
    }
    if (id) merged.AddChild("attributeValues", *f->child);
  }
  in.Remove("attributeValues");
  MergeFields(merged, in, {"feedId", "feedItemId", "status", "policyData", "policySummaries"});
  BG_RETURN_IF_ERROR(c.t.Save(ToEntity(feed.id, e.id, merged)));
  return merged;
}

Result<model::Node> ApplyFeedItemTarget(OpCtx& c) {
  if (c.op_operator != "ADD" && c.op_operator != "REMOVE") return NotSupported(c);
  const model::Node& in = c.operand;
  BG_ASSIGN_OR_RETURN(Entity feed, ResolveField(c, Kind::kFeed, &in, "feedId", "feedId"));
  BG_ASSIGN_OR_RETURN(Entity item, Existing(c, feed));
  model::Node n = in;
  n.SetInt("feedId", feed.id);
  n.SetInt("feedItemId", item.id);
  TargetKey key{};
  constexpr int64_t kSpace = 1000000000000;  // keeps the three target kinds' keys apart
  if (in.type() == "FeedItemCampaignTarget") {
    BG_ASSIGN_OR_RETURN(Entity camp,
                        ResolveField(c, Kind::kCampaign, &in, "campaignId", "campaignId"));
    n.SetInt("campaignId", camp.id);
    n.Set("campaignName", std::string(camp.node.Text("name").value_or("")));
    key = {"CAMPAIGN", kSpace + camp.id};
  } else if (in.type() == "FeedItemAdGroupTarget") {
    BG_ASSIGN_OR_RETURN(Entity ag, ResolveField(c, Kind::kAdGroup, &in, "adGroupId", "adGroupId"));
    BG_ASSIGN_OR_RETURN(std::optional<Entity> camp, c.t.Load(Kind::kCampaign, ag.parent_id));
    n.SetInt("adGroupId", ag.id);
    n.Set("adGroupName", std::string(ag.node.Text("name").value_or("")));
    if (camp) n.Set("parentCampaignName", std::string(camp->node.Text("name").value_or("")));
    key = {"AD_GROUP", 2 * kSpace + ag.id};
  } else if (in.type() == "FeedItemCriterionTarget") {
    const model::Node* crit = in.Child("criterion");
    if (crit == nullptr) return Required(c, "criterion");
    std::string_view ct = crit->type();
    if (ct != "Location" && ct != "Platform" && ct != "AdSchedule" && ct != "Keyword") {
      return ApiErr("FeedItemTargetError", "CRITERION_TYPE_NOT_SUPPORTED", c.Path("criterion"),
                    std::string(ct));
    }
    std::optional<int64_t> id = crit->Int("id");
    if (!id && ct != "AdSchedule" && ct != "Keyword") {
      return ApiErr("FeedItemTargetError", "CRITERION_ID_MUST_BE_SET_FOR_GIVEN_TYPE",
                    c.Path("criterion.id"));
    }
    if (!id) {
      BG_ASSIGN_OR_RETURN(int64_t fresh, c.t.NextId(Kind::kCriterion));
      id = fresh;
    }
    model::Node* out = n.Child("criterion");
    out->SetInt("id", *id);
    out->Set("type", CriterionTypeValue(c, ct));
    n.Set("isNegative", "false");
    key = {"CRITERION", 3 * kSpace + *id};
  } else {
    return ApiErr("RequiredError", "REQUIRED", c.Path());
  }
  n.Set("targetType", std::string(key.target_type));
  BG_ASSIGN_OR_RETURN(std::optional<Entity> existing,
                      c.t.Load(Kind::kFeedItemTarget, key.key, item.id));
  if (c.op_operator == "ADD") {
    if (existing) {
      return ApiErr("FeedItemTargetError", "FEED_ITEM_TARGET_ALREADY_EXISTS", c.Path());
    }
    n.Set("status", "ACTIVE");
    Entity e;
    e.kind = Kind::kFeedItemTarget;
    e.scope = item.id;
    e.id = key.key;
    e.parent_id = item.id;
    e.status = "ACTIVE";
    e.node = n;
    BG_RETURN_IF_ERROR(c.t.Save(e));
    return n;
  }
  if (!existing) return ApiErr("EntityNotFound", "INVALID_ID", c.Path());
  BG_RETURN_IF_ERROR(c.t.Delete(Kind::kFeedItemTarget, item.id, key.key));
  model::Node out = existing->node;
  out.Set("status", "REMOVED");
  return out;
}

}  // namespace bg::backend::sandbox
