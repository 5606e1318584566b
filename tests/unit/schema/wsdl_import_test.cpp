// The WSDL importer: on small hand-written WSDLs, and on the reference WSDLs, whose import must
// equal the committed schema files (so those cannot drift from their source).
#include "schema/wsdl_import.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "schema/embedded_schemas.hpp"
#include "schema/wsdl_constraints.hpp"

namespace bg::schema {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path MakeTempDir() {
  std::string tmpl = ::testing::TempDir() + "wsdl_import_XXXXXX";
  char* dir = mkdtemp(tmpl.data());
  EXPECT_NE(dir, nullptr);
  return fs::path(tmpl);
}

void WriteFile(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// A minimal WSDL around `schema_body`; documentation spans are entity-escaped as Google's are.
std::string Wsdl(const std::string& schema_body, const std::string& ns = "urn:test/v9") {
  return "<?xml version=\"1.0\"?>\n"
         "<wsdl:definitions xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\" "
         "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"" +
         ns +
         "\">\n"
         "<wsdl:types><schema xmlns=\"http://www.w3.org/2001/XMLSchema\" xmlns:tns=\"" +
         ns + "\" targetNamespace=\"" + ns + "\">\n" + schema_body +
         "</schema></wsdl:types></wsdl:definitions>\n";
}

std::string Span(const std::string& kind, const std::string& sentence) {
  return "&lt;span class=\"constraint " + kind + "\"&gt;" + sentence + "&lt;/span&gt;";
}

std::string Doc(const std::string& text) {
  return "<annotation><documentation>" + text + "</documentation></annotation>";
}

const std::string kTypes =
    "<complexType name=\"Operation\" abstract=\"true\"><sequence>"
    "<element maxOccurs=\"1\" minOccurs=\"0\" name=\"operator\" type=\"tns:Operator\"/>"
    "<element maxOccurs=\"1\" minOccurs=\"0\" name=\"Operation.Type\" type=\"xsd:string\"/>"
    "</sequence></complexType>\n"
    "<complexType name=\"Thing\"><annotation><documentation>Prose that is dropped."
    "</documentation></annotation><sequence>"
    "<element maxOccurs=\"1\" minOccurs=\"0\" name=\"id\" type=\"xsd:long\">" +
    Doc("An id. " +
        Span("ReadOnly", "This field is read only for the following {@link Operator}s: ADD.") +
        "\n   " +
        Span("Required", "This field is\n   required for {@link Operator}s : SET, REMOVE.") +
        Span("Selectable", "Selected using the value \"Id\".") + Span("Filterable", "Filtered.")) +
    "</element>"
    "<element maxOccurs=\"1\" minOccurs=\"1\" name=\"name\" type=\"xsd:string\">" +
    Doc(Span("StringLength",
             "The length should be between 1 and 40, inclusive, in UTF-8 bytes, "
             "(trimmed).") +
        Span("AdxEnabled", "Not a field fact.")) +
    "</element>"
    "<element maxOccurs=\"unbounded\" minOccurs=\"0\" name=\"urls\" type=\"xsd:string\">" +
    Doc(Span("CollectionSize", "The maximum size of this collection is 3.") +
        Span("NotEmptyForOperators", "At least one element within {@link Operator}s: ADD.")) +
    "</element>"
    "<element maxOccurs=\"1\" minOccurs=\"0\" name=\"bid\" type=\"xsd:double\">" +
    Doc(Span("InRange", "This field must be between 0.5 and 10.0, inclusive.")) +
    "</element>"
    "</sequence></complexType>\n"
    "<complexType name=\"ThingOperation\"><complexContent><extension base=\"tns:Operation\">"
    "<sequence><element maxOccurs=\"1\" minOccurs=\"0\" name=\"operand\" type=\"tns:Thing\">" +
    Doc(Span("Required", "This field is required and should not be {@code null}.")) +
    "</element></sequence></extension></complexContent></complexType>\n"
    "<complexType name=\"BatchJobOperation\"><complexContent><extension base=\"tns:Operation\"/>"
    "</complexContent></complexType>\n"
    "<complexType name=\"Operand\"><choice>"
    "<element maxOccurs=\"1\" minOccurs=\"1\" name=\"Thing\" type=\"tns:Thing\"/>"
    "</choice></complexType>\n"
    "<simpleType name=\"Operator\"><restriction base=\"xsd:string\">"
    "<enumeration value=\"ADD\"/><enumeration value=\"REMOVE\"/><enumeration value=\"SET\"/>"
    "</restriction></simpleType>\n"
    "<element name=\"mutate\"><complexType><sequence>"
    "<element maxOccurs=\"unbounded\" minOccurs=\"0\" name=\"operations\" type=\"tns:Operation\"/>"
    "</sequence></complexType></element>\n";

const std::string kService =
    "<element name=\"mutate\"><complexType><sequence>"
    "<element maxOccurs=\"unbounded\" minOccurs=\"0\" name=\"operations\" "
    "type=\"tns:ThingOperation\">" +
    Doc(Span("SupportedOperators", "The following {@link Operator}s are supported: SET, ADD.")) +
    "</element></sequence></complexType></element>\n";

const char kExpected[] =
    "version v9\n"
    "namespace urn:test/v9\n"
    "complex BatchJobOperation base=Operation\n"
    "complex Operand choice\n"
    "  field Thing Thing min=1\n"
    "complex Operation abstract\n"
    "  field operator Operator\n"
    "  field Operation.Type string marker\n"
    "enum Operator base=string\n"
    "  value ADD\n"
    "  value REMOVE\n"
    "  value SET\n"
    "complex Thing\n"
    "  field id long req=SET,REMOVE ro=ADD sel=Id filt\n"
    "  field name string min=1 len=1..40 bytes trim\n"
    "  field urls string list size=..3 notempty=ADD\n"
    "  field bid double range=0.5..10\n"
    "complex ThingOperation base=Operation ops=ADD,SET\n"
    "  field operand Thing req\n"
    "operation ThingOperation\n";

TEST(WsdlImport, SmallWsdlsGiveExactFacts) {
  fs::path dir = MakeTempDir();
  WriteFile(dir / "BatchJobOpsService.wsdl", Wsdl(kTypes));
  WriteFile(dir / "ThingService.wsdl", Wsdl(kService));
  auto text = ImportWsdl(std::vector<std::string>{dir.string()});
  ASSERT_TRUE(text.ok()) << text.status().message();
  std::string body = text->substr(text->find("version"));
  EXPECT_EQ(body, kExpected);
  std::string error;
  auto reg = Registry::Parse("v9", *text, &error);
  ASSERT_TRUE(reg) << error;
  EXPECT_EQ(reg->OperandElementFor("Thing"), "Thing");
  EXPECT_EQ(text->find("Prose"), std::string::npos);
}

TEST(WsdlImport, ClassifiesPaths) {
  fs::path dir = MakeTempDir();
  WriteFile(dir / "BatchJobService.wsdl", "");
  WriteFile(dir / "AdGroupService.wsdl", "");
  WriteFile(dir / "notes.txt", "");
  auto in = ClassifyWsdlPaths({dir.string()});
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->type_wsdls, (std::vector<std::string>{(dir / "BatchJobService.wsdl").string()}));
  EXPECT_EQ(in->service_wsdls, (std::vector<std::string>{(dir / "AdGroupService.wsdl").string()}));
  EXPECT_FALSE(ClassifyWsdlPaths({(dir / "missing.wsdl").string()}).ok());
  EXPECT_FALSE(ClassifyWsdlPaths({(dir / "AdGroupService.wsdl").string()}).ok());  // no types
}

TEST(WsdlImport, RejectsWhatItCannotRepresent) {
  fs::path dir = MakeTempDir();
  auto import_one = [&](const std::string& body) {
    WriteFile(dir / "BatchJobOpsService.wsdl", Wsdl(body));
    return ImportWsdl(std::vector<std::string>{(dir / "BatchJobOpsService.wsdl").string()});
  };
  auto odd_wording = import_one(
      "<complexType name=\"A\"><sequence><element name=\"x\" type=\"xsd:long\">" +
      Doc(Span("InRange", "This field must be odd.")) + "</element></sequence></complexType>");
  ASSERT_FALSE(odd_wording.ok());
  EXPECT_NE(odd_wording.status().message().find("unrecognised InRange"), std::string::npos);
  EXPECT_FALSE(import_one("<complexType name=\"A\"><all/></complexType>").ok());
  EXPECT_FALSE(import_one("<complexType name=\"A\"><sequence><element ref=\"tns:B\"/>"
                          "</sequence></complexType>")
                   .ok());
  EXPECT_FALSE(
      import_one("<simpleType name=\"S\"><list itemType=\"xsd:string\"/></simpleType>").ok());
  WriteFile(dir / "BatchJobOpsService.wsdl", "<not-closed>");
  EXPECT_FALSE(ImportWsdl(std::vector<std::string>{dir.string()}).ok());
}

TEST(WsdlImport, ConflictingDefinitionsAreAnError) {
  fs::path dir = MakeTempDir();
  WriteFile(dir / "BatchJobOpsService.wsdl",
            Wsdl("<complexType name=\"A\"><sequence><element name=\"x\" type=\"xsd:long\"/>"
                 "</sequence></complexType>"));
  WriteFile(dir / "BatchJobService.wsdl",
            Wsdl("<complexType name=\"A\"><sequence><element name=\"x\" type=\"xsd:int\"/>"
                 "</sequence></complexType>"));
  auto text = ImportWsdl(std::vector<std::string>{dir.string()});
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("type A differs"), std::string::npos);
  WriteFile(dir / "BatchJobService.wsdl", Wsdl("", "urn:test/v10"));
  EXPECT_FALSE(ImportWsdl(std::vector<std::string>{dir.string()}).ok());  // mixed versions
}

