// The schema text format: parsing, canonical formatting, and the errors of malformed text.
#include "schema/schema_text.hpp"

#include <gtest/gtest.h>

#include "schema/embedded_schemas.hpp"

namespace bg::schema {
namespace {

constexpr std::string_view kSmall =
    "# a comment\n"
    "version v1\n"
    "namespace urn:test\n"
    "complex Base abstract\n"
    "  field id long req=SET,REMOVE ro=ADD\n"
    "  field Base.Type string marker\n"
    "complex Thing base=Base ops=ADD,REMOVE\n"
    "  field name string min=1 len=1..255 bytes trim sel=Name filt\n"
    "  field tags string list size=1..10 notempty=ADD filt=Tag\n"
    "  field bid double req ro range=0.01..1000\n"
    "  field count int range=..24 notempty\n"
    "complex Wrapper choice\n"
    "  field Thing Thing min=1\n"
    "enum Color base=string\n"
    "  value RED\n"
    "  value GREEN\n"
    "simple Text base=string\n"
    "complex ThingOperation base=Base\n"
    "operation ThingOperation\n";

TEST(SchemaText, ParsesEveryAttribute) {
  auto doc = ParseSchemaText(kSmall);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  EXPECT_EQ(doc->version, "v1");
  EXPECT_EQ(doc->ns, "urn:test");
  ASSERT_EQ(doc->types.size(), 6u);
  const TypeDef& base = doc->types[0];
  EXPECT_TRUE(base.abstract);
  EXPECT_EQ(base.fields[0].required_for, (std::vector<std::string>{"SET", "REMOVE"}));
  EXPECT_EQ(base.fields[0].read_only_for, (std::vector<std::string>{"ADD"}));
  EXPECT_TRUE(base.fields[1].is_marker);

  const TypeDef& thing = doc->types[1];
  EXPECT_EQ(thing.base, "Base");
  EXPECT_EQ(thing.supported_operators, (std::vector<std::string>{"ADD", "REMOVE"}));
  const FieldDef& name = thing.fields[0];
  EXPECT_EQ(name.min_occurs, 1);
  EXPECT_EQ(name.min_length, 1);
  EXPECT_EQ(name.max_length, 255);
  EXPECT_TRUE(name.length_in_bytes && name.length_trimmed);
  EXPECT_EQ(name.selectable, "Name");
  EXPECT_TRUE(name.filterable);
  EXPECT_EQ(name.filter_name, "");
  const FieldDef& tags = thing.fields[1];
  EXPECT_TRUE(tags.repeated);
  EXPECT_EQ(tags.min_list_size, 1);
  EXPECT_EQ(tags.max_list_size, 10);
  EXPECT_EQ(tags.not_empty_for, (std::vector<std::string>{"ADD"}));
  EXPECT_EQ(tags.filter_name, "Tag");
  const FieldDef& bid = thing.fields[2];
  EXPECT_DOUBLE_EQ(*bid.min_value, 0.01);
  EXPECT_DOUBLE_EQ(*bid.max_value, 1000);
  EXPECT_TRUE(bid.RequiredFor("ADD") && bid.ReadOnlyFor("SET"));
  const FieldDef& count = thing.fields[3];
  EXPECT_FALSE(count.min_value.has_value());
  EXPECT_EQ(count.max_value, 24.0);
  EXPECT_TRUE(count.not_empty);

  EXPECT_TRUE(doc->types[2].is_choice);
  EXPECT_EQ(doc->types[3].kind, Kind::kEnum);
  EXPECT_EQ(doc->types[3].enum_values, (std::vector<std::string>{"RED", "GREEN"}));
  EXPECT_EQ(doc->types[4].kind, Kind::kSimple);
  EXPECT_EQ(doc->types[4].base, "string");
  EXPECT_EQ(doc->operation_types, (std::vector<std::string>{"ThingOperation"}));
}

TEST(SchemaText, FormatIsCanonicalAndRoundTrips) {
  auto doc = ParseSchemaText(kSmall);
  ASSERT_TRUE(doc.ok());
  std::string text = FormatSchemaText(*doc);
  auto again = ParseSchemaText(text);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(FormatSchemaText(*again), text);
  // Comments aside, the small sample is already canonical.
  EXPECT_NE(text.find(std::string(kSmall.substr(kSmall.find("version")))), std::string::npos);
}

TEST(SchemaText, EmbeddedSchemasAreCanonical) {
  ASSERT_EQ(EmbeddedSchemas().size(), 2u);
  for (const auto& s : EmbeddedSchemas()) {
    auto whole = ParseSchemaText(s.text);
    ASSERT_TRUE(whole.ok()) << s.version << ": " << whole.status().message();
    EXPECT_EQ(whole->version, s.version);
    ASSERT_EQ(s.files.size(), 2u) << s.version;  // batchjob.schema, services.schema
    std::string joined;
    for (const auto& file : s.files) {
      auto doc = ParseSchemaText(file.text);
      ASSERT_TRUE(doc.ok()) << file.file << ": " << doc.status().message();
      EXPECT_EQ(doc->version, s.version);
      EXPECT_EQ(FormatSchemaText(*doc), file.text) << file.file;
      joined += file.text;
    }
    EXPECT_EQ(joined, s.text);
  }
  EXPECT_EQ(EmbeddedSchemaText("v201702").substr(0, 1), "#");
  EXPECT_TRUE(EmbeddedSchemaText("v1").empty());
}

constexpr std::string_view kServices =
    "version v1\n"
    "namespace urn:test\n"
    "complex Page abstract wsdl\n"
    "complex ThingPage base=Page wsdl\n"
    "  field entries Thing list\n"
    "service ThingService\n"
    "  type Base\n"
    "  type Thing\n"
    "  type Page\n"
    "  type ThingPage\n"
    "  element get\n"
    "    field selector string req\n"
    "  element getResponse\n"
    "    field rval ThingPage\n"
    "  element ApiExceptionFault type=Thing\n"
    "  element RequestHeader type=Thing\n"
    "  op get\n";

TEST(SchemaText, ServiceBlocksRoundTrip) {
  auto doc = ParseSchemaText(kServices);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  ASSERT_EQ(doc->types.size(), 2u);
  EXPECT_TRUE(doc->types[0].wsdl_only && doc->types[1].wsdl_only);
  ASSERT_EQ(doc->services.size(), 1u);
  const ServiceDef& s = doc->services[0];
  EXPECT_EQ(s.name, "ThingService");
  EXPECT_EQ(s.types, (std::vector<std::string>{"Base", "Thing", "Page", "ThingPage"}));
  ASSERT_EQ(s.elements.size(), 4u);
  EXPECT_EQ(s.elements[0].name, "get");
  ASSERT_EQ(s.elements[0].fields.size(), 1u);
  EXPECT_EQ(s.elements[0].fields[0].name, "selector");
  EXPECT_TRUE(s.elements[0].fields[0].required_all);
  EXPECT_EQ(s.elements[2].type, "Thing");
  EXPECT_TRUE(s.elements[2].fields.empty());
  EXPECT_EQ(s.operations, (std::vector<std::string>{"get"}));
  EXPECT_TRUE(s.HasHeaders());
  std::string text = FormatSchemaText(*doc);
  EXPECT_NE(text.find(std::string(kServices.substr(kServices.find("version")))), std::string::npos)
      << text;

  std::string error;
  std::string all = std::string(kSmall) + std::string(kServices);
  auto reg = Registry::Parse("v1", all, &error);
  ASSERT_TRUE(reg) << error;
  EXPECT_EQ(reg->Find("ThingPage"), nullptr);  // not part of the model
  ASSERT_NE(reg->FindWsdlType("ThingPage"), nullptr);
  EXPECT_EQ(reg->FindWsdlType("Thing"), reg->Find("Thing"));
  ASSERT_NE(reg->FindService("ThingService"), nullptr);
  EXPECT_EQ(reg->FindService("Nope"), nullptr);
  EXPECT_EQ(reg->wsdl_types().size(), 2u);
}

TEST(SchemaText, RegistryRejectsOpenServices) {
  std::string error;
  const std::string head = "version v1\ncomplex A\n  field b B\ncomplex B\n";
  EXPECT_FALSE(Registry::Parse("v1", head + "service S\n  type A\n", &error));
  EXPECT_NE(error.find("refers to type B it does not list"), std::string::npos) << error;
  EXPECT_FALSE(Registry::Parse("v1", head + "service S\n  type C\n", &error));
  EXPECT_NE(error.find("unknown type C"), std::string::npos) << error;
  EXPECT_FALSE(Registry::Parse("v1", head + "service S\n  type B\n  op get\n", &error));
  EXPECT_NE(error.find("lacks its elements"), std::string::npos) << error;
  EXPECT_FALSE(Registry::Parse("v1", head + "complex B wsdl\n", &error));
  EXPECT_NE(error.find("duplicate"), std::string::npos) << error;
  EXPECT_TRUE(Registry::Parse("v1", head + "service S\n  type A\n  type B\n", &error)) << error;
}

TEST(SchemaText, RejectsMalformedLines) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"version v1\nfield a long\n", "line 2: field outside a complex type"},
      {"version v1\ncomplex A\n  field a long frob\n", "line 3: bad field attribute 'frob'"},
      {"version v1\ncomplex A\n  field a long req=ADD,FOO\n", "bad field attribute"},
      {"version v1\ncomplex A\n  field a long len=x..2\n", "bad field attribute"},
      {"version v1\ncomplex A\n  field a long range=..\n", "bad field attribute"},
      {"version v1\ncomplex A sealed\n", "bad type attribute 'sealed'"},
      {"version v1\ncomplex A\n  value X\n", "value outside an enum"},
      {"version v1\nstruct A\n", "unknown keyword 'struct'"},
      {"complex A\n", "no version line"},
      {"version v1\n  type A\n", "type outside a service"},
      {"version v1\nservice S\n  element e type=\n", "element needs a name"},
      {"version v1\nservice S\n  element e type=T\n    field a long\n",
       "field in an element that has a type"},
      {"version v1\nservice S\n  op\n", "op needs exactly one name"},
  };
  for (const auto& c : cases) {
    auto doc = ParseSchemaText(c.text);
    ASSERT_FALSE(doc.ok()) << c.text;
    EXPECT_NE(doc.status().message().find(c.message), std::string::npos) << doc.status().message();
  }
}

TEST(SchemaText, RegistryRejectsBrokenGraphs) {
  std::string error;
  EXPECT_FALSE(Registry::Parse("v1", "version v1\ncomplex A base=Missing\n", &error));
  EXPECT_NE(error.find("unknown type Missing"), std::string::npos) << error;
  EXPECT_FALSE(Registry::Parse("v1", "version v1\ncomplex A base=B\ncomplex B base=A\n", &error));
  EXPECT_NE(error.find("cycle"), std::string::npos) << error;
  EXPECT_FALSE(Registry::Parse("v1", "version v1\ncomplex A\ncomplex A\n", &error));
  EXPECT_NE(error.find("duplicate"), std::string::npos) << error;
  EXPECT_FALSE(Registry::Parse("v1", "version v1\noperation XOperation\n", &error));
  EXPECT_FALSE(Registry::Parse("v2", "version v1\n", &error));
  EXPECT_TRUE(Registry::Parse("v1", kSmall, &error)) << error;
}

}  // namespace
}  // namespace bg::schema
