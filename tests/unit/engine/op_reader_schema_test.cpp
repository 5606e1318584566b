// Schema-driven coverage of the op reader (issue 3, deliverable 2): the documents here are
// generated from the registry of each version, not written per type, so that a new operation
// type, operand subtype or field is covered as soon as the schema has it.
//  * Every operation type with every concrete operand type and every operator it supports, with
//    the fields the schema requires for that operator and every settable simple field, parses to
//    exactly the typed tree it was generated from and passes schema validation.
//  * Every concrete subtype of every polymorphic base reachable from an operation is accepted via
//    xsi:type under a field declared with the base type.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "common/xml_writer.hpp"
#include "engine/op_reader.hpp"
#include "schema/validator.hpp"

namespace bg::engine {
namespace {

namespace fs = std::filesystem;
using schema::FieldDef;
using schema::Registry;
using schema::TypeDef;

constexpr std::string_view kPrefix = "ns1:";

const Registry& Reg(const std::string& version) {
  const Registry* r = Registry::Get(version);
  EXPECT_NE(r, nullptr) << version;
  return *r;
}

std::string Canon(const model::Node& n) {
  std::vector<const model::Field*> fs;
  for (const auto& f : n.fields()) fs.push_back(&f);
  std::stable_sort(fs.begin(), fs.end(),
                   [](const model::Field* a, const model::Field* b) { return a->name < b->name; });
  std::string out = n.type() + "{";
  for (const model::Field* f : fs) {
    out += f->name + "=";
    out += f->child ? Canon(*f->child) : "\"" + f->text + "\"";
    out += ";";
  }
  return out + "}";
}

std::string Q(std::string_view local) { return std::string(kPrefix) + std::string(local); }

// A document around `operations` (already serialised <operations> elements), read back whole.
struct Read {
  Status status;
  std::vector<model::Operation> ops;
};

Read ReadDocument(const Registry& reg, const std::string& operations) {
  std::string doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ns1:mutate xmlns:ns1=\"" +
                    reg.ns() + "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" +
                    operations + "</ns1:mutate>";
  std::string tmpl = ::testing::TempDir() + "/op_reader_schema_XXXXXX";
  std::string dir = ::mkdtemp(tmpl.data());
  std::string path = dir + "/upload.xml";
  std::ofstream(path, std::ios::binary) << doc;
  Read out;
  auto reader = OpReader::Open(path, doc.size(), reg);
  if (!reader.ok()) {
    out.status = reader.status();
  } else {
    for (;;) {
      auto next = (*reader)->Next();
      if (!next.ok()) {
        out.status = next.status();
        break;
      }
      if (!next->has_value()) break;
      out.ops.push_back(std::move(**next));
    }
  }
  fs::remove_all(dir);
  return out;
}

// The concrete types a value declared as `declared` can have: itself when concrete, then every
// concrete strict subtype, in schema order.
std::vector<const TypeDef*> ConcreteTypes(const Registry& reg, const std::string& declared) {
  std::vector<const TypeDef*> out;
  const TypeDef* d = reg.Find(declared);
  if (d != nullptr && !d->abstract) out.push_back(d);
  for (const TypeDef& t : reg.types()) {
    if (t.kind == schema::Kind::kComplex && !t.abstract && t.name != declared &&
        reg.IsSubtypeOf(t.name, declared)) {
      out.push_back(&t);
    }
  }
  return out;
}

// Builds one valid operation: XML text and the typed tree the reader must produce for it.
class OperationBuilder {
 public:
  OperationBuilder(const Registry& reg, std::string op) : reg_(reg), op_(std::move(op)) {}

  // Empty when the operation could be built; otherwise why not.
  std::string Build(const std::string& op_type, const TypeDef& operand, std::string* xml,
                    model::Node* node) {
    problem_.clear();
    xml::XmlWriter w(xml);
    w.Start("operations");
    w.Attribute("xsi:type", Q(op_type));
    *node = model::Node(op_type);
    w.Leaf(Q("operator"), op_);
    node->Set("operator", op_);
    w.Start(Q("operand"));
    w.Attribute("xsi:type", Q(operand.name));
    Fields(operand, w, *node->SetChild("operand", model::Node(operand.name)), 1);
    w.End();
    w.End();
    return problem_;
  }

