// Facts of the embedded registries of every version (schema/<version>/batchjob.schema).
#include "schema/registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

namespace bg::schema {
namespace {

const Registry& Reg(std::string_view version) {
  const Registry* r = Registry::Get(version);
  EXPECT_NE(r, nullptr) << version;
  return *r;
}

std::vector<std::string> Names(const std::vector<const FieldDef*>& fields) {
  std::vector<std::string> out;
  for (const auto* f : fields) out.push_back(f->name);
  return out;
}

// The supported versions are exactly the directories of schema/ that hold schema files.
TEST(Registry, VersionsAreTheSchemaDirectories) {
  std::vector<std::string> dirs;
  for (const auto& e : std::filesystem::directory_iterator(BG_SOURCE_DIR "/schema")) {
    if (!e.is_directory()) continue;
    for (const auto& f : std::filesystem::directory_iterator(e.path())) {
      if (f.path().extension() == ".schema") {
        dirs.push_back(e.path().filename().string());
        break;
      }
    }
  }
  std::sort(dirs.begin(), dirs.end());
  EXPECT_EQ(Registry::Versions(), dirs);
  EXPECT_GE(dirs.size(), 2u);  // v201702 and v201809 at least
  for (const std::string& v : Registry::Versions()) {
    ASSERT_NE(Registry::Get(v), nullptr) << v;
    EXPECT_EQ(Registry::Get(v)->version(), v);
  }
}

class EveryVersion : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryVersion, LoadsWithVersionAndNamespace) {
  const Registry& r = Reg(GetParam());
  EXPECT_EQ(r.version(), GetParam());
  EXPECT_EQ(r.ns(), std::string("https://adwords.google.com/api/adwords/cm/") + GetParam());
  EXPECT_EQ(Registry::Get(GetParam()), &r);  // parsed once
}

TEST_P(EveryVersion, BudgetFieldOrder) {
  EXPECT_EQ(Names(Reg(GetParam()).AllFields("Budget")),
            (std::vector<std::string>{"budgetId", "name", "amount", "deliveryMethod",
                                      "referenceCount", "isExplicitlyShared", "status"}));
}

TEST_P(EveryVersion, InheritanceAndMarkers) {
  const Registry& r = Reg(GetParam());
  ASSERT_NE(r.Find("Keyword"), nullptr);
  EXPECT_EQ(r.Find("Keyword")->base, "Criterion");
  EXPECT_TRUE(r.IsSubtypeOf("Keyword", "Criterion"));
  EXPECT_TRUE(r.IsSubtypeOf("BiddableAdGroupCriterion", "AdGroupCriterion"));
  EXPECT_TRUE(r.IsSubtypeOf("AdGroupCriterion", "AdGroupCriterion"));
  EXPECT_FALSE(r.IsSubtypeOf("AdGroupCriterion", "BiddableAdGroupCriterion"));
  EXPECT_FALSE(r.IsSubtypeOf("Keyword", "Ad"));

  const FieldDef* marker = r.MarkerField("Criterion");
  ASSERT_NE(marker, nullptr);
  EXPECT_EQ(marker->name, "Criterion.Type");
  EXPECT_TRUE(marker->is_marker);
  EXPECT_EQ(r.MarkerField("Keyword"), marker);  // inherited
  EXPECT_EQ(r.MarkerField("BudgetOperation")->name, "Operation.Type");
  EXPECT_EQ(r.MarkerField("Budget"), nullptr);

  // Base fields first, then the type's own.
  EXPECT_EQ(Names(r.AllFields("Keyword")),
            (std::vector<std::string>{"id", "type", "Criterion.Type", "text", "matchType"}));
  const FieldDef* id = r.FindField("Keyword", "id");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->type, "long");
  EXPECT_EQ(id, r.FindField("Criterion", "id"));
  EXPECT_EQ(r.FindField("Keyword", "headlinePart1"), nullptr);
  EXPECT_EQ(r.FindField("NoSuchType", "id"), nullptr);
  EXPECT_TRUE(r.AllFields("NoSuchType").empty());
}

