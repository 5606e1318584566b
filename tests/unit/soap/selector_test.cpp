// The selector engine on its own: the field table, every predicate operator, the checks with
// their real error reasons, ordering on every selectable field, paging, and ReadSelector.
#include "soap/selector.hpp"

#include <gtest/gtest.h>

#include "soap/envelope.hpp"

namespace bg::soap {
namespace {

using model::JobStatus;
using Strings = std::vector<std::string>;

std::vector<std::string> ErrorStrings(const Status& s) {
  std::vector<std::string> out;
  for (const ApiError& e : s.api_errors()) {
    out.push_back(e.ErrorString() + " @ " + e.field_path + " '" + e.trigger + "'");
  }
  return out;
}

Status Check(const Selector& s) { return ValidateSelector(s).status(); }

Selector Ids(std::vector<Predicate> predicates = {}) {
  Selector s;
  s.fields = {"Id"};
  s.predicates = std::move(predicates);
  return s;
}

TEST(SelectorFieldsTest, BatchJobFieldTable) {
  for (const char* name : {"Id", "Status", "ProgressStats", "DownloadUrl", "ProcessingErrors"}) {
    const SelectorField* f = FindBatchJobField(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->filterable, std::string_view(name) == "Id") << name;
  }
  EXPECT_EQ(FindBatchJobField("Id")->kind, FieldKind::kLong);
  for (const char* name : {"id", "ID", "UploadUrl", "DiskUsageQuotaBalance", "status", ""}) {
    EXPECT_EQ(FindBatchJobField(name), nullptr) << name;
  }
}

TEST(SelectorOperatorsTest, WhichOperatorsApplyToWhichKinds) {
  const char* kComparisons[] = {"EQUALS",    "NOT_EQUALS",      "IN",
                                "NOT_IN",    "GREATER_THAN",    "GREATER_THAN_EQUALS",
                                "LESS_THAN", "LESS_THAN_EQUALS"};
  const char* kText[] = {"STARTS_WITH",      "STARTS_WITH_IGNORE_CASE",
                         "CONTAINS",         "CONTAINS_IGNORE_CASE",
                         "DOES_NOT_CONTAIN", "DOES_NOT_CONTAIN_IGNORE_CASE"};
  const char* kList[] = {"CONTAINS_ANY", "CONTAINS_ALL", "CONTAINS_NONE"};
  for (const char* op : kComparisons) {
    EXPECT_TRUE(IsPredicateOperator(op));
    EXPECT_TRUE(OperatorApplies(op, FieldKind::kLong)) << op;
    EXPECT_TRUE(OperatorApplies(op, FieldKind::kString)) << op;
    EXPECT_FALSE(OperatorApplies(op, FieldKind::kList)) << op;
    EXPECT_FALSE(OperatorApplies(op, FieldKind::kObject)) << op;
    EXPECT_EQ(IsMultiValueOperator(op),
              std::string_view(op) == "IN" || std::string_view(op) == "NOT_IN")
        << op;
  }
  for (const char* op : kText) {
    EXPECT_TRUE(IsPredicateOperator(op));
    EXPECT_FALSE(OperatorApplies(op, FieldKind::kLong)) << op;
    EXPECT_TRUE(OperatorApplies(op, FieldKind::kString)) << op;
    EXPECT_FALSE(OperatorApplies(op, FieldKind::kEnum)) << op;
    EXPECT_FALSE(IsMultiValueOperator(op)) << op;
  }
  for (const char* op : kList) {
    EXPECT_TRUE(IsPredicateOperator(op));
    EXPECT_FALSE(OperatorApplies(op, FieldKind::kLong)) << op;
    EXPECT_TRUE(OperatorApplies(op, FieldKind::kList)) << op;
    EXPECT_TRUE(IsMultiValueOperator(op)) << op;
  }
  EXPECT_TRUE(OperatorApplies("IN", FieldKind::kEnum));
  EXPECT_FALSE(OperatorApplies("GREATER_THAN", FieldKind::kEnum));
  EXPECT_TRUE(IsPredicateOperator("UNKNOWN"));
  for (FieldKind k : {FieldKind::kLong, FieldKind::kString, FieldKind::kEnum, FieldKind::kList,
                      FieldKind::kObject}) {
    EXPECT_FALSE(OperatorApplies("UNKNOWN", k));
  }
  EXPECT_FALSE(IsPredicateOperator("equals"));
  EXPECT_FALSE(IsPredicateOperator("LIKE"));
}

TEST(SelectorOperatorsTest, LongComparisons) {
  EXPECT_TRUE(MatchLong("EQUALS", {5}, 5));
  EXPECT_FALSE(MatchLong("EQUALS", {5}, 6));
  EXPECT_TRUE(MatchLong("NOT_EQUALS", {5}, 6));
  EXPECT_FALSE(MatchLong("NOT_EQUALS", {5}, 5));
  EXPECT_TRUE(MatchLong("IN", {1, 5, 9}, 5));
  EXPECT_FALSE(MatchLong("IN", {1, 9}, 5));
  EXPECT_TRUE(MatchLong("NOT_IN", {1, 9}, 5));
  EXPECT_FALSE(MatchLong("NOT_IN", {1, 5}, 5));
  EXPECT_TRUE(MatchLong("GREATER_THAN", {4}, 5));
  EXPECT_FALSE(MatchLong("GREATER_THAN", {5}, 5));
  EXPECT_TRUE(MatchLong("GREATER_THAN_EQUALS", {5}, 5));
  EXPECT_FALSE(MatchLong("GREATER_THAN_EQUALS", {6}, 5));
  EXPECT_TRUE(MatchLong("LESS_THAN", {6}, 5));
  EXPECT_FALSE(MatchLong("LESS_THAN", {5}, 5));
  EXPECT_TRUE(MatchLong("LESS_THAN_EQUALS", {5}, 5));
  EXPECT_FALSE(MatchLong("LESS_THAN_EQUALS", {4}, 5));
  // Numeric, not textual: 10 > 9.
  EXPECT_TRUE(MatchLong("GREATER_THAN", {9}, 10));
  EXPECT_TRUE(MatchLong("LESS_THAN", {-1}, INT64_MIN));
}

TEST(SelectorOperatorsTest, TextOperators) {
  EXPECT_TRUE(MatchText("EQUALS", {"Abc"}, "Abc"));
  EXPECT_FALSE(MatchText("EQUALS", {"abc"}, "Abc"));
  EXPECT_TRUE(MatchText("NOT_EQUALS", {"abc"}, "Abc"));
  EXPECT_TRUE(MatchText("IN", {"x", "Abc"}, "Abc"));
  EXPECT_FALSE(MatchText("NOT_IN", {"x", "Abc"}, "Abc"));
  EXPECT_TRUE(MatchText("GREATER_THAN", {"b"}, "c"));
  EXPECT_TRUE(MatchText("LESS_THAN", {"b"}, "a"));
  EXPECT_TRUE(MatchText("GREATER_THAN_EQUALS", {"b"}, "b"));
  EXPECT_FALSE(MatchText("LESS_THAN_EQUALS", {"b"}, "c"));
  EXPECT_TRUE(MatchText("STARTS_WITH", {"Bat"}, "BatchJob"));
  EXPECT_FALSE(MatchText("STARTS_WITH", {"bat"}, "BatchJob"));
  EXPECT_TRUE(MatchText("STARTS_WITH_IGNORE_CASE", {"bAT"}, "BatchJob"));
  EXPECT_FALSE(MatchText("STARTS_WITH_IGNORE_CASE", {"job"}, "BatchJob"));
  EXPECT_TRUE(MatchText("CONTAINS", {"chJ"}, "BatchJob"));
  EXPECT_FALSE(MatchText("CONTAINS", {"chj"}, "BatchJob"));
  EXPECT_TRUE(MatchText("CONTAINS_IGNORE_CASE", {"CHJ"}, "BatchJob"));
  EXPECT_TRUE(MatchText("DOES_NOT_CONTAIN", {"chj"}, "BatchJob"));
  EXPECT_FALSE(MatchText("DOES_NOT_CONTAIN", {"Job"}, "BatchJob"));
  EXPECT_FALSE(MatchText("DOES_NOT_CONTAIN_IGNORE_CASE", {"JOB"}, "BatchJob"));
  EXPECT_TRUE(MatchText("DOES_NOT_CONTAIN_IGNORE_CASE", {"jobs"}, "BatchJob"));
  EXPECT_TRUE(MatchText("STARTS_WITH", {""}, "x"));
  EXPECT_FALSE(MatchText("STARTS_WITH", {"xyz"}, "x"));
}

TEST(SelectorOperatorsTest, ListOperators) {
  const Strings elements = {"a", "b", "c"};
  EXPECT_TRUE(MatchList("CONTAINS_ANY", {"z", "b"}, elements));
  EXPECT_FALSE(MatchList("CONTAINS_ANY", {"z", "y"}, elements));
  EXPECT_TRUE(MatchList("CONTAINS_ALL", {"c", "a"}, elements));
  EXPECT_FALSE(MatchList("CONTAINS_ALL", {"c", "z"}, elements));
  EXPECT_TRUE(MatchList("CONTAINS_NONE", {"x", "y"}, elements));
  EXPECT_FALSE(MatchList("CONTAINS_NONE", {"x", "a"}, elements));
  EXPECT_TRUE(MatchList("CONTAINS_NONE", {"x"}, {}));
  EXPECT_FALSE(MatchList("CONTAINS_ANY", {"x"}, {}));
}

TEST(ValidateSelectorTest, FieldsAndRenderSet) {
  Selector s;
  s.fields = {"ProcessingErrors", "DownloadUrl", "Id"};
  auto f = ValidateSelector(s);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->id);
  EXPECT_FALSE(f->status);
  EXPECT_FALSE(f->progress_stats);
  EXPECT_TRUE(f->download_url);
  EXPECT_TRUE(f->processing_errors);
  EXPECT_FALSE(f->upload_url);