TEST(WsdlConstraints, SentenceShapes) {
  FieldDef f;
  auto apply = [&f](const std::string& kind, const std::string& sentence) {
    f = FieldDef();
    return ApplyFieldConstraints({{kind, sentence}}, &f);
  };
  ASSERT_TRUE(apply("ReadOnly", "This field is read only, ignored when sent.").ok());
  EXPECT_TRUE(f.read_only_all);
  ASSERT_TRUE(apply("ReadOnly", "It is read only for {@link Operator}s: REMOVE and SET.").ok());
  EXPECT_EQ(f.read_only_for, (std::vector<std::string>{"SET", "REMOVE"}));
  EXPECT_FALSE(apply("ReadOnly", "It is read only for {@link Operator}s: none.").ok());
  ASSERT_TRUE(apply("StringLength", "This string must not be empty.").ok());
  EXPECT_EQ(f.min_length, 1);
  EXPECT_FALSE(f.max_length.has_value());
  EXPECT_FALSE(f.length_trimmed);
  ASSERT_TRUE(apply("InRange", "This field must be greater than or equal to 0.").ok());
  EXPECT_EQ(f.min_value, 0.0);
  EXPECT_FALSE(f.max_value.has_value());
  ASSERT_TRUE(apply("CollectionSize", "The minimum size of this collection is 1.").ok());
  EXPECT_EQ(f.min_list_size, 1);
  ASSERT_TRUE(apply("NotEmpty", "This field must contain at least one element.").ok());
  EXPECT_TRUE(f.not_empty);
  ASSERT_TRUE(apply("Filterable", "Filtered using the value \"ParentId\".").ok());
  EXPECT_EQ(f.filter_name, "ParentId");
  EXPECT_FALSE(apply("CollectionSize", "Collections are nice.").ok());
  EXPECT_TRUE(apply("MatchesRegex", "Anything at all.").ok());  // not a recorded fact

  auto spans = ExtractConstraints(
      "x <span class=\"constraint A\">one\n  two</span> y <span class=\"constraint B\">3</span>");
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].kind, "A");
  EXPECT_EQ(spans[0].text, "one two");
  EXPECT_EQ(spans[1].kind, "B");
}

