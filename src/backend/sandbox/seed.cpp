#include "backend/sandbox/seed.hpp"

#include <fstream>
#include <pugixml.hpp>
#include <sstream>

#include "backend/sandbox/tables.hpp"
#include "common/xml_writer.hpp"
#include "schema/registry.hpp"

namespace bg::backend::sandbox {
namespace {

constexpr std::string_view kXsi = "http://www.w3.org/2001/XMLSchema-instance";

std::string_view LocalName(std::string_view qname) {
  auto colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

// A field of `type` (model or WSDL-only type, bases included), or nullptr.
const schema::FieldDef* FieldOf(const schema::Registry& r, std::string_view type,
                                std::string_view field) {
  if (const schema::FieldDef* f = r.FindField(type, field)) return f;
  for (const schema::TypeDef* t = r.FindWsdlType(type); t != nullptr;
       t = t->base.empty() ? nullptr : r.FindWsdlType(t->base)) {
    for (const auto& f : t->fields) {
      if (f.name == field) return &f;
    }
  }
  return nullptr;
}

// Base-first fields of `type` (model or WSDL-only).
std::vector<const schema::FieldDef*> FieldsOf(const schema::Registry& r, std::string_view type) {
  if (r.Find(type) != nullptr) return r.AllFields(type);
  std::vector<const schema::TypeDef*> chain;
  for (const schema::TypeDef* t = r.FindWsdlType(type); t != nullptr;
       t = t->base.empty() ? nullptr : r.FindWsdlType(t->base)) {
    chain.insert(chain.begin(), t);
  }
  std::vector<const schema::FieldDef*> out;
  for (const auto* t : chain) {
    for (const auto& f : t->fields) out.push_back(&f);
  }
  return out;
}

bool IsComplexType(const schema::Registry& r, std::string_view type) {
  if (r.IsComplex(type)) return true;
  const schema::TypeDef* t = r.FindWsdlType(type);
  return t != nullptr && t->kind == schema::Kind::kComplex;
}

model::Node ParseNode(const schema::Registry& r, const pugi::xml_node& el,
                      std::string_view declared) {
  std::string type(declared);
  for (const auto& a : el.attributes()) {
    if (LocalName(a.name()) == "type" &&
        std::string_view(a.name()).find(':') != std::string_view::npos) {
      type = std::string(LocalName(a.value()));
    }
  }
  model::Node n(type);
  for (const auto& child : el.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string name(LocalName(child.name()));
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".Type") == 0) continue;  // marker
    const schema::FieldDef* f = FieldOf(r, type, name);
    bool complex = child.first_child().type() == pugi::node_element ||
                   (f != nullptr && IsComplexType(r, f->type));
    if (complex) {
      n.AddChild(name, ParseNode(r, child, f ? std::string_view(f->type) : std::string_view(name)));
    } else {
      n.Add(name, child.child_value());
    }
  }
  return n;
}

int64_t IdAt(const model::Node& n, std::string_view path) {
  const model::Node* cur = &n;
  while (true) {
    auto dot = path.find('.');
    if (dot == std::string_view::npos) return cur->Int(path).value_or(0);
    cur = cur->Child(path.substr(0, dot));
    if (cur == nullptr) return 0;
    path.remove_prefix(dot + 1);
  }
}

int64_t FeedTypeKey(const schema::Registry& r, std::string_view t) {
  const schema::TypeDef* def = r.Find("Feed.Type");
  if (def == nullptr) return 0;
  for (size_t i = 0; i < def->enum_values.size(); ++i) {
    if (def->enum_values[i] == t) return static_cast<int64_t>(i);
  }
  return 0;
}

// How each seedable element maps onto a table row (tables.hpp).
struct Mapping {
  std::string_view element;
  Kind kind;
  std::string_view id, scope, parent;  // paths of long fields ("" = 0 / the scope)
  std::string_view name;               // field holding the unique name ("" = none)
  std::string_view status;             // status field ("" = ENABLED)
};

constexpr Mapping kMappings[] = {
    {"Label", Kind::kLabel, "id", "", "", "name", "status"},
    {"Feed", Kind::kFeed, "id", "", "", "name", "status"},
    {"Budget", Kind::kBudget, "budgetId", "", "", "name", "status"},
    {"Campaign", Kind::kCampaign, "id", "", "budget.budgetId", "name", "status"},
    {"AdGroup", Kind::kAdGroup, "id", "", "campaignId", "name", "status"},
    {"AdGroupCriterion", Kind::kCriterion, "criterion.id", "adGroupId", "adGroupId",
     "criterion.text", "userStatus"},
    {"AdGroupAd", Kind::kAd, "ad.id", "", "adGroupId", "", "status"},
    {"CampaignCriterion", Kind::kCampaignCriterion, "criterion.id", "campaignId", "campaignId",
     "criterion.text", "campaignCriterionStatus"},
    {"AdGroupBidModifier", Kind::kBidModifier, "criterion.id", "adGroupId", "adGroupId", "", ""},
    {"FeedItem", Kind::kFeedItem, "feedItemId", "", "feedId", "", "status"},
    {"CampaignExtensionSetting", Kind::kCampaignExt, "", "campaignId", "campaignId", "", ""},
    {"AdGroupExtensionSetting", Kind::kAdGroupExt, "", "adGroupId", "adGroupId", "", ""},
    {"CustomerExtensionSetting", Kind::kCustomerExt, "", "", "", "", ""},
    {"CampaignLabel", Kind::kCampaignLabel, "labelId", "campaignId", "campaignId", "", ""},
    {"AdGroupLabel", Kind::kAdGroupLabel, "labelId", "adGroupId", "adGroupId", "", ""},
    {"AdGroupAdLabel", Kind::kAdLabel, "labelId", "adId", "adGroupId", "", ""},
    {"AdGroupCriterionLabel", Kind::kCriterionLabel, "labelId", "criterionId", "adGroupId", "", ""},
    {"SharedSet", Kind::kSharedSet, "sharedSetId", "", "", "name", "status"},
    {"SharedCriterion", Kind::kSharedCriterion, "criterion.id", "sharedSetId", "sharedSetId",
     "criterion.text", ""},
    {"CampaignSharedSet", Kind::kCampaignSharedSet, "sharedSetId", "campaignId", "campaignId", "",
     "status"},
};

const Mapping* ForElement(std::string_view e) {
  for (const auto& m : kMappings) {
    if (m.element == e) return &m;
  }
  return nullptr;
}
const Mapping* ForKind(Kind k) {
  for (const auto& m : kMappings) {
    if (m.kind == k) return &m;
  }
  return nullptr;
}

std::string TextAt(const model::Node& n, std::string_view path) {
  const model::Node* cur = &n;
  auto dot = path.find('.');
  if (dot != std::string_view::npos) {
    cur = n.Child(path.substr(0, dot));
    path.remove_prefix(dot + 1);
  }
  return cur ? std::string(cur->Text(path).value_or("")) : std::string();
}

Result<Entity> ToEntity(const schema::Registry& r, const Mapping& m, model::Node node,
                        const std::string& where) {
  Entity e;
  e.kind = m.kind;
  e.scope = m.scope.empty() ? 0 : IdAt(node, m.scope);
  e.id = m.id.empty() ? FeedTypeKey(r, node.Text("extensionType").value_or("")) : IdAt(node, m.id);
  e.parent_id = m.parent.empty() ? 0 : IdAt(node, m.parent);
  if ((!m.id.empty() && e.id <= 0) || (!m.scope.empty() && e.scope <= 0)) {
    return InvalidArgument(where + ": <" + std::string(m.element) + "> needs its real ids (" +
                           std::string(m.id) + (m.scope.empty() ? "" : ", ") +
                           std::string(m.scope) + ")");
  }
  if (!m.name.empty()) e.name = TextAt(node, m.name);
  if (m.kind == Kind::kBudget &&
      node.Text("isExplicitlyShared") == std::optional<std::string_view>("false")) {
    e.name.clear();
  }
  e.status = m.status.empty() ? "ENABLED" : TextAt(node, m.status);
  if (e.status.empty()) e.status = m.kind == Kind::kCampaignCriterion ? "ACTIVE" : "ENABLED";
  if (m.kind == Kind::kAd && e.status == "DISABLED") e.status = "REMOVED";
  e.node = std::move(node);
  return e;
}

}  // namespace

