// Conformance of the served WSDLs (DESIGN.md decision 1): for both versions and every service,
// the WSDL generated from the registry is compared with Google's reference WSDL (read at test
// time from BG_REFERENCE_DIR, never copied) type by type: complexType/simpleType names and order,
// base, abstract, content kind, every element's name, type, minOccurs and maxOccurs in order,
// enumeration values in order, global elements, messages, portType operations, binding and
// service/port names. Documentation is ignored; the soap:address is ours by design.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <pugixml.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "schema/registry.hpp"
#include "schema/wsdl_writer.hpp"

namespace bg::schema {
namespace {

namespace fs = std::filesystem;

std::string Local(std::string_view qname) {
  size_t colon = qname.rfind(':');
  return std::string(colon == std::string_view::npos ? qname : qname.substr(colon + 1));
}

bool Is(const pugi::xml_node& n, std::string_view local) { return Local(n.name()) == local; }

std::vector<pugi::xml_node> Kids(const pugi::xml_node& n, std::string_view local) {
  std::vector<pugi::xml_node> out;
  for (auto c : n.children()) {
    if (c.type() == pugi::node_element && Is(c, local)) out.push_back(c);
  }
  return out;
}

pugi::xml_node Kid(const pugi::xml_node& n, std::string_view local) {
  auto kids = Kids(n, local);
  return kids.empty() ? pugi::xml_node() : kids.front();
}

// "name type min max" of each <element> of a sequence/choice.
std::vector<std::string> Particles(const pugi::xml_node& group) {
  std::vector<std::string> out;
  for (auto e : Kids(group, "element")) {
    out.push_back(std::string(e.attribute("name").value()) + " " +
                  Local(e.attribute("type").value()) +
                  " min=" + e.attribute("minOccurs").as_string("1") +
                  " max=" + e.attribute("maxOccurs").as_string("1"));
  }
  return out;
}

// Everything the conformance test compares, as sorted key -> description lines.
struct Facts {
  std::vector<std::string> type_order;
  std::map<std::string, std::vector<std::string>> types;     // name -> facts
  std::map<std::string, std::vector<std::string>> elements;  // global elements
  std::map<std::string, std::vector<std::string>> messages;
  std::map<std::string, std::vector<std::string>> port_type;  // operation -> in/out/fault
  std::map<std::string, std::vector<std::string>> binding;    // operation -> soap facts
  std::vector<std::string> names;  // portType, binding, service, port, binding style
};

std::vector<std::string> ComplexFacts(const pugi::xml_node& t) {
  std::vector<std::string> out{
      "complex", std::string("abstract=") + t.attribute("abstract").as_string("false")};
  pugi::xml_node content = t;
  if (auto cc = Kid(t, "complexContent")) {
    pugi::xml_node ext = Kid(cc, "extension");
    out.push_back("base=" + Local(ext.attribute("base").value()));
    content = ext;
  }
  for (const char* kind : {"sequence", "choice", "all"}) {
    for (auto g : Kids(content, kind)) {
      out.push_back(std::string("content=") + kind);
      for (auto& p : Particles(g)) out.push_back("  " + p);
    }
  }
  return out;
}

std::vector<std::string> SimpleFacts(const pugi::xml_node& t) {
  pugi::xml_node r = Kid(t, "restriction");
  std::vector<std::string> out{"simple", "base=" + Local(r.attribute("base").value())};
  for (auto e : Kids(r, "enumeration"))
    out.push_back(std::string("  ") + e.attribute("value").value());
  return out;
}

Facts Extract(const pugi::xml_document& doc) {
  Facts f;
  pugi::xml_node defs = doc.document_element();
  pugi::xml_node schema = Kid(Kid(defs, "types"), "schema");
  f.names.push_back(std::string("elementFormDefault=") +
                    schema.attribute("elementFormDefault").value());
  f.names.push_back(std::string("targetNamespace=") + defs.attribute("targetNamespace").value());
  f.names.push_back(std::string("schema targetNamespace=") +
                    schema.attribute("targetNamespace").value());
  for (auto n : schema.children()) {
    std::string name = n.attribute("name").value();
    if (Is(n, "complexType")) {
      f.type_order.push_back(name);
      f.types[name] = ComplexFacts(n);
    } else if (Is(n, "simpleType")) {
      f.type_order.push_back(name);
      f.types[name] = SimpleFacts(n);
    } else if (Is(n, "element")) {
      auto& e = f.elements[name];
      if (n.attribute("type")) e.push_back("type=" + Local(n.attribute("type").value()));
      if (auto ct = Kid(n, "complexType")) {
        for (auto seq : Kids(ct, "sequence")) e = Particles(seq);
        if (Kids(ct, "sequence").empty()) e.push_back("complexType without sequence");
      }
    }
  }
  for (auto m : Kids(defs, "message")) {
    auto& parts = f.messages[m.attribute("name").value()];
    for (auto p : Kids(m, "part")) {
      parts.push_back(std::string(p.attribute("name").value()) +
                      " element=" + Local(p.attribute("element").value()));
    }
  }
  pugi::xml_node pt = Kid(defs, "portType");
  f.names.push_back(std::string("portType ") + pt.attribute("name").value());
  for (auto op : Kids(pt, "operation")) {
    auto& v = f.port_type[op.attribute("name").value()];
    for (const char* dir : {"input", "output", "fault"}) {
      for (auto d : Kids(op, dir)) {
        v.push_back(std::string(dir) + " name=" + d.attribute("name").value() +
                    " message=" + Local(d.attribute("message").value()));
      }
    }
  }
  pugi::xml_node b = Kid(defs, "binding");
  f.names.push_back(std::string("binding ") + b.attribute("name").value() +
                    " type=" + Local(b.attribute("type").value()));
  pugi::xml_node sb = Kid(b, "binding");
  f.names.push_back(std::string("soap:binding style=") + sb.attribute("style").value() +
                    " transport=" + sb.attribute("transport").value());
  for (auto op : Kids(b, "operation")) {
    auto& v = f.binding[op.attribute("name").value()];
    v.push_back(std::string("soapAction=\"") +
                Kid(op, "operation").attribute("soapAction").value() + "\"");
    for (const char* dir : {"input", "output", "fault"}) {
      for (auto d : Kids(op, dir)) {
        std::string line = std::string(dir) + " name=" + d.attribute("name").value();
        for (auto s : d.children()) {
          if (s.type() != pugi::node_element) continue;
          line += " " + Local(s.name());
          for (auto a : s.attributes()) {
            line += std::string(" ") + a.name() + "=" +
                    (std::string(a.name()) == "message" ? Local(a.value()) : a.value());
          }
        }
        v.push_back(line);
      }
    }
  }
  pugi::xml_node svc = Kid(defs, "service");
  pugi::xml_node port = Kid(svc, "port");
  f.names.push_back(std::string("service ") + svc.attribute("name").value() + " port " +
                    port.attribute("name").value() +
                    " binding=" + Local(port.attribute("binding").value()));
  return f;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += "\n      " + s;
  return out;
}

void DiffMaps(const std::string& what, const std::map<std::string, std::vector<std::string>>& ref,
              const std::map<std::string, std::vector<std::string>>& ours,
              std::vector<std::string>* diffs) {
  for (const auto& [name, facts] : ref) {
    auto it = ours.find(name);
    if (it == ours.end()) {
      diffs->push_back("missing " + what + " " + name);
    } else if (it->second != facts) {
      diffs->push_back(what + " " + name + " differs:\n    reference:" + Join(facts) +
                       "\n    ours:" + Join(it->second));
    }
  }
  for (const auto& [name, facts] : ours) {
    if (!ref.contains(name)) diffs->push_back("extra " + what + " " + name);
  }
}

std::vector<std::string> Compare(const Facts& ref, const Facts& ours) {
  std::vector<std::string> diffs;
  DiffMaps("type", ref.types, ours.types, &diffs);
  if (diffs.empty() && ref.type_order != ours.type_order) diffs.push_back("type order differs");
  DiffMaps("global element", ref.elements, ours.elements, &diffs);
  DiffMaps("message", ref.messages, ours.messages, &diffs);
  DiffMaps("portType operation", ref.port_type, ours.port_type, &diffs);
  DiffMaps("binding operation", ref.binding, ours.binding, &diffs);
  if (ref.names != ours.names) {
    diffs.push_back("names differ:\n    reference:" + Join(ref.names) +
                    "\n    ours:" + Join(ours.names));
  }
  return diffs;
}

std::vector<std::string> ReferenceServices(const std::string& version) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(BG_REFERENCE_DIR) / "wsdl" / version, ec)) {
    if (e.path().extension() == ".wsdl") out.push_back(e.path().stem().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class WsdlConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(WsdlConformance, EveryServedWsdlMatchesTheReference) {
  const std::string version = GetParam();
  const Registry* reg = Registry::Get(version);
  ASSERT_NE(reg, nullptr);
  std::vector<std::string> services = ReferenceServices(version);
  if (services.empty()) GTEST_SKIP() << "no reference WSDLs for " << version;

  // The operation-owning services and BatchJobService are all served; nothing else is.
  std::set<std::string> ours;
  for (const auto& s : reg->services()) ours.insert(s.name);
  EXPECT_EQ(ours, std::set<std::string>(services.begin(), services.end()));
  for (const char* required :
       {"BatchJobService", "BatchJobOpsService", "AdGroupAdService", "AdGroupBidModifierService",
        "AdGroupCriterionService", "AdGroupExtensionSettingService", "AdGroupService",
        "BudgetService", "CampaignCriterionService", "CampaignExtensionSettingService",
        "CampaignService", "CustomerExtensionSettingService", "FeedItemService"}) {
    EXPECT_TRUE(ours.contains(required)) << required;
  }
  // Reference §7: the shared set services from v201710 on, FeedItemTargetService from v201802.
  if (version >= "v201710") {
    for (const char* required :
         {"CampaignSharedSetService", "SharedCriterionService", "SharedSetService"}) {
      EXPECT_TRUE(ours.contains(required)) << required;
    }
  }
  if (version >= "v201802") EXPECT_TRUE(ours.contains("FeedItemTargetService"));

  for (const auto& service : services) {
    SCOPED_TRACE(version + "/" + service);
    fs::path ref_path = fs::path(BG_REFERENCE_DIR) / "wsdl" / version / (service + ".wsdl");
    pugi::xml_document ref_doc, our_doc;
    ASSERT_TRUE(ref_doc.load_file(ref_path.c_str())) << ref_path;
    Result<std::string> text = GenerateWsdl(*reg, service, "http://conformance.test/");
    ASSERT_TRUE(text.ok()) << text.status().message();
    pugi::xml_parse_result parsed = our_doc.load_string(text->c_str());
    ASSERT_TRUE(parsed) << parsed.description();

    std::vector<std::string> diffs = Compare(Extract(ref_doc), Extract(our_doc));
    std::ostringstream report;
    for (size_t i = 0; i < diffs.size() && i < 40; ++i) report << diffs[i] << "\n";
    if (diffs.size() > 40) report << "... and " << diffs.size() - 40 << " more\n";
    EXPECT_TRUE(diffs.empty()) << diffs.size() << " difference(s) from " << ref_path.string()
                               << ":\n"
                               << report.str();

    std::string location = Kid(Kid(Kid(our_doc.document_element(), "service"), "port"), "address")
                               .attribute("location")
                               .value();
    EXPECT_EQ(location, "http://conformance.test/api/adwords/cm/" + version + "/" + service);
    EXPECT_EQ(text->find("documentation"), std::string::npos);
  }
}

// The comparison itself catches a change: a reordered field, a dropped enum value, a wrong
// cardinality and a missing operation are each reported.
TEST(WsdlConformance, ComparisonDetectsDifferences) {
  const Registry* reg = Registry::Get("v201702");
  ASSERT_NE(reg, nullptr);
  Result<std::string> text = GenerateWsdl(*reg, "BudgetService", "http://x");
  ASSERT_TRUE(text.ok());
  pugi::xml_document good;
  ASSERT_TRUE(good.load_string(text->c_str()));
  Facts base = Extract(good);
  EXPECT_TRUE(Compare(base, base).empty());

  auto mutate = [&](auto fn) {  // fn edits a fresh copy of our WSDL
    pugi::xml_document doc;
    doc.load_string(text->c_str());
    fn(doc);
    return Compare(base, Extract(doc));
  };
  auto budget = [](pugi::xml_document& d) {
    return d
        .select_node(
            "//*[local-name()='complexType'][@name='Budget']/*[local-name()="
            "'sequence']")
        .node();
  };
  auto diffs = mutate([&](pugi::xml_document& d) {
    pugi::xml_node seq = budget(d);
    seq.append_move(seq.first_child());
  });
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_NE(diffs[0].find("type Budget differs"), std::string::npos) << diffs[0];
  diffs = mutate([&](pugi::xml_document& d) {
    budget(d).first_child().attribute("maxOccurs").set_value("unbounded");
  });
  EXPECT_EQ(diffs.size(), 1u);
  diffs = mutate([](pugi::xml_document& d) {
    pugi::xml_node r =
        d.select_node("//*[local-name()='simpleType'][@name='Budget.BudgetStatus']/*").node();
    ASSERT_TRUE(r.remove_child(r.last_child()));
  });
  EXPECT_EQ(diffs.size(), 1u);
  diffs = mutate([](pugi::xml_document& d) {
    pugi::xml_node pt = d.select_node("//*[local-name()='portType']").node();
    pt.remove_child(pt.last_child());
  });
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_NE(diffs[0].find("missing portType operation query"), std::string::npos) << diffs[0];
}

TEST(WsdlWriter, UnknownServiceAndLocation) {
  const Registry* reg = Registry::Get("v201702");
  ASSERT_NE(reg, nullptr);
  EXPECT_FALSE(GenerateWsdl(*reg, "NoSuchService", "http://x").ok());
  EXPECT_EQ(ServiceLocation("https://gw.example//", "v201809", "BudgetService"),
            "https://gw.example/api/adwords/cm/v201809/BudgetService");
}

INSTANTIATE_TEST_SUITE_P(Schema, WsdlConformance, ::testing::ValuesIn(Registry::Versions()));

}  // namespace
}  // namespace bg::schema