class ReferenceImport : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceImport, EqualsCommittedSchema) {
  const std::string version = GetParam();
  fs::path wsdls = fs::path(BG_REFERENCE_DIR) / "wsdl" / version;
  if (!fs::exists(wsdls / "BatchJobService.wsdl")) GTEST_SKIP() << "no reference WSDLs";
  auto text = ImportWsdl(std::vector<std::string>{wsdls.string()});
  ASSERT_TRUE(text.ok()) << text.status().message();
  fs::path committed = fs::path(BG_SOURCE_DIR) / "schema" / version / "batchjob.schema";
  EXPECT_TRUE(*text == ReadFile(committed))
      << committed << " differs from a fresh import; run `batchgate schema import "
      << wsdls.string() << " -o " << committed.string() << "`";
  auto inputs = ClassifyWsdlPaths({wsdls.string()});
  ASSERT_TRUE(inputs.ok());
  auto files = ImportWsdlFiles(*inputs);
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_TRUE(files->batchjob == *text);
  fs::path services = fs::path(BG_SOURCE_DIR) / "schema" / version / "services.schema";
  EXPECT_TRUE(files->services == ReadFile(services))
      << services << " differs from a fresh import; run `batchgate schema import " << wsdls.string()
      << " -o " << services.parent_path().string() << "`";
  EXPECT_TRUE(*text + files->services == EmbeddedSchemaText(version))
      << "the embedded copy is stale: rebuild";
}