TEST_P(EveryVersion, Kinds) {
  const Registry& r = Reg(GetParam());
  EXPECT_TRUE(r.IsComplex("Budget"));
  EXPECT_FALSE(r.IsComplex("Budget.BudgetStatus"));
  EXPECT_TRUE(r.IsEnum("Budget.BudgetStatus"));
  for (const char* builtin : {"long", "int", "string", "boolean", "double", "dateTime"}) {
    EXPECT_FALSE(r.IsComplex(builtin)) << builtin;
    EXPECT_FALSE(r.IsEnum(builtin)) << builtin;
  }
  EXPECT_TRUE(r.Find("Operand")->is_choice);
  EXPECT_TRUE(r.Find("Operation")->abstract);
  EXPECT_FALSE(r.Find("Criterion")->abstract);
}

TEST_P(EveryVersion, Constraints) {
  const Registry& r = Reg(GetParam());
  const FieldDef* id = r.FindField("AdGroup", "id");
  ASSERT_NE(id, nullptr);
  EXPECT_TRUE(id->ReadOnlyFor("ADD"));
  EXPECT_FALSE(id->ReadOnlyFor("SET"));
  EXPECT_TRUE(id->RequiredFor("SET"));
  EXPECT_FALSE(id->RequiredFor("ADD"));

  const FieldDef* name = r.FindField("Budget", "name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->min_length, 1);
  EXPECT_EQ(name->max_length, 255);
  EXPECT_TRUE(name->length_in_bytes);
  EXPECT_TRUE(name->length_trimmed);
  EXPECT_TRUE(name->ReadOnlyFor("REMOVE"));

  const FieldDef* status = r.FindField("Budget", "status");
  EXPECT_TRUE(status->ReadOnlyFor("ADD") && status->ReadOnlyFor("SET"));
  EXPECT_EQ(r.FindField("Budget", "amount")->min_value, 1.0);
  EXPECT_EQ(r.FindField("Ad", "finalUrls")->max_list_size, 10);
  EXPECT_TRUE(r.FindField("Ad", "finalUrls")->repeated);
  EXPECT_TRUE(r.FindField("BudgetOperation", "operator")->RequiredFor("REMOVE"));

  const FieldDef* job_id = r.FindField("BatchJob", "id");
  EXPECT_EQ(job_id->selectable, "Id");
  EXPECT_TRUE(job_id->filterable);
}

TEST_P(EveryVersion, BatchJobStatusEnum) {
  const TypeDef* t = Reg(GetParam()).Find("BatchJobStatus");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->kind, Kind::kEnum);
  EXPECT_EQ(t->enum_values, (std::vector<std::string>{"UNKNOWN", "AWAITING_FILE", "ACTIVE",
                                                      "CANCELING", "CANCELED", "DONE"}));
}

TEST_P(EveryVersion, OperandElementFor) {
  const Registry& r = Reg(GetParam());
  EXPECT_EQ(r.OperandElementFor("BiddableAdGroupCriterion"), "AdGroupCriterion");
  EXPECT_EQ(r.OperandElementFor("NegativeAdGroupCriterion"), "AdGroupCriterion");
  EXPECT_EQ(r.OperandElementFor("AdGroupCriterion"), "AdGroupCriterion");
  EXPECT_EQ(r.OperandElementFor("NegativeCampaignCriterion"), "CampaignCriterion");
  EXPECT_EQ(r.OperandElementFor("Budget"), "Budget");
  EXPECT_EQ(r.OperandElementFor("ExpandedTextAd"), "Ad");
  EXPECT_EQ(r.OperandElementFor("Keyword"), "");
  EXPECT_EQ(r.OperandElementFor("NoSuchType"), "");
}

TEST_P(EveryVersion, SupportedOperators) {
  const Registry& r = Reg(GetParam());
  EXPECT_EQ(r.Find("AdGroupOperation")->supported_operators,
            (std::vector<std::string>{"ADD", "SET"}));
  EXPECT_EQ(r.Find("AdGroupLabelOperation")->supported_operators,
            (std::vector<std::string>{"ADD", "REMOVE"}));
  EXPECT_EQ(r.Find("BatchJobOperation")->supported_operators,
            (std::vector<std::string>{"ADD", "SET"}));
  EXPECT_TRUE(r.Find("BudgetOperation")->supported_operators.empty());  // all
}

