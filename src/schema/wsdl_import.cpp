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
  bool read_constraints = true;  // false: structure only (types whose facts come from elsewhere)
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
  if (!ctx.read_constraints) return f;
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

// The structural facts of a type (constraints dropped), for comparing copies across files.
std::string Structure(TypeDef t) {
  for (auto& f : t.fields) {
    FieldDef bare;
    bare.name = std::move(f.name);
    bare.type = std::move(f.type);
    bare.min_occurs = f.min_occurs;
    bare.repeated = f.repeated;
    bare.is_marker = f.is_marker;
    f = std::move(bare);
  }
  t.supported_operators.clear();
  t.wsdl_only = false;
  SchemaDoc doc;
  doc.types.push_back(std::move(t));
  return FormatSchemaText(doc);
}

Result<TypeDef> ReadNamedType(const Ctx& ctx, const pugi::xml_node& node) {
  BG_ASSIGN_OR_RETURN(
      TypeDef t, Is(node, "complexType") ? ReadComplexType(ctx, node) : ReadSimpleType(ctx, node));
  if (t.name.empty()) return ctx.Error("unnamed global type");
  return t;
}

Result<WsdlElement> ReadGlobalElement(const Ctx& ctx, const pugi::xml_node& node) {
  WsdlElement e;
  e.name = node.attribute("name").value();
  e.type = std::string(LocalName(node.attribute("type").value()));
  if (e.name.empty()) return ctx.Error("unnamed global element");
  if (!e.type.empty()) return e;
  TypeDef wrapper;
  wrapper.name = "element " + e.name;
  for (auto c : node.children()) {
    if (c.type() != pugi::node_element || Is(c, "annotation")) continue;
    if (!Is(c, "complexType")) return ctx.Error(wrapper.name + ": unsupported <" + c.name() + ">");
    BG_RETURN_IF_ERROR(ReadContent(ctx, c, &wrapper));
  }
  if (!wrapper.base.empty() || wrapper.is_choice) {
    return ctx.Error(wrapper.name + ": only a plain <sequence> is supported");
  }
  e.fields = std::move(wrapper.fields);
  return e;
}

pugi::xml_node Child(const pugi::xml_node& parent, std::string_view local) {
  for (auto c : parent.children()) {
    if (Is(c, local)) return c;
  }
  return {};
}

// The service facts of one WSDL; fails where the WSDL departs from the conventions that
// ServiceDef leaves implicit (names of portType, binding, port, messages and parts).
Result<ServiceDef> ReadService(const Ctx& ctx, const Loaded& loaded) {
  pugi::xml_node defs = loaded.doc.document_element();
  ServiceDef s;
  s.name = Child(defs, "service").attribute("name").value();
  if (s.name.empty()) return ctx.Error("no <wsdl:service name>");
  for (auto node : loaded.schema.children()) {
    if (Is(node, "complexType") || Is(node, "simpleType")) {
      s.types.emplace_back(node.attribute("name").value());
    } else if (Is(node, "element")) {
      BG_ASSIGN_OR_RETURN(WsdlElement e, ReadGlobalElement(ctx, node));
      s.elements.push_back(std::move(e));
    }
  }
  std::map<std::string, std::pair<std::string, std::string>> parts;  // message -> (part, element)
  for (auto m : defs.children()) {
    if (!Is(m, "message")) continue;
    pugi::xml_node part = Child(m, "part");
    parts[m.attribute("name").value()] = {
        part.attribute("name").value(), std::string(LocalName(part.attribute("element").value()))};
  }
  auto expect = [&ctx](bool ok, const std::string& what) {
    return ok ? Status::Ok() : ctx.Error("unconventional WSDL: " + what);
  };
  pugi::xml_node port_type = Child(defs, "portType");
  BG_RETURN_IF_ERROR(
      expect(port_type.attribute("name").value() == s.name + "Interface", "portType name"));
  for (auto op : port_type.children()) {
    if (!Is(op, "operation")) continue;
    std::string name = op.attribute("name").value();
    auto message = [&](const char* child) {
      return std::string(LocalName(Child(op, child).attribute("message").value()));
    };
    BG_RETURN_IF_ERROR(expect(message("input") == name + "Request" &&
                                  message("output") == name + "Response" &&
                                  message("fault") == "ApiException",
                              "messages of operation " + name));
    BG_RETURN_IF_ERROR(
        expect(parts[name + "Request"] == std::make_pair(std::string("parameters"), name) &&
                   parts[name + "Response"] ==
                       std::make_pair(std::string("parameters"), name + "Response"),
               "parts of operation " + name));
    s.operations.push_back(std::move(name));
  }
  BG_RETURN_IF_ERROR(
      expect(s.operations.empty() ||
                 parts["ApiException"] ==
                     std::make_pair(std::string("ApiException"), std::string("ApiExceptionFault")),
             "ApiException message"));
  BG_RETURN_IF_ERROR(expect(
      Child(defs, "binding").attribute("name").value() == s.name + "SoapBinding", "binding name"));
  BG_RETURN_IF_ERROR(expect(
      Child(Child(defs, "service"), "port").attribute("name").value() == s.name + "InterfacePort",
      "port name"));
  return s;
}

struct Imported {
  SchemaDoc model;     // batchjob.schema
  SchemaDoc services;  // services.schema
};