 private:
  void Fields(const TypeDef& type, xml::XmlWriter& w, model::Node& node, int depth) {
    if (depth > 8) {
      problem_ = "required fields nest deeper than 8 levels under " + type.name;
      return;
    }
    for (const FieldDef* fd : reg_.AllFields(type.name)) {
      if (fd->is_marker || fd->ReadOnlyFor(op_)) continue;
      const bool required = fd->RequiredFor(op_);
      const int items =
          fd->repeated ? static_cast<int>(std::max<int64_t>(1, fd->min_list_size.value_or(1))) : 1;
      if (!reg_.IsComplex(fd->type)) {
        for (int i = 0; i < items; ++i) {
          std::string v = SimpleValue(*fd, fd->type);
          w.Leaf(Q(fd->name), v);
          node.Add(fd->name, v);
        }
        continue;
      }
      if (!required) continue;  // optional complex values: the polymorphism test covers them
      std::vector<const TypeDef*> concrete = ConcreteTypes(reg_, fd->type);
      if (concrete.empty()) {
        problem_ = "no concrete type for required field " + type.name + "." + fd->name;
        return;
      }
      for (int i = 0; i < items; ++i) {
        const TypeDef& runtime = *concrete.front();
        w.Start(Q(fd->name));
        if (runtime.name != fd->type) w.Attribute("xsi:type", Q(runtime.name));
        Fields(runtime, w, *node.AddChild(fd->name, model::Node(runtime.name)), depth + 1);
        w.End();
      }
    }
  }

  // A lexical value of simple type `type` within the field's constraints.
  std::string SimpleValue(const FieldDef& fd, const std::string& type) {
    if (const TypeDef* t = reg_.Find(type)) {
      if (t->kind == schema::Kind::kEnum) {
        for (const std::string& v : t->enum_values) {
          if (v != "UNKNOWN") return v;
        }
        return t->enum_values.empty() ? "" : t->enum_values.front();
      }
      if (t->kind == schema::Kind::kSimple && !t->base.empty() && t->base != type) {
        return SimpleValue(fd, t->base);
      }
    }
    double v = 1;
    if (fd.min_value && v < *fd.min_value) v = *fd.min_value;
    if (fd.max_value && v > *fd.max_value) v = *fd.max_value;
    if (type == "long" || type == "int") return std::to_string(static_cast<int64_t>(std::ceil(v)));
    if (type == "double") {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", v);
      return buf;
    }
    if (type == "boolean") return "true";
    if (type == "base64Binary") return "eA==";
    const int64_t len = std::max<int64_t>(1, fd.min_length.value_or(1));
    return std::string(static_cast<size_t>(len), 'x');
  }

  const Registry& reg_;
  std::string op_;
  std::string problem_;
};

std::vector<std::string> OperatorsOf(const Registry& reg, const TypeDef& op_type) {
  if (!op_type.supported_operators.empty()) return op_type.supported_operators;
  const TypeDef* all = reg.Find("Operator");
  return all ? all->enum_values : std::vector<std::string>{"ADD", "SET", "REMOVE"};
}

class OpReaderSchemaTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OpReaderSchemaTest, HasTheOperationTypesOfItsVersion) {
  const Registry& reg = Reg(GetParam());
  // Reference §7: 15 operation types up to v201708, 18 from v201710, 19 from v201802.
  const std::string& v = GetParam();
  const size_t expected = v < "v201710" ? 15 : v < "v201802" ? 18 : 19;
  EXPECT_EQ(reg.OperationTypes().size(), expected);
  for (const std::string& t : reg.OperationTypes()) {
    ASSERT_NE(reg.Find(t), nullptr) << t;
    EXPECT_TRUE(reg.IsSubtypeOf(t, "Operation")) << t;
    EXPECT_NE(reg.FindField(t, "operand"), nullptr) << t;
  }
}

TEST_P(OpReaderSchemaTest, EveryOperationTypeOperandTypeAndOperatorParsesAndValidates) {
  const Registry& reg = Reg(GetParam());
  std::string doc;
  std::vector<std::string> expected, labels;
  for (const std::string& op_type : reg.OperationTypes()) {
    const TypeDef* t = reg.Find(op_type);
    ASSERT_NE(t, nullptr);
    const FieldDef* operand = reg.FindField(op_type, "operand");
    ASSERT_NE(operand, nullptr) << op_type;
    std::vector<const TypeDef*> operand_types = ConcreteTypes(reg, operand->type);
    EXPECT_FALSE(operand_types.empty()) << op_type;
    for (const std::string& op : OperatorsOf(reg, *t)) {
      for (const TypeDef* runtime : operand_types) {
        OperationBuilder b(reg, op);
        model::Node node;
        std::string problem = b.Build(op_type, *runtime, &doc, &node);
        ASSERT_EQ(problem, "") << op_type << " " << op << " " << runtime->name;
        expected.push_back(Canon(node));
        labels.push_back(op_type + " " + op + " " + runtime->name);
      }
    }
  }
  ASSERT_GE(expected.size(), reg.OperationTypes().size());
  std::cout << "[          ] " << expected.size() << " operations (type x operator x operand)\n";
  Read r = ReadDocument(reg, doc);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.ops.size(), expected.size());
  for (size_t i = 0; i < r.ops.size(); ++i) {
    model::Operation& op = r.ops[i];
    EXPECT_EQ(op.index, static_cast<int64_t>(i));
    ASSERT_TRUE(op.parse_errors.empty())
        << labels[i] << ": " << op.parse_errors[0].field_path << " " << op.parse_errors[0].trigger;
    EXPECT_EQ(Canon(op.node), expected[i]) << labels[i];
    std::vector<ApiError> errors = schema::Validate(reg, op);
    EXPECT_TRUE(errors.empty()) << labels[i] << ": " << errors[0].ErrorString() << " at "
                                << errors[0].field_path << " (" << errors[0].trigger << ")";
  }
}

