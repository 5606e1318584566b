#include "schema/wsdl_import.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <pugixml.hpp>

#include "schema/wsdl_constraints.hpp"

namespace bg::schema {
namespace {

namespace fs = std::filesystem;

std::string_view LocalName(std::string_view qname) {
  size_t colon = qname.rfind(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

bool Is(const pugi::xml_node& n, std::string_view local) { return LocalName(n.name()) == local; }

// The entity-decoded text of <annotation><documentation> under `node`.
std::string Documentation(const pugi::xml_node& node) {
  std::string out;
  for (auto ann : node.children()) {
    if (!Is(ann, "annotation")) continue;
    for (auto doc : ann.children()) {
      if (!Is(doc, "documentation")) continue;
      for (auto text : doc.children()) out += text.value();
    }
  }
  return out;
}

struct Ctx {
  std::string file;
  Status Error(const std::string& what) const { return InvalidArgument(file + ": " + what); }
};

Result<FieldDef> ReadElement(const Ctx& ctx, const pugi::xml_node& el) {
  FieldDef f;
  f.name = el.attribute("name").value();
  f.type = std::string(LocalName(el.attribute("type").value()));
  if (f.name.empty() || f.type.empty()) {
    return ctx.Error("element without name or type (ref/anonymous types are not supported)");
  }
  std::string min = el.attribute("minOccurs").as_string("1");
  std::string max = el.attribute("maxOccurs").as_string("1");
  f.min_occurs = std::atoi(min.c_str());
  f.repeated = max == "unbounded" || std::atoi(max.c_str()) > 1;
  f.is_marker = f.name.find('.') != std::string::npos && f.name.ends_with(".Type");
  Status st = ApplyFieldConstraints(ExtractConstraints(Documentation(el)), &f);
  if (!st.ok()) return ctx.Error("field " + f.name + ": " + st.message());
  return f;
}

// Appends the <element>s of a <sequence> or <choice>.
Status ReadParticles(const Ctx& ctx, const pugi::xml_node& group, TypeDef* t) {
  for (auto child : group.children()) {
    if (child.type() != pugi::node_element || Is(child, "annotation")) continue;
    if (!Is(child, "element")) {
      return ctx.Error("type " + t->name + ": unsupported particle <" + child.name() + ">");
    }
    BG_ASSIGN_OR_RETURN(FieldDef f, ReadElement(ctx, child));
    t->fields.push_back(std::move(f));
  }
  return Status::Ok();
}

// Content of a complexType or of its <extension>: one <sequence> or <choice>, or nothing.
Status ReadContent(const Ctx& ctx, const pugi::xml_node& parent, TypeDef* t) {
  for (auto child : parent.children()) {
    if (child.type() != pugi::node_element || Is(child, "annotation")) continue;
    if (Is(child, "sequence") || Is(child, "choice")) {
      if (Is(child, "choice")) t->is_choice = true;
      BG_RETURN_IF_ERROR(ReadParticles(ctx, child, t));
    } else if (Is(child, "complexContent")) {
      pugi::xml_node ext;
      for (auto c : child.children()) {
        if (Is(c, "extension")) ext = c;
      }
      if (!ext) return ctx.Error("type " + t->name + ": complexContent without <extension>");
      t->base = std::string(LocalName(ext.attribute("base").value()));
      BG_RETURN_IF_ERROR(ReadContent(ctx, ext, t));
    } else {
      return ctx.Error("type " + t->name + ": unsupported <" + child.name() + ">");
    }
  }
  return Status::Ok();
}

Result<TypeDef> ReadComplexType(const Ctx& ctx, const pugi::xml_node& node) {
  TypeDef t;
  t.name = node.attribute("name").value();
  t.kind = Kind::kComplex;
  t.abstract = node.attribute("abstract").as_bool(false);
  BG_RETURN_IF_ERROR(ReadContent(ctx, node, &t));
  return t;
}

Result<TypeDef> ReadSimpleType(const Ctx& ctx, const pugi::xml_node& node) {
  TypeDef t;
  t.name = node.attribute("name").value();
  pugi::xml_node restriction;
  for (auto c : node.children()) {
    if (Is(c, "restriction")) restriction = c;
  }
  if (!restriction) return ctx.Error("simpleType " + t.name + " without <restriction>");
  t.base = std::string(LocalName(restriction.attribute("base").value()));
  for (auto c : restriction.children()) {
    if (Is(c, "enumeration")) {
      t.enum_values.emplace_back(c.attribute("value").value());
    } else if (c.type() == pugi::node_element && !Is(c, "annotation")) {
      return ctx.Error("simpleType " + t.name + ": unsupported facet <" + c.name() + ">");
    }
  }
  t.kind = t.enum_values.empty() ? Kind::kSimple : Kind::kEnum;
  return t;
}

struct Loaded {
  pugi::xml_document doc;
  pugi::xml_node schema;
  std::string ns;
};

Status Load(const Ctx& ctx, Loaded* out) {
  // pugixml never reads DTDs or expands custom entities.
  pugi::xml_parse_result r = out->doc.load_file(ctx.file.c_str(), pugi::parse_default);
  if (!r) return ctx.Error(std::string("not readable as XML: ") + r.description());
  pugi::xml_node defs = out->doc.document_element();
  for (auto types : defs.children()) {
    if (!Is(types, "types")) continue;
    for (auto schema : types.children()) {
      if (!Is(schema, "schema")) continue;
      if (out->schema) return ctx.Error("more than one <schema>");
      out->schema = schema;
    }
  }
  if (!out->schema) return ctx.Error("no <types>/<schema>");
  out->ns = out->schema.attribute("targetNamespace").value();
  if (out->ns.empty()) return ctx.Error("schema without targetNamespace");
  return Status::Ok();
}

// SupportedOperators of the `operations` child of each global mutate element, by operation type.
Status ReadSupportedOperators(const Ctx& ctx, const pugi::xml_node& schema,
                              std::map<std::string, std::vector<std::string>>* out) {
  for (auto el : schema.children()) {
    if (!Is(el, "element")) continue;
    for (auto ops : el.select_nodes(".//*[local-name()='element'][@name='operations']")) {
      pugi::xml_node node = ops.node();
      std::string type(LocalName(node.attribute("type").value()));
      auto supported = SupportedOperators(ExtractConstraints(Documentation(node)));
      if (!supported.ok()) return ctx.Error(supported.status().message());
      if (supported->empty()) continue;
      auto [it, inserted] = out->emplace(type, *supported);
      if (!inserted && it->second != *supported) {
        return ctx.Error("conflicting SupportedOperators for " + type);
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<WsdlImportInputs> ClassifyWsdlPaths(const std::vector<std::string>& paths) {
  WsdlImportInputs in;
  auto add = [&in](const fs::path& p) {
    std::string name = p.filename().string();
    (name.starts_with("BatchJob") ? in.type_wsdls : in.service_wsdls).push_back(p.string());
  };
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(p, ec)) {
        if (e.path().extension() == ".wsdl") files.push_back(e.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) add(f);
    } else if (fs::is_regular_file(p, ec)) {
      add(p);
    } else {
      return InvalidArgument("no such WSDL file or directory: " + p);
    }
  }
  if (in.type_wsdls.empty()) return InvalidArgument("no BatchJob*.wsdl among the inputs");
  return in;
}

Result<SchemaDoc> ImportWsdlDoc(const WsdlImportInputs& inputs) {
  std::map<std::string, TypeDef> types;
  std::map<std::string, std::string> origin;  // type -> file, for conflict messages
  std::map<std::string, std::vector<std::string>> supported;
  std::string ns;
  auto check_ns = [&ns](const Ctx& ctx, const std::string& file_ns) -> Status {
    if (ns.empty()) ns = file_ns;
    if (file_ns != ns) return ctx.Error("namespace " + file_ns + " differs from " + ns);
    return Status::Ok();
  };
  for (const auto& file : inputs.type_wsdls) {
    Ctx ctx{file};
    Loaded loaded;
    BG_RETURN_IF_ERROR(Load(ctx, &loaded));
    BG_RETURN_IF_ERROR(check_ns(ctx, loaded.ns));
    for (auto node : loaded.schema.children()) {
      std::optional<TypeDef> t;
      if (Is(node, "complexType")) {
        BG_ASSIGN_OR_RETURN(t, ReadComplexType(ctx, node));
      } else if (Is(node, "simpleType")) {
        BG_ASSIGN_OR_RETURN(t, ReadSimpleType(ctx, node));
      } else {
        continue;  // global elements (service wrappers) and annotations
      }
      if (t->name.empty()) return ctx.Error("unnamed global type");
      auto it = types.find(t->name);
      if (it == types.end()) {
        origin[t->name] = file;
        types.emplace(t->name, std::move(*t));
        continue;
      }
      SchemaDoc a, b;  // same name in two files: the facts must agree
      a.types.push_back(it->second);
      b.types.push_back(*t);
      if (FormatSchemaText(a) != FormatSchemaText(b)) {
        return ctx.Error("type " + t->name + " differs from its definition in " + origin[t->name]);
      }
    }
    BG_RETURN_IF_ERROR(ReadSupportedOperators(ctx, loaded.schema, &supported));
  }
  for (const auto& file : inputs.service_wsdls) {
    Ctx ctx{file};
    Loaded loaded;
    BG_RETURN_IF_ERROR(Load(ctx, &loaded));
    BG_RETURN_IF_ERROR(check_ns(ctx, loaded.ns));
    BG_RETURN_IF_ERROR(ReadSupportedOperators(ctx, loaded.schema, &supported));
  }

  SchemaDoc doc;
  doc.ns = ns;
  doc.version = ns.substr(ns.rfind('/') + 1);
  for (auto& [name, t] : types) {
    if (t.kind == Kind::kComplex && t.base == "Operation") {
      if (auto it = supported.find(name); it != supported.end()) t.supported_operators = it->second;
      if (name.ends_with("Operation") && name != "BatchJobOperation") {
        doc.operation_types.push_back(name);
      }
    }
    doc.types.push_back(std::move(t));
  }
  return doc;
}

Result<std::string> ImportWsdl(const WsdlImportInputs& inputs) {
  BG_ASSIGN_OR_RETURN(SchemaDoc doc, ImportWsdlDoc(inputs));
  return FormatSchemaText(doc);
}

Result<std::string> ImportWsdl(const std::vector<std::string>& wsdl_paths) {
  BG_ASSIGN_OR_RETURN(WsdlImportInputs inputs, ClassifyWsdlPaths(wsdl_paths));
  return ImportWsdl(inputs);
}

int RunSchemaImport(const std::vector<std::string>& wsdls, const std::string& out_file) {
  auto text = ImportWsdl(wsdls);
  if (!text.ok()) {
    std::cerr << "schema import: " << text.status().message() << "\n";
    return 1;
  }
  auto doc = ParseSchemaText(*text);
  std::string error;
  if (!doc.ok() || !Registry::Parse(doc->version, *text, &error)) {
    std::cerr << "schema import: the result does not load: "
              << (doc.ok() ? error : doc.status().message()) << "\n";
    return 1;
  }
  if (out_file == "-") {
    std::cout << *text;
    return std::cout.good() ? 0 : 1;
  }
  std::ofstream out(out_file, std::ios::binary | std::ios::trunc);
  out << *text;
  out.close();
  if (!out) {
    std::cerr << "schema import: cannot write " << out_file << "\n";
    return 1;
  }
  std::cerr << "schema import: " << doc->types.size() << " types, " << doc->operation_types.size()
            << " operation types -> " << out_file << "\n";
  return 0;
}

}  // namespace bg::schema