Result<Imported> ImportAll(const WsdlImportInputs& inputs) {
  std::map<std::string, TypeDef> types, wsdl_types;
  std::map<std::string, std::string> origin;  // type -> file, for conflict messages
  std::map<std::string, std::vector<std::string>> supported;
  std::vector<ServiceDef> services;
  std::string ns;
  auto check_ns = [&ns](const Ctx& ctx, const std::string& file_ns) -> Status {
    if (ns.empty()) ns = file_ns;
    if (file_ns != ns) return ctx.Error("namespace " + file_ns + " differs from " + ns);
    return Status::Ok();
  };
  auto read_file = [&](const std::string& file, bool type_file) -> Status {
    Ctx ctx{file};
    Loaded loaded;
    BG_RETURN_IF_ERROR(Load(ctx, &loaded));
    BG_RETURN_IF_ERROR(check_ns(ctx, loaded.ns));
    for (auto node : loaded.schema.children()) {
      if (!Is(node, "complexType") && !Is(node, "simpleType")) continue;
      std::string name = node.attribute("name").value();
      // Types of the model take their facts from the type WSDLs; in other files only their
      // structure is read (and must agree).
      bool model_type = !type_file && types.contains(name);
      Ctx type_ctx{file, !model_type};
      BG_ASSIGN_OR_RETURN(TypeDef t, ReadNamedType(type_ctx, node));
      auto& pool = type_file || model_type ? types : wsdl_types;
      auto it = pool.find(t.name);
      if (it == pool.end()) {
        origin[t.name] = file;
        if (!type_file) t.wsdl_only = true;
        pool.emplace(t.name, std::move(t));
        continue;
      }
      bool same = type_file ? [&] {  // same name in two type files: the facts must agree
        SchemaDoc a, b;
        a.types.push_back(it->second);
        b.types.push_back(t);
        return FormatSchemaText(a) == FormatSchemaText(b);
      }()
                            : Structure(it->second) == Structure(t);
      if (!same) {
        return ctx.Error("type " + t.name + " differs from its definition in " + origin[t.name]);
      }
    }
    BG_RETURN_IF_ERROR(ReadSupportedOperators(ctx, loaded.schema, &supported));
    if (!Child(loaded.doc.document_element(), "service")) return Status::Ok();  // types only
    BG_ASSIGN_OR_RETURN(ServiceDef service, ReadService(ctx, loaded));
    services.push_back(std::move(service));
    return Status::Ok();
  };
  for (const auto& file : inputs.type_wsdls) BG_RETURN_IF_ERROR(read_file(file, true));
  for (const auto& file : inputs.service_wsdls) BG_RETURN_IF_ERROR(read_file(file, false));

  Imported out;
  SchemaDoc& doc = out.model;
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
  out.services.ns = doc.ns;
  out.services.version = doc.version;
  for (auto& [name, t] : wsdl_types) out.services.types.push_back(std::move(t));
  std::sort(services.begin(), services.end(),
            [](const ServiceDef& a, const ServiceDef& b) { return a.name < b.name; });
  for (size_t i = 1; i < services.size(); ++i) {
    if (services[i].name == services[i - 1].name) {
      return InvalidArgument("service " + services[i].name + " is defined by two input files");
    }
  }
  out.services.services = std::move(services);
  return out;
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
  BG_ASSIGN_OR_RETURN(Imported all, ImportAll(inputs));
  return std::move(all.model);
}

Result<SchemaDoc> ImportServicesDoc(const WsdlImportInputs& inputs) {
  BG_ASSIGN_OR_RETURN(Imported all, ImportAll(inputs));
  return std::move(all.services);
}

Result<ImportedSchema> ImportWsdlFiles(const WsdlImportInputs& inputs) {
  BG_ASSIGN_OR_RETURN(Imported all, ImportAll(inputs));
  return ImportedSchema{FormatSchemaText(all.model), FormatSchemaText(all.services)};
}

Result<std::string> ImportWsdl(const WsdlImportInputs& inputs) {
  BG_ASSIGN_OR_RETURN(SchemaDoc doc, ImportWsdlDoc(inputs));
  return FormatSchemaText(doc);
}

Result<std::string> ImportWsdl(const std::vector<std::string>& wsdl_paths) {
  BG_ASSIGN_OR_RETURN(WsdlImportInputs inputs, ClassifyWsdlPaths(wsdl_paths));
  return ImportWsdl(inputs);
}

namespace {

bool WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) std::cerr << "schema import: cannot write " << path << "\n";
  return static_cast<bool>(out);
}

}  // namespace

int RunSchemaImport(const std::vector<std::string>& wsdls, const std::string& out_file) {
  auto inputs = ClassifyWsdlPaths(wsdls);
  Result<ImportedSchema> files =
      inputs.ok() ? ImportWsdlFiles(*inputs) : Result<ImportedSchema>(inputs.status());
  if (!files.ok()) {
    std::cerr << "schema import: " << files.status().message() << "\n";
    return 1;
  }
  const std::string& text = files->batchjob;
  auto doc = ParseSchemaText(text);
  std::string error;
  if (!doc.ok() || !Registry::Parse(doc->version, text + files->services, &error)) {
    std::cerr << "schema import: the result does not load: "
              << (doc.ok() ? error : doc.status().message()) << "\n";
    return 1;
  }
  if (out_file == "-") {
    std::cout << text;
    return std::cout.good() ? 0 : 1;
  }
  std::error_code ec;
  if (fs::is_directory(out_file, ec)) {  // both files of the version
    fs::path dir(out_file);
    if (!WriteText((dir / "batchjob.schema").string(), text) ||
        !WriteText((dir / "services.schema").string(), files->services)) {
      return 1;
    }
  } else if (!WriteText(out_file, text)) {
    return 1;
  }
  std::cerr << "schema import: " << doc->types.size() << " types, " << doc->operation_types.size()
            << " operation types -> " << out_file << "\n";
  return 0;
}

}  // namespace bg::schema
