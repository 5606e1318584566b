// The generic Selector of the AdWords API applied to BatchJobs: the engine behind `get` (an XML
// <selector>) and `query` (AWQL, parsed by soap/awql into the same Selector).
//
// Facts (reference §2, schema): selectable fields Id, Status, ProgressStats, DownloadUrl,
// ProcessingErrors (v201702 == v201809); only Id is filterable; OrderBy {field, sortOrder};
// Paging {startIndex >= 0, numberResults >= 0}; Predicate.Operator and SelectorError.Reason as in
// the schema. Errors carry fieldPath "serviceSelector" and the offending value as trigger (the
// shape of the real fault fixtures); all errors of a selector are reported together:
//   no fields                              -> SelectorError.MISSING_FIELDS
//   unknown / non-selectable field         -> SelectorError.INVALID_FIELD_NAME (case-sensitive)
//   duplicate field                        -> DistinctError.DUPLICATE_ELEMENT @ …fields[i]
//   predicate on a field other than Id     -> SelectorError.INVALID_PREDICATE_FIELD_NAME
//   no operator / no values                -> SelectorError.MISSING_PREDICATE_OPERATOR / _VALUES
//   operator that does not apply to the field's kind (e.g. STARTS_WITH or CONTAINS_ANY on the
//   long Id; UNKNOWN)                      -> SelectorError.INVALID_PREDICATE_OPERATOR
//   several values for a single-value op   ->
//   SelectorError.OPERATOR_DOES_NOT_SUPPORT_MULTIPLE_VALUES more than 10 000 values ->
//   SelectorError.TOO_MANY_PREDICATE_VALUES value that is not a long (Id)          ->
//   SelectorError.INVALID_PREDICATE_VALUE ordering on a non-selectable field     ->
//   SelectorError.INVALID_SORT_FIELD_NAME negative paging values                 ->
//   RangeError.TOO_LOW @ serviceSelector.paging.<field>
// No maximum page size is known for BatchJobService (reference: none), so none is enforced; a
// start index past the end yields an empty page (totalNumEntries still counts every match).
// Sort keys [inferred]: Id numerically; Status in BatchJobStatus enum order; ProgressStats by
// its four counters in schema order; DownloadUrl by presence, then expiration; ProcessingErrors
// by presence, then errorString. Ties keep ascending Id.
// Plain values and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "model/job.hpp"
#include "soap/response.hpp"

namespace bg::soap {

struct Predicate {
  std::string field;
  std::string op;  // Predicate.Operator name; empty when absent
  std::vector<std::string> values;
};

struct OrderBy {
  std::string field;
  bool descending = false;
};

struct Selector {
  std::vector<std::string> fields;
  std::vector<Predicate> predicates;
  std::vector<OrderBy> ordering;
  std::optional<int64_t> start_index;
  std::optional<int64_t> number_results;
};

// At most this many values per predicate (AWQL: IN/NOT_IN ≤ 10 000 items).
inline constexpr size_t kMaxPredicateValues = 10000;

// XML <selector> -> Selector (by local names). Non-integer paging values, unknown sortOrder and
// unknown Predicate.Operator values are unmarshalling errors (soap:Client), as the real
// service's schema validation made them.
Result<Selector> ReadSelector(pugi::xml_node selector);

// Checks the selector and returns the fields to render (only the selected ones).
Result<JobFields> ValidateSelector(const Selector& selector);

// A job as `get` shows it: the stored job and the status reported to the client.
struct JobRow {
  model::BatchJob job;
  model::JobStatus reported = model::JobStatus::kUnknown;
};

struct SelectedPage {
  int64_t total = 0;                   // every row matching the predicates
  std::vector<const JobRow*> entries;  // the requested page, ordered
};

// Applies predicates, ordering (stable; ties by ascending id) and paging. `selector` must have
// passed ValidateSelector.
SelectedPage ApplySelector(const Selector& selector, const std::vector<JobRow>& rows);

// ---- The field table and the predicate operators (selector_predicate.cpp) ----

// What a field holds; it decides which operators apply:
//   kLong   EQUALS NOT_EQUALS IN NOT_IN GREATER_THAN(_EQUALS) LESS_THAN(_EQUALS), numerically
//   kString the same (byte-wise order) plus STARTS_WITH CONTAINS DOES_NOT_CONTAIN and their
//           _IGNORE_CASE forms (ASCII case folding)
//   kEnum   EQUALS NOT_EQUALS IN NOT_IN
//   kList   CONTAINS_ANY CONTAINS_ALL CONTAINS_NONE (over the elements)
//   kObject none
enum class FieldKind { kLong, kString, kEnum, kList, kObject };

struct SelectorField {
  std::string_view name;  // selector name, e.g. "Id"
  FieldKind kind;
  bool filterable;
};

// The selectable BatchJob field called `name` (case-sensitive); nullptr for any other name.
const SelectorField* FindBatchJobField(std::string_view name);

// True when `op` is a Predicate.Operator value of the schema (UNKNOWN included).
bool IsPredicateOperator(std::string_view op);
// True when `op` applies to a field of `kind` (never for UNKNOWN).
bool OperatorApplies(std::string_view op, FieldKind kind);
// True for the operators that take a list: IN NOT_IN CONTAINS_ANY CONTAINS_ALL CONTAINS_NONE.
bool IsMultiValueOperator(std::string_view op);

// Predicate evaluation for one value; `op` must apply to the kind and `values` be non-empty
// (single-value operators use values[0]).
bool MatchLong(std::string_view op, const std::vector<int64_t>& values, int64_t v);
bool MatchText(std::string_view op, const std::vector<std::string>& values, std::string_view v);
bool MatchList(std::string_view op, const std::vector<std::string>& values,
               const std::vector<std::string>& elements);

}  // namespace bg::soap