// One step of a route from an operation down to a value: the field and the runtime type given.
struct Step {
  std::string field;
  std::string type;
};
struct Route {
  std::string op_type;
  std::vector<Step> steps;  // steps.back().type is the type holding the polymorphic field
};

// For every polymorphic base (a complex type with strict subtypes) used as the declared type of a
// field reachable from an operation: the shortest route to a type that has such a field, and the
// field. Breadth first over concrete types, in schema order: deterministic.
std::map<std::string, std::pair<Route, std::string>> PolymorphicFields(const Registry& reg) {
  std::map<std::string, std::pair<Route, std::string>> out;
  std::set<std::string> seen;
  std::deque<Route> queue;
  for (const std::string& op_type : reg.OperationTypes()) {
    queue.push_back(Route{op_type, {}});
    seen.insert(op_type);
  }
  while (!queue.empty()) {
    Route route = std::move(queue.front());
    queue.pop_front();
    const std::string& holder = route.steps.empty() ? route.op_type : route.steps.back().type;
    for (const FieldDef* fd : reg.AllFields(holder)) {
      if (fd->is_marker || !reg.IsComplex(fd->type)) continue;
      std::vector<const TypeDef*> concrete = ConcreteTypes(reg, fd->type);
      const bool polymorphic =
          concrete.size() > 1 || (concrete.size() == 1 && concrete[0]->name != fd->type);
      if (polymorphic && !out.count(fd->type)) out[fd->type] = {route, fd->name};
      for (const TypeDef* t : concrete) {
        if (!seen.insert(t->name).second) continue;
        Route next = route;
        next.steps.push_back({fd->name, t->name});
        queue.push_back(std::move(next));
      }
    }
  }
  return out;
}

TEST_P(OpReaderSchemaTest, EveryConcreteSubtypeIsAcceptedUnderItsBase) {
  const Registry& reg = Reg(GetParam());
  auto bases = PolymorphicFields(reg);
  // The polymorphic values of reference §3.3 must all be reachable from some operation (no
  // field is declared ComparableValue: Money values are declared Money).
  for (const char* base :
       {"Criterion", "AdGroupCriterion", "CampaignCriterion", "Ad", "Bids", "BiddingScheme",
        "Setting", "ExtensionFeedItem", "ProductDimension", "Label"}) {
    EXPECT_TRUE(bases.count(base)) << base << " is not reachable from any operation";
  }
  std::string doc;
  struct Expect {
    Route route;
    std::string field, type;
  };
  std::vector<Expect> expects;
  for (const auto& [base, where] : bases) {
    const auto& [route, field] = where;
    for (const TypeDef* t : ConcreteTypes(reg, base)) {
      if (t->name == base) continue;
      xml::XmlWriter w(&doc);
      w.Start("operations");
      w.Attribute("xsi:type", Q(route.op_type));
      w.Leaf(Q("operator"), "ADD");
      for (const Step& s : route.steps) {
        w.Start(Q(s.field));
        w.Attribute("xsi:type", Q(s.type));
      }
      w.Start(Q(field));
      w.Attribute("xsi:type", Q(t->name));
      w.EndAll();
      expects.push_back({route, field, t->name});
    }
  }
  ASSERT_GT(expects.size(), 50u);
  std::cout << "[          ] " << bases.size() << " polymorphic bases, " << expects.size()
            << " concrete subtypes\n";
  Read r = ReadDocument(reg, doc);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.ops.size(), expects.size());
  for (size_t i = 0; i < expects.size(); ++i) {
    const Expect& e = expects[i];
    const model::Operation& op = r.ops[i];
    std::string label = e.route.op_type;
    for (const Step& s : e.route.steps) label += "." + s.field + "<" + s.type + ">";
    label += "." + e.field + "<" + e.type + ">";
    ASSERT_TRUE(op.parse_errors.empty()) << label << ": " << op.parse_errors[0].field_path;
    const model::Node* n = &op.node;
    for (const Step& s : e.route.steps) {
      n = n->Child(s.field);
      ASSERT_NE(n, nullptr) << label;
      EXPECT_EQ(n->type(), s.type) << label;
    }
    n = n->Child(e.field);
    ASSERT_NE(n, nullptr) << label;
    EXPECT_EQ(n->type(), e.type) << label;
  }
}

INSTANTIATE_TEST_SUITE_P(Versions, OpReaderSchemaTest, ::testing::ValuesIn(Registry::Versions()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace bg::engine
