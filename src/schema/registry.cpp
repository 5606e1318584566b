#include "schema/registry.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "schema/embedded_schemas.hpp"
#include "schema/schema_text.hpp"

namespace bg::schema {
namespace {

bool Contains(const std::vector<std::string>& ops, std::string_view op) {
  return std::find(ops.begin(), ops.end(), op) != ops.end();
}

}  // namespace

bool FieldDef::RequiredFor(std::string_view op) const {
  return required_all || Contains(required_for, op);
}

bool FieldDef::ReadOnlyFor(std::string_view op) const {
  return read_only_all || Contains(read_only_for, op);
}

namespace {

using RegistryMap = std::map<std::string, Registry, std::less<>>;

// Parsed once, on first use, from the schema texts compiled into the binary (C++11 guarantees
// thread-safe initialisation of function-local statics).
const RegistryMap& Registries() {
  static const RegistryMap registries = [] {
    RegistryMap out;
    for (const auto& embedded : EmbeddedSchemas()) {
      std::string error;
      auto reg = Registry::Parse(embedded.version, embedded.text, &error);
      if (reg) {
        out.emplace(embedded.version, std::move(*reg));
      } else {  // a build defect (the unit tests parse every embedded schema)
        std::fprintf(stderr, "batchgate: embedded schema %s is invalid: %s\n",
                     std::string(embedded.version).c_str(), error.c_str());
      }
    }
    return out;
  }();
  return registries;
}

}  // namespace

const Registry* Registry::Get(std::string_view version) {
  const RegistryMap& registries = Registries();
  auto it = registries.find(version);
  return it == registries.end() ? nullptr : &it->second;
}

const std::vector<std::string>& Registry::Versions() {
  static const std::vector<std::string> versions = [] {
    std::vector<std::string> out;
    for (const auto& [version, registry] : Registries()) out.push_back(version);
    return out;  // sorted: the map's order
  }();
  return versions;
}

std::optional<Registry> Registry::Parse(std::string_view version, std::string_view text,
                                        std::string* error) {
  auto set_error = [error](std::string msg) {
    if (error) *error = std::move(msg);
  };
  auto doc = ParseSchemaText(text);
  if (!doc.ok()) {
    set_error(doc.status().message());
    return std::nullopt;
  }
  if (doc->version != version) {
    set_error("schema text is for version '" + doc->version + "', not '" + std::string(version) +
              "'");
    return std::nullopt;
  }
  Registry reg;
  reg.version_ = std::move(doc->version);
  reg.ns_ = doc->ns.empty() ? "https://adwords.google.com/api/adwords/cm/" + reg.version_
                            : std::move(doc->ns);
  for (auto& t : doc->types) (t.wsdl_only ? reg.wsdl_types_ : reg.types_).push_back(std::move(t));
  reg.operation_types_ = std::move(doc->operation_types);
  reg.services_ = std::move(doc->services);
  std::sort(reg.services_.begin(), reg.services_.end(),
            [](const ServiceDef& a, const ServiceDef& b) { return a.name < b.name; });
  std::string msg = reg.BuildIndexes();
  if (msg.empty()) msg = reg.BuildServiceIndexes();
  if (!msg.empty()) {
    set_error(std::move(msg));
    return std::nullopt;
  }
  return reg;
}

std::string Registry::BuildIndexes() {
  index_.clear();
  index_.reserve(types_.size());
  for (uint32_t i = 0; i < types_.size(); ++i) {
    if (!index_.emplace(types_[i].name, i).second) return "duplicate type " + types_[i].name;
  }
  info_.assign(types_.size(), TypeInfo{});
  for (uint32_t i = 0; i < types_.size(); ++i) {
    const TypeDef& t = types_[i];
    if (t.kind != Kind::kComplex || t.base.empty()) continue;
    auto it = index_.find(t.base);
    if (it == index_.end()) return "type " + t.name + " extends unknown type " + t.base;
    info_[i].base = static_cast<int>(it->second);
  }
  // Depth and base-first field lists; a cycle would never end, so bound the walk.
  for (uint32_t i = 0; i < types_.size(); ++i) {
    std::vector<uint32_t> chain;  // this type first, root last
    for (int cur = static_cast<int>(i); cur >= 0; cur = info_[cur].base) {
      if (chain.size() > types_.size()) return "inheritance cycle at type " + types_[i].name;
      chain.push_back(static_cast<uint32_t>(cur));
    }
    TypeInfo& info = info_[i];
    info.depth = static_cast<int>(chain.size()) - 1;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      const TypeDef& owner = types_[*it];
      for (uint32_t f = 0; f < owner.fields.size(); ++f) {
        FieldRef ref{*it, f};
        info.all_fields.push_back(ref);
        // A redeclared name resolves to the most derived declaration.
        info.field_index.insert_or_assign(owner.fields[f].name, ref);
        if (owner.fields[f].is_marker) info.marker = ref;  // the nearest one wins
      }
    }
  }
  for (TypeInfo& info : info_) {
    for (const FieldRef& ref : info.all_fields) {
      auto type = index_.find(At(ref).type);
      info.all_types.push_back(type == index_.end() ? -1 : static_cast<int32_t>(type->second));
    }
  }
  for (const auto& op : operation_types_) {
    if (!index_.contains(op)) return "operation type " + op + " is not defined";
  }
  // Operand choice element per runtime type: the field whose declared type is the most specific
  // base (or the type itself).
  auto operand = index_.find("Operand");
  operand_type_ = operand == index_.end() ? -1 : static_cast<int>(operand->second);
  auto op_enum = index_.find("Operator");
  operator_type_ = op_enum == index_.end() ? -1 : static_cast<int>(op_enum->second);
  if (operand != index_.end()) {
    const TypeDef& choice = types_[operand->second];
    for (uint32_t i = 0; i < types_.size(); ++i) {
      int best = -1, best_depth = -1;
      for (uint32_t f = 0; f < choice.fields.size(); ++f) {
        auto declared = index_.find(choice.fields[f].type);
        if (declared == index_.end()) continue;
        int d = info_[declared->second].depth;
        if (d > best_depth && IsSubtypeOf(types_[i].name, choice.fields[f].type)) {
          best = static_cast<int>(f);
          best_depth = d;
        }
      }
      info_[i].operand_field = best;
    }
  }
  return "";
}