  EXPECT_EQ(ErrorStrings(Check(Selector{})),
            (Strings{"SelectorError.MISSING_FIELDS @ serviceSelector ''"}));
  s.fields = {"Id", "UploadUrl", "Id", "id"};
  EXPECT_EQ(ErrorStrings(Check(s)),
            (Strings{"SelectorError.INVALID_FIELD_NAME @ serviceSelector 'UploadUrl'",
                     "DistinctError.DUPLICATE_ELEMENT @ serviceSelector.fields[2] 'Id'",
                     "SelectorError.INVALID_FIELD_NAME @ serviceSelector 'id'"}));
}

TEST(ValidateSelectorTest, PredicateErrors) {
  struct Case {
    Predicate p;
    std::string want;  // "" = valid
  };
  std::vector<Case> cases = {
      {{"Id", "EQUALS", {"12"}}, ""},
      {{"Id", "IN", {"1", "-2", "+3"}}, ""},
      {{"Id", "NOT_IN", {"9223372036854775807"}}, ""},
      {{"Status", "EQUALS", {"DONE"}},
       "SelectorError.INVALID_PREDICATE_FIELD_NAME @ serviceSelector 'Status'"},
      {{"DownloadUrl", "EQUALS", {"x"}},
       "SelectorError.INVALID_PREDICATE_FIELD_NAME @ serviceSelector 'DownloadUrl'"},
      {{"Name", "EQUALS", {"x"}},
       "SelectorError.INVALID_PREDICATE_FIELD_NAME @ serviceSelector 'Name'"},
      {{"id", "EQUALS", {"1"}},
       "SelectorError.INVALID_PREDICATE_FIELD_NAME @ serviceSelector 'id'"},
      {{"", "EQUALS", {"1"}}, "SelectorError.INVALID_PREDICATE_FIELD_NAME @ serviceSelector ''"},
      {{"Id", "", {"1"}}, "SelectorError.MISSING_PREDICATE_OPERATOR @ serviceSelector 'Id'"},
      {{"Id", "STARTS_WITH", {"1"}},
       "SelectorError.INVALID_PREDICATE_OPERATOR @ serviceSelector 'STARTS_WITH'"},
      {{"Id", "CONTAINS_IGNORE_CASE", {"1"}},
       "SelectorError.INVALID_PREDICATE_OPERATOR @ serviceSelector 'CONTAINS_IGNORE_CASE'"},
      {{"Id", "CONTAINS_ALL", {"1"}},
       "SelectorError.INVALID_PREDICATE_OPERATOR @ serviceSelector 'CONTAINS_ALL'"},
      {{"Id", "UNKNOWN", {"1"}},
       "SelectorError.INVALID_PREDICATE_OPERATOR @ serviceSelector 'UNKNOWN'"},
      {{"Id", "IN", {}}, "SelectorError.MISSING_PREDICATE_VALUES @ serviceSelector 'Id'"},
      {{"Id", "GREATER_THAN", {"1", "2"}},
       "SelectorError.OPERATOR_DOES_NOT_SUPPORT_MULTIPLE_VALUES @ serviceSelector "
       "'GREATER_THAN'"},
      {{"Id", "EQUALS", {"abc"}}, "SelectorError.INVALID_PREDICATE_VALUE @ serviceSelector 'abc'"},
      {{"Id", "IN", {"1", "2.5", "x"}},
       "SelectorError.INVALID_PREDICATE_VALUE @ serviceSelector '2.5'"},
      {{"Id", "EQUALS", {""}}, "SelectorError.INVALID_PREDICATE_VALUE @ serviceSelector ''"},
      {{"Id", "EQUALS", {"9223372036854775808"}},
       "SelectorError.INVALID_PREDICATE_VALUE @ serviceSelector '9223372036854775808'"},
  };
  for (const Case& c : cases) {
    Status st = Check(Ids({c.p}));
    if (c.want.empty()) {
      EXPECT_TRUE(st.ok()) << c.p.field << " " << c.p.op << ": " << st.ToString();
    } else {
      EXPECT_EQ(ErrorStrings(st), (Strings{c.want})) << c.p.field << " " << c.p.op;
    }
  }
}

TEST(ValidateSelectorTest, PredicateValueLimit) {
  Predicate p{"Id", "IN", {}};
  for (size_t i = 0; i < kMaxPredicateValues; ++i) p.values.push_back(std::to_string(i));
  EXPECT_TRUE(Check(Ids({p})).ok());
  p.op = "NOT_IN";
  EXPECT_TRUE(Check(Ids({p})).ok());
  p.values.push_back("1");
  EXPECT_EQ(ErrorStrings(Check(Ids({p}))),
            (Strings{"SelectorError.TOO_MANY_PREDICATE_VALUES @ serviceSelector 'Id'"}));
}

TEST(ValidateSelectorTest, OrderingAndPaging) {
  Selector s = Ids();
  for (const char* f : {"Id", "Status", "ProgressStats", "DownloadUrl", "ProcessingErrors"}) {
    s.ordering.push_back({f, true});
  }
  s.start_index = 0;
  s.number_results = 0;
  EXPECT_TRUE(Check(s).ok());
  s.ordering = {{"UploadUrl", false}, {"status", false}, {"", false}};
  s.start_index = -1;
  s.number_results = -5;
  EXPECT_EQ(ErrorStrings(Check(s)),
            (Strings{"SelectorError.INVALID_SORT_FIELD_NAME @ serviceSelector 'UploadUrl'",
                     "SelectorError.INVALID_SORT_FIELD_NAME @ serviceSelector 'status'",
                     "SelectorError.INVALID_SORT_FIELD_NAME @ serviceSelector ''",
                     "RangeError.TOO_LOW @ serviceSelector.paging.startIndex '-1'",
                     "RangeError.TOO_LOW @ serviceSelector.paging.numberResults '-5'"}));
}

// ---- ApplySelector ----

JobRow Row(int64_t id, JobStatus reported, model::ProgressStats progress = {},
           int64_t results_expires_ms = 0, const char* processing_error = nullptr) {
  JobRow r;
  r.job.id = id;
  r.job.status = reported;
  r.job.progress = progress;
  r.job.results_expires_ms = results_expires_ms;
  if (processing_error != nullptr) {
    r.job.processing_error = ApiError::Make("BatchJobProcessingError", processing_error);
  }
  r.reported = reported;
  return r;
}

std::vector<int64_t> PageIds(const SelectedPage& page) {
  std::vector<int64_t> out;
  for (const JobRow* r : page.entries) out.push_back(r->job.id);
  return out;
}

class ApplySelectorTest : public ::testing::Test {
 protected:
  // Ids deliberately not in row order.
  std::vector<JobRow> rows_ = {
      Row(30, JobStatus::kDone, {7, 4, 100, 7}, 5000),
      Row(10, JobStatus::kAwaitingFile),
      Row(50, JobStatus::kCanceled, {0, 0, 0, 0}, 9000, "FILE_FORMAT_ERROR"),
      Row(20, JobStatus::kActive, {3, 3, 40, 3}),
      Row(40, JobStatus::kDone, {7, 4, 100, 7}, 7000),
      Row(60, JobStatus::kCanceled, {2, 1, 50, 2}, 6000, "INPUT_FILE_CORRUPTION"),
  };