// Every field's type is an XSD built-in or a type of the registry, and every operation type
// extends Operation.
TEST_P(EveryVersion, Closed) {
  const Registry& r = Reg(GetParam());
  const std::set<std::string> builtins = {"long",   "int",      "string",      "boolean",
                                          "double", "dateTime", "base64Binary"};
  for (const auto& t : r.types()) {
    for (const auto& f : t.fields) {
      EXPECT_TRUE(builtins.contains(f.type) || r.Find(f.type) != nullptr)
          << t.name << "." << f.name << ": " << f.type;
    }
  }
  for (const auto& op : r.OperationTypes()) EXPECT_TRUE(r.IsSubtypeOf(op, "Operation")) << op;
}

INSTANTIATE_TEST_SUITE_P(Schema, EveryVersion, ::testing::ValuesIn(Registry::Versions()));

const std::vector<std::string> k201702Ops = {"AdGroupAdLabelOperation",
                                             "AdGroupAdOperation",
                                             "AdGroupBidModifierOperation",
                                             "AdGroupCriterionLabelOperation",
                                             "AdGroupCriterionOperation",
                                             "AdGroupExtensionSettingOperation",
                                             "AdGroupLabelOperation",
                                             "AdGroupOperation",
                                             "BudgetOperation",
                                             "CampaignCriterionOperation",
                                             "CampaignExtensionSettingOperation",
                                             "CampaignLabelOperation",
                                             "CampaignOperation",
                                             "CustomerExtensionSettingOperation",
                                             "FeedItemOperation"};

TEST(Registry, OperationTypesV201702) { EXPECT_EQ(Reg("v201702").OperationTypes(), k201702Ops); }

TEST(Registry, OperationTypesV201809) {
  std::vector<std::string> want = k201702Ops;
  for (const char* extra : {"CampaignSharedSetOperation", "SharedCriterionOperation",
                            "SharedSetOperation", "FeedItemTargetOperation"}) {
    want.push_back(extra);
  }
  std::sort(want.begin(), want.end());
  EXPECT_EQ(Reg("v201809").OperationTypes(), want);
  EXPECT_EQ(want.size(), 19u);
}

TEST(Registry, VersionDifferences) {
  EXPECT_NE(Reg("v201809").FindField("ExpandedTextAd", "headlinePart3"), nullptr);
  EXPECT_EQ(Reg("v201702").FindField("ExpandedTextAd", "headlinePart3"), nullptr);
  EXPECT_NE(Reg("v201702").Find("AdGroupAd.ApprovalStatus"), nullptr);
  EXPECT_EQ(Reg("v201809").Find("AdGroupAd.ApprovalStatus"), nullptr);
  EXPECT_EQ(Reg("v201702").Find("Operand")->fields.size(), 19u);
  EXPECT_EQ(Reg("v201809").Find("Operand")->fields.size(), 24u);
}

TEST(Registry, AbstractTypes) {
  std::set<std::string> abstract;
  for (const auto& t : Reg("v201702").types()) {
    if (t.abstract) abstract.insert(t.name);
  }
  // The Ops schema's abstract types, plus two from BatchJobService.wsdl.
  EXPECT_EQ(abstract, (std::set<std::string>{"ApiError", "BiddingScheme", "Bids", "ComparableValue",
                                             "CriterionParameter", "FunctionArgumentOperand",
                                             "ListReturnValue", "NumberValue", "Operation", "Page",
                                             "ProductDimension", "RichMediaAd", "Setting"}));
}

TEST(Registry, UnknownVersion) {
  EXPECT_EQ(Registry::Get("v201605"), nullptr);
  EXPECT_EQ(Registry::Get(""), nullptr);
}

TEST(Registry, GetIsThreadSafe) {
  std::vector<std::thread> threads;
  std::vector<const Registry*> got(8);
  for (size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&got, i] { got[i] = Registry::Get(i % 2 ? "v201702" : "v201809"); });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_NE(got[i], nullptr);
    EXPECT_EQ(got[i], Registry::Get(i % 2 ? "v201702" : "v201809"));
  }
}

}  // namespace
}  // namespace bg::schema
