// AdGroupAdOperation: ADD / SET / REMOVE. ADD checks the Ad subtype's required fields and limits
// (ExpandedTextAd, TextAd, ResponsiveDisplayAd, ImageAd, TemplateAd; other subtypes are stored and
// echoed as given), assigns the ad id and fills the review fields of the job's version. SET may
// only change the status; REMOVE disables the ad (AdGroupAd.Status DISABLED).
#include <cctype>

#include "backend/sandbox/ops.hpp"

namespace bg::backend::sandbox {
namespace {

size_t Chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

struct Checker {
  const OpCtx& c;
  const model::Node& ad;
  std::vector<ApiError> errors;

  std::string Path(std::string_view field) const { return c.Path("ad." + std::string(field)); }
  void Add(const char* type, const char* reason, std::string_view field, std::string trigger = {}) {
    errors.push_back(ApiError::Make(type, reason, Path(field), std::move(trigger)));
  }
  // Required text field with a length limit (StringLengthError.TOO_LONG), or an AdError reason
  // for its absence (nullptr: RequiredError.REQUIRED).
  void Text(std::string_view field, size_t max, const char* missing = nullptr,
            const char* too_long = nullptr) {
    auto v = ad.Text(field);
    if (!v || Trimmed(*v).empty()) {
      if (missing) {
        Add("AdError", missing, field);
      } else {
        Add("RequiredError", "REQUIRED", field);
      }
      return;
    }
    Limit(field, max, too_long);
  }
  void Limit(std::string_view field, size_t max, const char* reason = nullptr) {
    auto v = ad.Text(field);
    if (v && Chars(*v) > max) {
      if (reason) {
        Add("AdError", reason, field, std::string(*v));
      } else {
        Add("StringLengthError", "TOO_LONG", field, std::string(*v));
      }
    }
  }
  void Url(const std::string& field, std::string_view url) {
    std::string_view u = Trimmed(url);
    auto scheme_end = u.find("://");
    if (scheme_end == std::string_view::npos) {
      Add("AdError", "URL_NO_SCHEME", field, std::string(url));
      return;
    }
    std::string_view scheme = u.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https") {
      Add("AdError", "URL_INVALID_SCHEME", field, std::string(url));
      return;
    }
    std::string_view host = u.substr(scheme_end + 3);
    host = host.substr(0, host.find_first_of("/?#"));
    if (host.empty()) {
      Add("AdError", "URL_NO_HOST", field, std::string(url));
    } else if (host.find('.') == std::string_view::npos || host.back() == '.') {
      Add("AdError", "URL_NO_TOP_LEVEL_DOMAIN", field, std::string(url));
    }
  }
  // finalUrls (each a valid url); `required`: at least one, else `missing` (nullptr: REQUIRED).
  void FinalUrls(bool required, const char* missing = nullptr) {
    auto urls = ad.FindAll("finalUrls");
    int i = 0;
    for (const model::Field* f : urls) Url("finalUrls[" + std::to_string(i++) + "]", f->text);
    if (urls.empty() && required) {
      if (missing) {
        Add("AdError", missing, "finalUrls");
      } else {
        Add("RequiredError", "REQUIRED", "finalUrls");
      }
    }
  }
  void Image(std::string_view field, bool required) {
    const model::Node* img = ad.Child(field);
    if (img == nullptr) {
      if (required) Add("AdError", "MISSING_IMAGE", field);
      return;
    }
    if (!img->Has("mediaId") && !img->Has("data")) {
      Add("RequiredError", "REQUIRED", std::string(field) + ".mediaId");
    }
  }
};

std::vector<ApiError> CheckAd(const OpCtx& c, const model::Node& ad) {
  Checker k{c, ad, {}};
  std::string_view t = ad.type();
  bool v2018 = c.version() >= "v201809";
  if (t == "ExpandedTextAd") {
    k.Text("headlinePart1", 30);
    k.Text("headlinePart2", 30);
    k.Limit("headlinePart3", 30);
    k.Text("description", v2018 ? 90 : 80);
    k.Limit("description2", 90);
    k.Limit("path1", 15);
    k.Limit("path2", 15);
    if (ad.Has("path2") && !ad.Has("path1"))
      k.Add("AdError", "CANNOT_SET_PATH2_WITHOUT_PATH1", "path2");
    if (ad.Has("url")) k.Add("AdError", "CANNOT_SET_URL", "url");
    k.FinalUrls(true);
  } else if (t == "TextAd") {
    k.Text("headline", 25, "MISSING_HEADLINE", "LINE_TOO_WIDE");
    k.Text("description1", 35, "MISSING_DESCRIPTION1", "LINE_TOO_WIDE");
    k.Text("description2", 35, "MISSING_DESCRIPTION2", "LINE_TOO_WIDE");
    k.Text("displayUrl", 255, "MISSING_DISPLAY_URL");
    k.FinalUrls(!ad.Has("url"), "MISSING_DESTINATION_URL");
  } else if (t == "ResponsiveDisplayAd") {
    k.Image("marketingImage", true);
    k.Image("logoImage", false);
    k.Text("shortHeadline", 25);
    k.Text("longHeadline", 90);
    k.Text("description", 90);
    k.Text("businessName", 25, "MISSING_BUSINESS_NAME");
    k.FinalUrls(true);
  } else if (t == "ImageAd") {
    k.Image("image", true);
    k.Text("name", 255, "MISSING_ADVERTISEMENT_NAME");
    k.Text("displayUrl", 255, "MISSING_DISPLAY_URL");
    k.FinalUrls(!ad.Has("url"), "MISSING_DESTINATION_URL");
  } else if (t == "TemplateAd") {
    if (ad.Int("templateId").value_or(0) <= 0) {
      k.Add("AdError", "INVALID_TEMPLATE_ID", "templateId",
            std::string(ad.Text("templateId").value_or("")));
    }
    k.Text("name", 255, "MISSING_ADVERTISEMENT_NAME");
    auto elements = ad.FindAll("templateElements");
    if (elements.empty()) k.Add("AdError", "MISSING_REQUIRED_TEMPLATE_FIELDS", "templateElements");
    int i = 0;
    for (const model::Field* e : elements) {
      std::string base = "templateElements[" + std::to_string(i++) + "]";
      if (!e->child) continue;
      if (!e->child->Has("uniqueName")) k.Add("RequiredError", "REQUIRED", base + ".uniqueName");
      int j = 0;
      for (const model::Field* f : e->child->FindAll("fields")) {
        std::string fp = base + ".fields[" + std::to_string(j++) + "]";
        if (!f->child) continue;
        std::string_view ft = f->child->Text("type").value_or("");
        bool media = ft == "IMAGE" || ft == "VIDEO" || ft == "AUDIO" || ft == "ANIMATION";
        if (media ? !f->child->Has("fieldMedia") : !f->child->Has("fieldText")) {
          k.Add("AdError", "MISSING_TEMPLATE_FIELD_VALUE", fp);
        } else if (ft == "URL") {
          k.Url(fp + ".fieldText", f->child->Text("fieldText").value_or(""));
        }
      }
    }
    k.FinalUrls(false);
  } else if (t.empty() || t == "Ad") {
    k.Add("AdError", "INVALID_AD_TYPE", "", std::string(t));
  } else {
    k.FinalUrls(false);
  }
  // Paths of errors on the ad itself end in "ad." when the field is empty: trim it.
  for (auto& e : k.errors) {
    if (!e.field_path.empty() && e.field_path.back() == '.') e.field_path.pop_back();
  }
  return k.errors;
}

// "ExpandedTextAd" -> "EXPANDED_TEXT_AD" when that is a value of Ad.Type, else UNKNOWN.
std::string AdTypeValue(const OpCtx& c, std::string_view type) {
  std::string out;
  for (size_t i = 0; i < type.size(); ++i) {
    unsigned char ch = type[i];
    if (i > 0 && std::isupper(ch)) out += '_';
    out += static_cast<char>(std::toupper(ch));
  }
  if (const schema::TypeDef* def = c.registry() ? c.registry()->Find("Ad.Type") : nullptr) {
    for (const auto& v : def->enum_values) {
      if (v == out) return out;
    }
    return "UNKNOWN";
  }
  return out;
}

Entity ToEntity(int64_t id, int64_t ad_group, model::Node node) {
  Entity e;
  e.kind = Kind::kAd;
  e.id = id;
  e.parent_id = ad_group;
  e.status = std::string(node.Text("status").value_or("ENABLED"));
  if (e.status == "DISABLED") e.status = "REMOVED";
  e.node = std::move(node);
  return e;
}

Result<model::Node> Add(OpCtx& c) {
  const model::Node& in = c.operand;
  const model::Node* up_ad = c.uploaded_operand ? c.uploaded_operand->Child("ad") : nullptr;
  BG_ASSIGN_OR_RETURN(std::optional<int64_t> temp, NewTempId(c, Kind::kAd, up_ad, "id", "ad.id"));
  BG_ASSIGN_OR_RETURN(Entity ad_group,
                      ResolveField(c, Kind::kAdGroup, &in, "adGroupId", "adGroupId"));
  const model::Node* ad = in.Child("ad");
  if (ad == nullptr) return Required(c, "ad");
  std::vector<ApiError> errors = CheckAd(c, *ad);
  if (!errors.empty()) return Status(std::move(errors));
  std::string_view status = in.Text("status").value_or("ENABLED");
  if (status == "DISABLED") {
    return ApiErr("AdGroupAdError", "CANNOT_OPERATE_ON_REMOVED_ADGROUPAD", c.Path("status"));
  }

  BG_ASSIGN_OR_RETURN(int64_t id, c.t.NextId(Kind::kAd));
  model::Node n = in;
  n.SetInt("adGroupId", ad_group.id);
  n.Set("status", std::string(status));
  model::Node* out_ad = n.Child("ad");
  out_ad->SetInt("id", id);
  out_ad->Set("type", AdTypeValue(c, ad->type()));
  // Review fields: v201702 reports approvalStatus and the policy summary, v201809 only the
  // summary (the result writer drops fields a version does not have).
  n.Set("approvalStatus", "UNCHECKED");
  n.Set("trademarkDisapproved", "false");
  model::Node policy("AdGroupAdPolicySummary");
  policy.Set("reviewState", "REVIEW_IN_PROGRESS");
  policy.Set("combinedApprovalStatus", "UNDER_REVIEW");
  n.SetChild("policySummary", std::move(policy));
  Entity e = ToEntity(id, ad_group.id, n);
  BG_RETURN_IF_ERROR(c.t.Save(e));
  BG_RETURN_IF_ERROR(DefineTemp(c, Kind::kAd, temp, id));
  return n;
}

Result<Entity> Existing(OpCtx& c) {
  const model::Node& in = c.operand;
  BG_ASSIGN_OR_RETURN(Entity ad_group,
                      ResolveField(c, Kind::kAdGroup, &in, "adGroupId", "adGroupId"));
  BG_ASSIGN_OR_RETURN(int64_t ad_ref, RequiredId(c, in.Child("ad"), "id", "ad.id"));
  BG_ASSIGN_OR_RETURN(Entity e, Resolve(c, Kind::kAd, ad_ref, "ad.id"));
  if (e.parent_id != ad_group.id) {
    return ApiErr("AdGroupAdError", "AD_NOT_UNDER_ADGROUP", c.Path("ad.id"), std::to_string(e.id));
  }
  if (IsRemoved(e)) {
    return ApiErr("AdGroupAdError", "CANNOT_OPERATE_ON_REMOVED_ADGROUPAD", c.Path("ad.id"));
  }
  return e;
}

Result<model::Node> Set(OpCtx& c) {
  BG_ASSIGN_OR_RETURN(Entity e, Existing(c));
  const model::Node* ad = c.operand.Child("ad");
  for (const auto& f : ad->fields()) {
    if (f.name != "id" && f.name != "type") {
      return ApiErr("AdError", "CANNOT_MODIFY_AD", c.Path("ad." + f.name));
    }
  }
  if (auto status = c.operand.Text("status")) {
    if (*status == "DISABLED") {
      return ApiErr("AdGroupAdError", "UNSUPPORTED_OPERATION", c.Path("status"),
                    std::string(*status));
    }
    e.node.Set("status", std::string(*status));
  }
  Entity updated = ToEntity(e.id, e.parent_id, e.node);
  BG_RETURN_IF_ERROR(c.t.Save(updated));
  return updated.node;
}

Result<model::Node> Remove(OpCtx& c) {
  BG_ASSIGN_OR_RETURN(Entity e, Existing(c));
  e.node.Set("status", "DISABLED");
  Entity updated = ToEntity(e.id, e.parent_id, e.node);
  BG_RETURN_IF_ERROR(c.t.Save(updated));
  return updated.node;
}

}  // namespace

Result<model::Node> ApplyAdGroupAd(OpCtx& c) {
  if (c.op_operator == "ADD") return Add(c);
  if (c.op_operator == "SET") return Set(c);
  if (c.op_operator == "REMOVE") return Remove(c);
  return NotSupported(c);
}

}  // namespace bg::backend::sandbox