std::string Registry::BuildServiceIndexes() {
  wsdl_index_.clear();
  for (uint32_t i = 0; i < wsdl_types_.size(); ++i) {
    if (index_.contains(wsdl_types_[i].name) ||
        !wsdl_index_.emplace(wsdl_types_[i].name, i).second) {
      return "duplicate type " + wsdl_types_[i].name;
    }
  }
  for (size_t i = 1; i < services_.size(); ++i) {
    if (services_[i].name == services_[i - 1].name) return "duplicate service " + services_[i].name;
  }
  // Each service WSDL is closed: every type it refers to is one it defines, or an XSD built-in
  // (a name the registry does not know).
  for (const auto& service : services_) {
    std::unordered_map<std::string_view, bool> listed;
    for (const auto& name : service.types) {
      if (!FindWsdlType(name)) return "service " + service.name + ": unknown type " + name;
      if (!listed.emplace(name, true).second) {
        return "service " + service.name + ": type " + name + " listed twice";
      }
    }
    auto check = [&](std::string_view type, std::string_view where) -> std::string {
      if (type.empty() || listed.contains(type) || !FindWsdlType(type)) return "";
      return "service " + service.name + ": " + std::string(where) + " refers to type " +
             std::string(type) + " it does not list";
    };
    for (const auto& name : service.types) {
      const TypeDef* t = FindWsdlType(name);
      std::string msg = t->kind == Kind::kComplex ? check(t->base, name) : "";
      for (const auto& f : t->fields) {
        if (msg.empty()) msg = check(f.type, name + "." + f.name);
      }
      if (!msg.empty()) return msg;
    }
    for (const auto& e : service.elements) {
      std::string msg = check(e.type, "element " + e.name);
      for (const auto& f : e.fields) {
        if (msg.empty()) msg = check(f.type, "element " + e.name + "." + f.name);
      }
      if (!msg.empty()) return msg;
    }
    for (const auto& op : service.operations) {
      if (!service.FindElement(op) || !service.FindElement(op + "Response")) {
        return "service " + service.name + ": operation " + op + " lacks its elements";
      }
    }
    if (!service.operations.empty() && !service.FindElement("ApiExceptionFault")) {
      return "service " + service.name + ": no ApiExceptionFault element";
    }
  }
  return "";
}

