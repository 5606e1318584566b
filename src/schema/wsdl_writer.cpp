#include "schema/wsdl_writer.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include "common/xml_writer.hpp"

namespace bg::schema {
namespace {

constexpr std::string_view kWsdlNs = "http://schemas.xmlsoap.org/wsdl/";
constexpr std::string_view kSoapNs = "http://schemas.xmlsoap.org/wsdl/soap/";
constexpr std::string_view kXsdNs = "http://www.w3.org/2001/XMLSchema";
constexpr std::string_view kJaxbNs = "http://java.sun.com/xml/ns/jaxb";
constexpr std::string_view kHttpTransport = "http://schemas.xmlsoap.org/soap/http";

// XmlWriter with two-space indentation: empty elements self-close, others get their end tag on
// a line of its own.
class IndentedWriter {
 public:
  explicit IndentedWriter(std::string* out) : w_(out) { w_.Declaration(); }

  void Open(std::string_view name) {
    if (!has_children_.empty()) has_children_.back() = true;
    Indent(has_children_.size());
    w_.Start(name);
    has_children_.push_back(false);
  }
  void Attr(std::string_view name, std::string_view value) { w_.Attribute(name, value); }
  void Close() {
    bool children = has_children_.back();
    has_children_.pop_back();
    if (children) {
      Indent(has_children_.size());
      w_.End();
    } else {
      w_.End(/*self_close=*/true);
    }
  }
  void Finish() {
    while (!has_children_.empty()) Close();
    w_.Raw("\n");
  }

 private:
  void Indent(size_t depth) {
    indent_.assign("\n");
    indent_.append(2 * depth, ' ');
    w_.Raw(indent_);
  }

  xml::XmlWriter w_;
  std::vector<bool> has_children_;
  std::string indent_;
};

class WsdlGenerator {
 public:
  WsdlGenerator(const Registry& registry, const ServiceDef& service, std::string location,
                std::string* out)
      : reg_(registry), service_(service), location_(std::move(location)), x_(out) {}

  void Run() {
    const std::string& ns = reg_.ns();
    x_.Open("wsdl:definitions");
    x_.Attr("targetNamespace", ns);
    x_.Attr("xmlns:tns", ns);
    x_.Attr("xmlns:wsdl", kWsdlNs);
    x_.Attr("xmlns:wsdlsoap", kSoapNs);
    x_.Attr("xmlns:xsd", kXsdNs);
    Types();
    Messages();
    PortType();
    Binding();
    x_.Open("wsdl:service");
    x_.Attr("name", service_.name);
    x_.Open("wsdl:port");
    x_.Attr("binding", "tns:" + service_.name + "SoapBinding");
    x_.Attr("name", service_.name + "InterfacePort");
    x_.Open("wsdlsoap:address");
    x_.Attr("location", location_);
    x_.Finish();
  }

 private:
  // Types of the registry are in the target namespace; any other name is an XSD built-in.
  std::string Ref(std::string_view type) const {
    return (reg_.FindWsdlType(type) ? "tns:" : "xsd:") + std::string(type);
  }

  void Types() {
    x_.Open("wsdl:types");
    x_.Open("schema");
    x_.Attr("elementFormDefault", "qualified");
    x_.Attr("jaxb:version", "1.0");
    x_.Attr("targetNamespace", reg_.ns());
    x_.Attr("xmlns", kXsdNs);
    x_.Attr("xmlns:jaxb", kJaxbNs);
    x_.Attr("xmlns:tns", reg_.ns());
    // Lets JAXB map the long enums (Criterion.Type, error reasons) to Java enums.
    x_.Open("annotation");
    x_.Open("appinfo");
    x_.Open("jaxb:globalBindings");
    x_.Attr("typesafeEnumMaxMembers", "999999");
    x_.Close();
    x_.Close();
    x_.Close();
    for (const auto& name : service_.types) {
      const TypeDef* t = reg_.FindWsdlType(name);  // the Registry checked that it exists
      if (t->kind == Kind::kComplex) {
        ComplexType(*t);
      } else {
        SimpleType(*t);
      }
    }
    for (const auto& e : service_.elements) GlobalElement(e);
    x_.Close();
    x_.Close();
  }

  void ComplexType(const TypeDef& t) {
    x_.Open("complexType");
    x_.Attr("name", t.name);
    if (t.abstract) x_.Attr("abstract", "true");
    if (!t.base.empty()) {
      x_.Open("complexContent");
      x_.Open("extension");
      x_.Attr("base", Ref(t.base));
    }
    Particles(t.is_choice ? "choice" : "sequence", t.fields);
    if (!t.base.empty()) {
      x_.Close();
      x_.Close();
    }
    x_.Close();
  }

  void Particles(std::string_view group, const std::vector<FieldDef>& fields) {
    x_.Open(group);
    for (const auto& f : fields) {
      x_.Open("element");
      x_.Attr("maxOccurs", f.repeated ? "unbounded" : "1");
      x_.Attr("minOccurs", std::to_string(f.min_occurs));
      x_.Attr("name", f.name);
      x_.Attr("type", Ref(f.type));
      x_.Close();
    }
    x_.Close();
  }

