// The three ExtensionSetting operations (Customer-, Campaign-, AdGroupExtensionSetting):
// one setting per (owner, extensionType). ADD creates it with new feed items (ids assigned, each
// item's subtype must match the extension type); SET replaces the list (items with a feedItemId
// are kept and updated, items without one are created); REMOVE deletes the setting.
#include "backend/sandbox/ops.hpp"

namespace bg::backend::sandbox {
namespace {

constexpr char kError[] = "ExtensionSettingError";

struct Level {
  Kind kind;
  const char* already_exists;
  const char* no_existing;
};

// The ExtensionFeedItem subtype for a Feed.Type, and the fields it cannot do without.
struct ItemType {
  std::string_view feed_type, item_type;
  std::vector<std::string_view> required;
};

const std::vector<ItemType>& ItemTypes() {
  static const std::vector<ItemType> kTypes = {
      {"SITELINK", "SitelinkFeedItem", {"sitelinkText"}},
      {"CALL", "CallFeedItem", {"callPhoneNumber", "callCountryCode"}},
      {"APP", "AppFeedItem", {"appStore", "appId", "appLinkText"}},
      {"REVIEW", "ReviewFeedItem", {"reviewText", "reviewSourceName"}},
      {"CALLOUT", "CalloutFeedItem", {"calloutText"}},
      {"STRUCTURED_SNIPPET", "StructuredSnippetFeedItem", {"header", "values"}},
      {"MESSAGE", "MessageFeedItem", {"messageBusinessName", "messageExtensionText"}},
      {"PRICE", "PriceFeedItem", {"priceExtensionType"}},
      {"PROMOTION", "PromotionFeedItem", {"promotionTarget"}},
  };
  return kTypes;
}

const ItemType* ForFeedType(std::string_view t) {
  for (const auto& i : ItemTypes()) {
    if (i.feed_type == t) return &i;
  }
  return nullptr;
}

// The id of the system-managed feed that holds a customer's extensions of one type.
int64_t SystemFeedId(const OpCtx& c, std::string_view feed_type) {
  return 9000000 + FeedTypeOrdinal(c, feed_type);
}

Status CheckItem(OpCtx& c, const ItemType& type, const model::Node& item, const std::string& path) {
  if (item.type() == "ExtensionFeedItem" || item.type().empty()) {
    return ApiErr(kError, "CONCRETE_EXTENSION_TYPE_REQUIRED", path);
  }
  if (item.type() != type.item_type) {
    return ApiErr(kError, "FEED_TYPE_EXTENSION_TYPE_MISMATCH", path, std::string(item.type()));
  }
  for (std::string_view f : type.required) {
    if (!item.Has(f)) return ApiErr(kError, "MISSING_FIELD", path + "." + std::string(f));
  }
  if (type.item_type == "SitelinkFeedItem" && !item.Has("sitelinkUrl") &&
      !item.Has("sitelinkFinalUrls")) {
    return ApiErr(kError, "CANNOT_SET_WITHOUT_FINAL_URLS", path + ".sitelinkFinalUrls");
  }
  (void)c;
  return Status::Ok();
}

Result<model::Node> Apply(OpCtx& c, const Level& level, int64_t scope, model::Node echo) {
  const model::Node& in = c.operand;
  std::string_view ext_type = in.Text("extensionType").value_or("");
  if (ext_type.empty()) return Required(c, "extensionType");
  const ItemType* type = ForFeedType(ext_type);
  if (type == nullptr) {
    return ApiErr(kError, "INVALID_FEED_TYPE", c.Path("extensionType"), std::string(ext_type));
  }
  int64_t key = FeedTypeOrdinal(c, ext_type);
  BG_ASSIGN_OR_RETURN(std::optional<Entity> existing, c.t.Load(level.kind, key, scope));
  if (existing && IsRemoved(*existing)) existing.reset();
  if (c.op_operator == "ADD" && existing) {
    return ApiErr(kError, level.already_exists, c.Path("extensionType"), std::string(ext_type));
  }
  if (c.op_operator != "ADD" && !existing) {
    return ApiErr(kError, level.no_existing, c.Path("extensionType"), std::string(ext_type));
  }
  if (c.op_operator == "REMOVE") {
    BG_RETURN_IF_ERROR(c.t.Delete(level.kind, scope, key));
    return existing->node;
  }

  echo.Set("extensionType", std::string(ext_type));
  model::Node setting("ExtensionSetting");
  if (const model::Node* given = in.Child("extensionSetting")) setting = *given;
  if (c.op_operator == "ADD" && setting.FindAll("extensions").empty()) {
    return ApiErr(kError, "EXTENSIONS_REQUIRED", c.Path("extensionSetting.extensions"));
  }
  const model::Node* old_setting = existing ? existing->node.Child("extensionSetting") : nullptr;
  int i = 0;
  for (auto& f : setting.mutable_fields()) {
    if (f.name != "extensions" || !f.child) continue;
    std::string path = c.Path("extensionSetting.extensions[" + std::to_string(i++) + "]");
    model::Node& item = *f.child;
    BG_RETURN_IF_ERROR(CheckItem(c, *type, item, path));
    if (item.Has("feedItemId")) {
      if (c.op_operator == "ADD")
        return ApiErr(kError, "CANNOT_CHANGE_FEED_ITEM_ON_ADD", path + ".feedItemId");
      const model::Node* old = nullptr;
      if (old_setting) {
        for (const model::Field* o : old_setting->FindAll("extensions")) {
          if (o->child && o->child->Int("feedItemId") == item.Int("feedItemId"))
            old = o->child.get();
        }
      }
      if (old == nullptr) return ApiErr("EntityNotFound", "INVALID_ID", path + ".feedItemId");
      model::Node merged = *old;
      MergeFields(merged, item, {"feedId", "feedItemId", "status", "feedType"});
      item = std::move(merged);
    } else {
      BG_ASSIGN_OR_RETURN(int64_t id, c.t.NextId(Kind::kFeedItem));
      item.SetInt("feedId", SystemFeedId(c, ext_type));
      item.SetInt("feedItemId", id);
      item.Set("status", "ENABLED");
      item.Set("feedType", std::string(ext_type));
    }
    // Targeting references resolve like any other parent reference (reference §5.2).
    if (model::Node* ct = item.Child("campaignTargeting")) {
      BG_ASSIGN_OR_RETURN(Entity camp, ResolveField(c, Kind::kCampaign, ct, "TargetingCampaignId",
                                                    path.substr(path.find(".operand.") + 9) +
                                                        ".campaignTargeting.TargetingCampaignId"));
      ct->SetInt("TargetingCampaignId", camp.id);
    }
    if (model::Node* at = item.Child("adGroupTargeting")) {
      BG_ASSIGN_OR_RETURN(Entity ag, ResolveField(c, Kind::kAdGroup, at, "TargetingAdGroupId",
                                                  path.substr(path.find(".operand.") + 9) +
                                                      ".adGroupTargeting.TargetingAdGroupId"));
      at->SetInt("TargetingAdGroupId", ag.id);
    }
  }
  if (c.op_operator == "SET" && !in.Has("extensionSetting") && old_setting) setting = *old_setting;
  echo.SetChild("extensionSetting", std::move(setting));
  Entity e;
  e.kind = level.kind;
  e.scope = scope;
  e.id = key;
  e.parent_id = scope;
  e.name = std::string(ext_type);
  e.status = "ENABLED";
  e.node = echo;
  BG_RETURN_IF_ERROR(c.t.Save(e));
  return echo;
}

}  // namespace

Result<model::Node> ApplyExtensionSetting(OpCtx& c) {
  const model::Node& in = c.operand;
  std::string_view t = c.op.op_type();
  model::Node echo(in.type());
  if (t == "CampaignExtensionSettingOperation") {
    BG_ASSIGN_OR_RETURN(Entity campaign,
                        ResolveField(c, Kind::kCampaign, &in, "campaignId", "campaignId"));
    echo.SetInt("campaignId", campaign.id);
    return Apply(c,
                 {Kind::kCampaignExt, "CAMPAIGN_EXTENSION_SETTING_ALREADY_EXISTS",
                  "NO_EXISTING_CAMPAIGN_EXTENSION_SETTING_FOR_TYPE"},
                 campaign.id, std::move(echo));
  }
  if (t == "AdGroupExtensionSettingOperation") {
    BG_ASSIGN_OR_RETURN(Entity ad_group,
                        ResolveField(c, Kind::kAdGroup, &in, "adGroupId", "adGroupId"));
    echo.SetInt("adGroupId", ad_group.id);
    return Apply(c,
                 {Kind::kAdGroupExt, "AD_GROUP_EXTENSION_SETTING_ALREADY_EXISTS",
                  "NO_EXISTING_AD_GROUP_EXTENSION_SETTING_FOR_TYPE"},
                 ad_group.id, std::move(echo));
  }
  if (in.Text("extensionType") == std::optional<std::string_view>("REVIEW")) {
    return ApiErr(kError, "INVALID_FEED_TYPE_FOR_CUSTOMER_EXTENSION_SETTING",
                  c.Path("extensionType"), "REVIEW");
  }
  return Apply(c,
               {Kind::kCustomerExt, "CUSTOMER_EXTENSION_SETTING_ALREADY_EXISTS",
                "NO_EXISTING_CUSTOMER_EXTENSION_SETTING_FOR_TYPE"},
               0, std::move(echo));
}

}  // namespace bg::backend::sandbox