  std::vector<int64_t> Run(Selector s) {
    EXPECT_TRUE(ValidateSelector(s).ok());
    return PageIds(ApplySelector(s, rows_));
  }
  std::vector<int64_t> Where(const std::string& op, Strings values) {
    return Run(Ids({{"Id", op, std::move(values)}}));
  }
  std::vector<int64_t> OrderedBy(std::vector<OrderBy> ordering) {
    Selector s = Ids();
    s.ordering = std::move(ordering);
    return Run(s);
  }
};

TEST_F(ApplySelectorTest, EveryIdOperator) {
  using V = std::vector<int64_t>;
  EXPECT_EQ(Where("EQUALS", {"40"}), (V{40}));
  EXPECT_EQ(Where("EQUALS", {"+40"}), (V{40}));
  EXPECT_EQ(Where("EQUALS", {"41"}), (V{}));
  EXPECT_EQ(Where("NOT_EQUALS", {"40"}), (V{10, 20, 30, 50, 60}));
  EXPECT_EQ(Where("IN", {"60", "10", "99"}), (V{10, 60}));
  EXPECT_EQ(Where("NOT_IN", {"60", "10"}), (V{20, 30, 40, 50}));
  EXPECT_EQ(Where("GREATER_THAN", {"30"}), (V{40, 50, 60}));
  EXPECT_EQ(Where("GREATER_THAN_EQUALS", {"30"}), (V{30, 40, 50, 60}));
  EXPECT_EQ(Where("LESS_THAN", {"30"}), (V{10, 20}));
  EXPECT_EQ(Where("LESS_THAN_EQUALS", {"30"}), (V{10, 20, 30}));
  // Predicates are ANDed.
  EXPECT_EQ(Run(Ids({{"Id", "GREATER_THAN", {"10"}},
                     {"Id", "LESS_THAN", {"60"}},
                     {"Id", "NOT_IN", {"30", "40"}}})),
            (V{20, 50}));
}

TEST_F(ApplySelectorTest, OrderingOnEverySelectableField) {
  using V = std::vector<int64_t>;
  EXPECT_EQ(OrderedBy({}), (V{10, 20, 30, 40, 50, 60}));
  EXPECT_EQ(OrderedBy({{"Id", true}}), (V{60, 50, 40, 30, 20, 10}));
  // BatchJobStatus enum order: AWAITING_FILE ACTIVE CANCELING CANCELED DONE; ties by id.
  EXPECT_EQ(OrderedBy({{"Status", false}}), (V{10, 20, 50, 60, 30, 40}));
  EXPECT_EQ(OrderedBy({{"Status", true}}), (V{30, 40, 50, 60, 20, 10}));
  // ProgressStats: executed, succeeded, percent, written.
  EXPECT_EQ(OrderedBy({{"ProgressStats", false}}), (V{10, 50, 60, 20, 30, 40}));
  // DownloadUrl: jobs without one first, then by expiration.
  EXPECT_EQ(OrderedBy({{"DownloadUrl", false}}), (V{10, 20, 30, 60, 40, 50}));
  // ProcessingErrors: none first, then by errorString.
  EXPECT_EQ(OrderedBy({{"ProcessingErrors", false}}), (V{10, 20, 30, 40, 50, 60}));
  EXPECT_EQ(OrderedBy({{"ProcessingErrors", true}}), (V{60, 50, 10, 20, 30, 40}));
  // Several fields: Status desc, then ProgressStats desc, then Id desc.
  EXPECT_EQ(OrderedBy({{"Status", true}, {"ProgressStats", true}, {"Id", true}}),
            (V{40, 30, 60, 50, 20, 10}));
}

TEST_F(ApplySelectorTest, DownloadUrlOrderFollowsTheReportedStatus) {
  // A DONE job still reported ACTIVE (the "ACTIVE at least once" rule) shows no downloadUrl.
  rows_[0].reported = JobStatus::kActive;
  EXPECT_EQ(OrderedBy({{"DownloadUrl", false}}), (std::vector<int64_t>{10, 20, 30, 60, 40, 50}));
  rows_[4].reported = JobStatus::kActive;
  EXPECT_EQ(OrderedBy({{"DownloadUrl", false}}), (std::vector<int64_t>{10, 20, 30, 40, 60, 50}));
}

TEST_F(ApplySelectorTest, Paging) {
  using V = std::vector<int64_t>;
  Selector s = Ids({{"Id", "NOT_EQUALS", {"20"}}});
  s.ordering = {{"Id", true}};
  s.start_index = 1;
  s.number_results = 2;
  SelectedPage page = ApplySelector(s, rows_);
  EXPECT_EQ(page.total, 5);
  EXPECT_EQ(PageIds(page), (V{50, 40}));
  s.start_index = 4;
  EXPECT_EQ(PageIds(ApplySelector(s, rows_)), (V{10}));
  s.start_index = 5;
  page = ApplySelector(s, rows_);
  EXPECT_EQ(page.total, 5);
  EXPECT_TRUE(page.entries.empty());
  s.start_index = 2147483647;
  EXPECT_TRUE(ApplySelector(s, rows_).entries.empty());
  s.start_index = 0;
  s.number_results = 0;
  page = ApplySelector(s, rows_);
  EXPECT_EQ(page.total, 5);
  EXPECT_TRUE(page.entries.empty());
  s.number_results = 2147483647;
  EXPECT_EQ(PageIds(ApplySelector(s, rows_)), (V{60, 50, 40, 30, 10}));
  s.number_results.reset();
  s.start_index = 3;
  EXPECT_EQ(PageIds(ApplySelector(s, rows_)), (V{30, 10}));
}

// ---- ReadSelector ----

Result<Selector> Read(const std::string& inner, pugi::xml_document* doc) {
  std::string xml = "<selector xmlns=\"https://adwords.google.com/api/adwords/cm/v201702\">" +
                    inner + "</selector>";
  EXPECT_TRUE(doc->load_string(xml.c_str()));
  return ReadSelector(doc->first_child());
}

TEST(ReadSelectorTest, ReadsEveryPart) {
  pugi::xml_document doc;
  auto s = Read(
      "<fields>Id</fields><fields> Status </fields>"
      "<predicates><field>Id</field><operator>IN</operator><values>1</values>"
      "<values>2</values></predicates>"
      "<ordering><field>Status</field><sortOrder>DESCENDING</sortOrder></ordering>"
      "<ordering><field>Id</field></ordering>"
      "<paging><startIndex>3</startIndex><numberResults>4</numberResults></paging>",
      &doc);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->fields, (Strings{"Id", "Status"}));
  ASSERT_EQ(s->predicates.size(), 1u);
  EXPECT_EQ(s->predicates[0].op, "IN");
  EXPECT_EQ(s->predicates[0].values, (Strings{"1", "2"}));
  ASSERT_EQ(s->ordering.size(), 2u);
  EXPECT_TRUE(s->ordering[0].descending);
  EXPECT_FALSE(s->ordering[1].descending);
  EXPECT_EQ(s->start_index, 3);
  EXPECT_EQ(s->number_results, 4);
}

TEST(ReadSelectorTest, SchemaViolationsAreUnmarshallingErrors) {
  for (const char* inner :
       {"<predicates><field>Id</field><operator>LIKE</operator><values>1</values></predicates>",
        "<predicates><field>Id</field><operator>equals</operator><values>1</values></predicates>",
        "<ordering><field>Id</field><sortOrder>UP</sortOrder></ordering>",
        "<paging><startIndex>x</startIndex></paging>",
        "<paging><numberResults>2147483648</numberResults></paging>"}) {
    pugi::xml_document doc;
    auto s = Read(std::string("<fields>Id</fields>") + inner, &doc);
    ASSERT_FALSE(s.ok()) << inner;
    EXPECT_TRUE(IsUnmarshallingError(s.status())) << inner;
  }
  // UNKNOWN is a schema value: the selector rejects it.
  pugi::xml_document doc;
  auto s = Read(
      "<fields>Id</fields><predicates><field>Id</field><operator>UNKNOWN</operator>"
      "<values>1</values></predicates>",
      &doc);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(ErrorStrings(Check(*s)),
            (Strings{"SelectorError.INVALID_PREDICATE_OPERATOR @ serviceSelector 'UNKNOWN'"}));
}

}  // namespace
}  // namespace bg::soap