Result<int> SeedText(sqlite::Db& db, std::string_view xml, const std::string& source) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default & ~pugi::parse_doctype);
  if (!parsed) return InvalidArgument(source + ": " + parsed.description());
  pugi::xml_node root = doc.document_element();
  std::string version = "v201809";
  for (const auto& a : root.attributes()) {
    std::string_view v = a.value();
    if (std::string_view(a.name()).rfind("xmlns", 0) == 0 && v.find("/api/adwords/cm/") != v.npos) {
      version = std::string(v.substr(v.rfind('/') + 1));
    }
  }
  const schema::Registry* r = schema::Registry::Get(version);
  if (r == nullptr) return InvalidArgument(source + ": unknown API version " + version);
  std::vector<pugi::xml_node> accounts;
  if (LocalName(root.name()) == "account") {
    accounts.push_back(root);
  } else if (LocalName(root.name()) == "accounts") {
    for (const auto& a : root.children()) {
      if (a.type() == pugi::node_element) accounts.push_back(a);
    }
  } else {
    return InvalidArgument(source + ": the root element must be <accounts> or <account>");
  }
  sqlite::Txn txn(db);
  BG_RETURN_IF_ERROR(txn.status());
  BG_RETURN_IF_ERROR(CreateTables(db));
  int count = 0;
  for (const auto& account : accounts) {
    std::string customer;
    for (char ch : std::string_view(account.attribute("customerId").value())) {
      if (ch >= '0' && ch <= '9') customer.push_back(ch);
    }
    if (LocalName(account.name()) != "account" || customer.empty()) {
      return InvalidArgument(source + ": expected <account customerId=\"...\">");
    }
    Tables t(db, customer, 0);
    for (const auto& el : account.children()) {
      if (el.type() != pugi::node_element) continue;
      std::string_view name = LocalName(el.name());
      const Mapping* m = ForElement(name);
      if (m == nullptr) {
        return InvalidArgument(source + ": <" + std::string(name) + "> cannot be seeded");
      }
      model::Node node = ParseNode(*r, el, name);
      BG_ASSIGN_OR_RETURN(Entity e, ToEntity(*r, *m, std::move(node), source));
      BG_RETURN_IF_ERROR(t.Save(e));
      Kind seq = e.kind;
      if (e.kind == Kind::kCampaignCriterion || e.kind == Kind::kSharedCriterion)
        seq = Kind::kCriterion;
      BG_RETURN_IF_ERROR(t.ReserveId(seq, e.id));
      ++count;
    }
  }
  BG_RETURN_IF_ERROR(txn.Commit());
  return count;
}