const WsdlElement* ServiceDef::FindElement(std::string_view element) const {
  for (const auto& e : elements) {
    if (e.name == element) return &e;
  }
  return nullptr;
}

const ServiceDef* Registry::FindService(std::string_view service) const {
  auto it = std::lower_bound(services_.begin(), services_.end(), service,
                             [](const ServiceDef& s, std::string_view n) { return s.name < n; });
  return it != services_.end() && it->name == service ? &*it : nullptr;
}

const TypeDef* Registry::FindWsdlType(std::string_view type) const {
  if (const TypeDef* t = Find(type)) return t;
  auto it = wsdl_index_.find(type);
  return it == wsdl_index_.end() ? nullptr : &wsdl_types_[it->second];
}

const Registry::TypeInfo* Registry::Info(std::string_view type) const {
  auto it = index_.find(type);
  return it == index_.end() ? nullptr : &info_[it->second];
}

const TypeDef* Registry::Find(std::string_view type) const {
  auto it = index_.find(type);
  return it == index_.end() ? nullptr : &types_[it->second];
}

std::vector<const FieldDef*> Registry::AllFields(std::string_view type) const {
  std::vector<const FieldDef*> out;
  if (const TypeInfo* info = Info(type)) {
    out.reserve(info->all_fields.size());
    for (const auto& ref : info->all_fields) out.push_back(&At(ref));
  }
  return out;
}

const FieldDef* Registry::FindField(std::string_view type, std::string_view field) const {
  const TypeInfo* info = Info(type);
  if (!info) return nullptr;
  auto it = info->field_index.find(field);
  return it == info->field_index.end() ? nullptr : &At(it->second);
}

bool Registry::IsSubtypeOf(std::string_view type, std::string_view base) const {
  auto it = index_.find(type);
  if (it == index_.end()) return type == base;
  for (int cur = static_cast<int>(it->second); cur >= 0; cur = info_[cur].base) {
    if (types_[cur].name == base) return true;
  }
  return false;
}

const FieldDef* Registry::MarkerField(std::string_view type) const {
  const TypeInfo* info = Info(type);
  return info && info->marker ? &At(*info->marker) : nullptr;
}

bool Registry::IsEnum(std::string_view type) const {
  const TypeDef* t = Find(type);
  return t && t->kind == Kind::kEnum;
}

bool Registry::IsComplex(std::string_view type) const {
  const TypeDef* t = Find(type);
  return t && t->kind == Kind::kComplex;
}

const FieldDef* Registry::OperandChoice(std::string_view operand_type) const {
  auto it = index_.find(operand_type);
  if (it == index_.end() || operand_type_ < 0) return nullptr;
  int f = info_[it->second].operand_field;
  return f < 0 ? nullptr : &types_[operand_type_].fields[f];
}

const FieldDef* Registry::OperandElement(std::string_view element) const {
  if (operand_type_ < 0) return nullptr;
  const auto& index = info_[operand_type_].field_index;
  auto it = index.find(element);
  return it == index.end() ? nullptr : &At(it->second);
}

std::string Registry::OperandElementFor(std::string_view operand_type) const {
  const FieldDef* choice = OperandChoice(operand_type);
  return choice ? choice->name : "";
}

}  // namespace bg::schema
