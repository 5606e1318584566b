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

const Registry* Registry::Get(std::string_view version) {
  // Parsed once, on first use, from the schema texts compiled into the binary (C++11 guarantees
  // thread-safe initialisation of function-local statics).
  static const std::map<std::string, Registry, std::less<>> registries = [] {
    std::map<std::string, Registry, std::less<>> out;
    for (const auto& embedded : EmbeddedSchemas()) {
      std::string error;
      auto reg = Parse(embedded.version, embedded.text, &error);
      if (reg) {
        out.emplace(embedded.version, std::move(*reg));
      } else {  // a build defect (the unit tests parse every embedded schema)
        std::fprintf(stderr, "batchgate: embedded schema %s is invalid: %s\n",
                     std::string(embedded.version).c_str(), error.c_str());
      }
    }
    return out;
  }();
  auto it = registries.find(version);
  return it == registries.end() ? nullptr : &it->second;
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
  reg.types_ = std::move(doc->types);
  reg.operation_types_ = std::move(doc->operation_types);
  std::string msg = reg.BuildIndexes();
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
  for (const auto& op : operation_types_) {
    if (!index_.contains(op)) return "operation type " + op + " is not defined";
  }
  // Operand choice element per runtime type: the field whose declared type is the most specific
  // base (or the type itself).
  auto operand = index_.find("Operand");
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

std::string Registry::OperandElementFor(std::string_view operand_type) const {
  auto it = index_.find(operand_type);
  auto operand = index_.find("Operand");
  if (it == index_.end() || operand == index_.end()) return "";
  int f = info_[it->second].operand_field;
  return f < 0 ? "" : types_[operand->second].fields[f].name;
}

}  // namespace bg::schema