Result<int> SeedFile(sqlite::Db& db, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read seed file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return SeedText(db, ss.str(), path);
}

namespace {

void WriteNode(const schema::Registry& r, xml::XmlWriter& w, std::string_view name,
               std::string_view declared, const model::Node& n) {
  w.Start(name);
  if (!n.type().empty() && n.type() != declared) w.Attribute("xsi:type", n.type());
  std::vector<bool> done(n.fields().size(), false);
  auto emit = [&](size_t i) {
    const model::Field& f = n.fields()[i];
    done[i] = true;
    if (f.child) {
      const schema::FieldDef* def = FieldOf(r, n.type(), f.name);
      WriteNode(r, w, f.name, def ? std::string_view(def->type) : std::string_view(f.child->type()),
                *f.child);
    } else {
      w.Leaf(f.name, f.text);
    }
  };
  for (const schema::FieldDef* def : FieldsOf(r, n.type())) {
    for (size_t i = 0; i < n.fields().size(); ++i) {
      if (!done[i] && n.fields()[i].name == def->name) emit(i);
    }
  }
  for (size_t i = 0; i < n.fields().size(); ++i) {
    if (!done[i]) emit(i);
  }
  w.End();
}

}  // namespace

Result<std::string> DumpAccount(sqlite::Db& db, const std::string& customer_id,
                                std::string_view version) {
  const schema::Registry* r = schema::Registry::Get(version);
  if (r == nullptr) return InvalidArgument("unknown API version " + std::string(version));
  std::string customer;
  for (char ch : customer_id) {
    if (ch >= '0' && ch <= '9') customer.push_back(ch);
  }
  sqlite::Txn txn(db);
  BG_RETURN_IF_ERROR(txn.status());
  BG_RETURN_IF_ERROR(CreateTables(db));
  Tables t(db, customer, 0);
  std::string out;
  xml::XmlWriter w(&out);
  w.Declaration();
  w.Raw("\n");
  w.Start("accounts");
  w.Attribute("xmlns", r->ns());
  w.Attribute("xmlns:xsi", kXsi);
  w.Raw("\n");
  w.Start("account");
  w.Attribute("customerId", customer);
  int count = 0;
  for (Kind k : kAllKinds) {
    const Mapping* m = ForKind(k);
    if (m == nullptr) continue;
    BG_ASSIGN_OR_RETURN(std::vector<Entity> all, t.List(k));
    for (const Entity& e : all) {
      w.Raw("\n  ");
      WriteNode(*r, w, m->element, m->element, e.node);
      ++count;
    }
  }
  w.Raw("\n");
  w.End();
  w.Raw("\n");
  w.End();
  w.Raw("\n");
  if (count == 0) return NotFound("no sandbox account " + customer);
  return out;
}

}  // namespace bg::backend::sandbox