TEST_P(ReferenceImport, EveryWsdlBecomesAService) {
  const std::string version = GetParam();
  fs::path wsdls = fs::path(BG_REFERENCE_DIR) / "wsdl" / version;
  if (!fs::exists(wsdls / "BatchJobService.wsdl")) GTEST_SKIP() << "no reference WSDLs";
  auto inputs = ClassifyWsdlPaths({wsdls.string()});
  ASSERT_TRUE(inputs.ok());
  auto doc = ImportServicesDoc(*inputs);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  EXPECT_EQ(doc->services.size(), inputs->type_wsdls.size() + inputs->service_wsdls.size());
  for (const auto& t : doc->types) EXPECT_TRUE(t.wsdl_only) << t.name;
  const Registry* reg = Registry::Get(version);
  ASSERT_NE(reg, nullptr);
  const ServiceDef* bjs = reg->FindService("BatchJobService");
  ASSERT_NE(bjs, nullptr);
  EXPECT_EQ(bjs->operations, (std::vector<std::string>{"get", "mutate", "query"}));
  EXPECT_TRUE(bjs->HasHeaders());
  EXPECT_EQ(bjs->types.size(), 70u);  // the 70 QNames of the Axis stub (reference §1.1)
  const ServiceDef* ops = reg->FindService("BatchJobOpsService");
  ASSERT_NE(ops, nullptr);
  EXPECT_FALSE(ops->HasHeaders());
  const ServiceDef* campaigns = reg->FindService("CampaignService");
  ASSERT_NE(campaigns, nullptr);
  EXPECT_EQ(campaigns->operations,
            (std::vector<std::string>{"get", "mutate", "mutateLabel", "query"}));
  ASSERT_NE(campaigns->FindElement("mutate"), nullptr);
  EXPECT_EQ(campaigns->FindElement("mutate")->fields.at(0).type, "CampaignOperation");
  // Service-only types are served but stay out of the upload/result model.
  EXPECT_EQ(reg->Find("CampaignPage"), nullptr);
  EXPECT_NE(reg->FindWsdlType("CampaignPage"), nullptr);
}

TEST(WsdlImport, UnconventionalServiceWsdlIsAnError) {
  fs::path dir = MakeTempDir();
  auto service_wsdl = [](const std::string& port_type) {
    std::string w = Wsdl("<element name=\"get\"><complexType><sequence/></complexType></element>");
    std::string tail =
        "<wsdl:message name=\"getRequest\"><wsdl:part element=\"tns:get\" name=\"parameters\"/>"
        "</wsdl:message><wsdl:portType name=\"" +
        port_type +
        "\"/>"
        "<wsdl:binding name=\"ThingServiceSoapBinding\"/><wsdl:service name=\"ThingService\">"
        "<wsdl:port name=\"ThingServiceInterfacePort\"/></wsdl:service>";
    return w.insert(w.rfind("</wsdl:definitions>"), tail);
  };
  WriteFile(dir / "BatchJobOpsService.wsdl", Wsdl(kTypes));
  WriteFile(dir / "ThingService.wsdl", service_wsdl("ThingServiceInterface"));
  auto inputs = ClassifyWsdlPaths({dir.string()});
  ASSERT_TRUE(inputs.ok());
  auto doc = ImportServicesDoc(*inputs);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  ASSERT_EQ(doc->services.size(), 1u);  // the types-only WSDL has no <wsdl:service>
  EXPECT_EQ(doc->services[0].name, "ThingService");
  WriteFile(dir / "ThingService.wsdl", service_wsdl("Other"));
  doc = ImportServicesDoc(*inputs);
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("portType name"), std::string::npos);
}

TEST_P(ReferenceImport, RunSchemaImportWritesTheFile) {
  const std::string version = GetParam();
  fs::path wsdls = fs::path(BG_REFERENCE_DIR) / "wsdl" / version;
  if (!fs::exists(wsdls / "BatchJobService.wsdl")) GTEST_SKIP() << "no reference WSDLs";
  fs::path out = MakeTempDir() / "out.schema";
  EXPECT_EQ(RunSchemaImport({(wsdls / "BatchJobService.wsdl").string(),
                             (wsdls / "BatchJobOpsService.wsdl").string()},
                            out.string()),
            0);
  std::string text = ReadFile(out);
  std::string error;
  auto reg = Registry::Parse(version, text, &error);
  ASSERT_TRUE(reg) << error;
  EXPECT_EQ(reg->OperationTypes(), Registry::Get(version)->OperationTypes());
  EXPECT_TRUE(reg->Find("AdGroupOperation")->supported_operators.empty());  // no service WSDLs
  EXPECT_NE(RunSchemaImport({(wsdls / "nope.wsdl").string()}, out.string()), 0);
}

INSTANTIATE_TEST_SUITE_P(Schema, ReferenceImport, ::testing::ValuesIn(Registry::Versions()));

}  // namespace
}  // namespace bg::schema