  void SimpleType(const TypeDef& t) {
    x_.Open("simpleType");
    x_.Attr("name", t.name);
    x_.Open("restriction");
    x_.Attr("base", Ref(t.base.empty() ? "string" : t.base));
    for (const auto& v : t.enum_values) {
      x_.Open("enumeration");
      x_.Attr("value", v);
      x_.Close();
    }
    x_.Close();
    x_.Close();
  }

  void GlobalElement(const WsdlElement& e) {
    x_.Open("element");
    x_.Attr("name", e.name);
    if (!e.type.empty()) {
      x_.Attr("type", Ref(e.type));
    } else {
      x_.Open("complexType");
      Particles("sequence", e.fields);
      x_.Close();
    }
    x_.Close();
  }

  void Message(const std::string& name, const std::string& element, std::string_view part) {
    x_.Open("wsdl:message");
    x_.Attr("name", name);
    x_.Open("wsdl:part");
    x_.Attr("element", "tns:" + element);
    x_.Attr("name", part);
    x_.Close();
    x_.Close();
  }

  void Messages() {
    if (service_.HasHeaders()) {
      Message("RequestHeader", "RequestHeader", "RequestHeader");
      Message("ResponseHeader", "ResponseHeader", "ResponseHeader");
    }
    bool fault_written = false;
    for (const auto& op : service_.operations) {
      Message(op + "Request", op, "parameters");
      Message(op + "Response", op + "Response", "parameters");
      if (!fault_written) Message("ApiException", "ApiExceptionFault", "ApiException");
      fault_written = true;
    }
  }

  void PortType() {
    x_.Open("wsdl:portType");
    x_.Attr("name", service_.name + "Interface");
    for (const auto& op : service_.operations) {
      x_.Open("wsdl:operation");
      x_.Attr("name", op);
      for (const auto& [tag, message] :
           {std::pair<const char*, std::string>{"wsdl:input", op + "Request"},
            {"wsdl:output", op + "Response"},
            {"wsdl:fault", "ApiException"}}) {
        x_.Open(tag);
        x_.Attr("message", "tns:" + message);
        x_.Attr("name", message);
        x_.Close();
      }
      x_.Close();
    }
    x_.Close();
  }

  void BindingDirection(const char* tag, const std::string& name, const char* header) {
    x_.Open(tag);
    x_.Attr("name", name);
    if (service_.HasHeaders()) {
      x_.Open("wsdlsoap:header");
      x_.Attr("message", std::string("tns:") + header);
      x_.Attr("part", header);
      x_.Attr("use", "literal");
      x_.Close();
    }
    x_.Open("wsdlsoap:body");
    x_.Attr("use", "literal");
    x_.Close();
    x_.Close();
  }

  void Binding() {
    x_.Open("wsdl:binding");
    x_.Attr("name", service_.name + "SoapBinding");
    x_.Attr("type", "tns:" + service_.name + "Interface");
    x_.Open("wsdlsoap:binding");
    x_.Attr("style", "document");
    x_.Attr("transport", kHttpTransport);
    x_.Close();
    for (const auto& op : service_.operations) {
      x_.Open("wsdl:operation");
      x_.Attr("name", op);
      x_.Open("wsdlsoap:operation");
      x_.Attr("soapAction", "");
      x_.Close();
      BindingDirection("wsdl:input", op + "Request", "RequestHeader");
      BindingDirection("wsdl:output", op + "Response", "ResponseHeader");
      x_.Open("wsdl:fault");
      x_.Attr("name", "ApiException");
      x_.Open("wsdlsoap:fault");
      x_.Attr("name", "ApiException");
      x_.Attr("use", "literal");
      x_.Close();
      x_.Close();
      x_.Close();
    }
    x_.Close();
  }

  const Registry& reg_;
  const ServiceDef& service_;
  std::string location_;
  IndentedWriter x_;
};

}  // namespace

std::string ServiceLocation(std::string_view base_url, std::string_view version,
                            std::string_view service) {
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  std::string out(base_url);
  out += "/api/adwords/cm/";
  out += version;
  out += '/';
  out += service;
  return out;
}

Result<std::string> GenerateWsdl(const Registry& registry, std::string_view service,
                                 std::string_view base_url) {
  const ServiceDef* def = registry.FindService(service);
  if (!def) {
    return NotFound("no WSDL for service " + std::string(service) + " in " +
                    std::string(registry.version()));
  }
  std::string out;
  WsdlGenerator(registry, *def, ServiceLocation(base_url, registry.version(), def->name), &out)
      .Run();
  return out;
}

int RunSchemaExport(const std::string& version, const std::string& dir,
                    const std::string& base_url) {
  namespace fs = std::filesystem;
  const Registry* registry = Registry::Get(version);
  if (!registry) {
    std::cerr << "schema export: unsupported version " << version << "\n";
    return 1;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::cerr << "schema export: cannot create " << dir << ": " << ec.message() << "\n";
    return 1;
  }
  for (const auto& service : registry->services()) {
    Result<std::string> wsdl = GenerateWsdl(*registry, service.name, base_url);
    fs::path path = fs::path(dir) / (service.name + ".wsdl");
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (wsdl.ok()) out << *wsdl;
    out.close();
    if (!wsdl.ok() || !out) {
      std::cerr << "schema export: cannot write " << path.string() << "\n";
      return 1;
    }
  }
  std::cerr << "schema export: " << registry->services().size() << " WSDLs of " << version << " -> "
            << dir << "\n";
  return 0;
}

}  // namespace bg::schema
