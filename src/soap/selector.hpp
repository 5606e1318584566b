// The generic Selector of the AdWords API applied to BatchJobs (get and query).
//
// Facts (reference §2): selectable fields Id, Status, ProgressStats, DownloadUrl,
// ProcessingErrors; only Id is filterable; OrderBy {field, sortOrder}; Paging {startIndex,
// numberResults}. Errors use the real SelectorError reasons with fieldPath "serviceSelector"
// and the offending value as trigger (the shape of the real fault fixtures):
//   unknown/non-selectable field      -> SelectorError.INVALID_FIELD_NAME
//   no fields                         -> SelectorError.MISSING_FIELDS
//   duplicate field                   -> DistinctError.DUPLICATE_ELEMENT
//   predicate on a field other than Id -> SelectorError.INVALID_PREDICATE_FIELD_NAME
//   operator not usable on Id         -> SelectorError.INVALID_PREDICATE_OPERATOR
//   no operator / no values           -> SelectorError.MISSING_PREDICATE_OPERATOR / _VALUES
//   several values for EQUALS etc.    -> SelectorError.OPERATOR_DOES_NOT_SUPPORT_MULTIPLE_VALUES
//   non-numeric Id value              -> SelectorError.INVALID_PREDICATE_VALUE
//   > 10000 values                    -> SelectorError.TOO_MANY_PREDICATE_VALUES
//   ordering on a field not Id/Status -> SelectorError.INVALID_SORT_FIELD_NAME
//   negative paging values            -> RangeError.TOO_LOW @ serviceSelector.paging.<field>
// A start index past the end yields an empty page (totalNumEntries still counts every match).
// Plain values and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <pugixml.hpp>
#include <string>
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

// XML <selector> -> Selector (by local names). Non-integer paging values and unknown sortOrder
// values are unmarshalling errors (soap:Client), as schema validation would make them.
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

}  // namespace bg::soap
