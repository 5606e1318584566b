#include "soap/selector.hpp"

#include <algorithm>
#include <set>

#include "soap/envelope.hpp"

namespace bg::soap {
namespace {

constexpr std::string_view kSelectorPath = "serviceSelector";
constexpr size_t kMaxPredicateValues = 10000;

ApiError SelectorError(std::string reason, std::string trigger = {}) {
  return ApiError::Make("SelectorError", std::move(reason), std::string(kSelectorPath),
                        std::move(trigger));
}

bool IsPredicateOperator(std::string_view op) {
  static constexpr std::string_view kAll[] = {"EQUALS",
                                              "NOT_EQUALS",
                                              "IN",
                                              "NOT_IN",
                                              "GREATER_THAN",
                                              "GREATER_THAN_EQUALS",
                                              "LESS_THAN",
                                              "LESS_THAN_EQUALS",
                                              "STARTS_WITH",
                                              "STARTS_WITH_IGNORE_CASE",
                                              "CONTAINS",
                                              "CONTAINS_IGNORE_CASE",
                                              "DOES_NOT_CONTAIN",
                                              "DOES_NOT_CONTAIN_IGNORE_CASE",
                                              "CONTAINS_ANY",
                                              "CONTAINS_ALL",
                                              "CONTAINS_NONE",
                                              "UNKNOWN"};
  return std::find(std::begin(kAll), std::end(kAll), op) != std::end(kAll);
}

// Operators that make sense on the numeric Id.
bool IsIdOperator(std::string_view op) {
  return op == "EQUALS" || op == "NOT_EQUALS" || op == "IN" || op == "NOT_IN" ||
         op == "GREATER_THAN" || op == "GREATER_THAN_EQUALS" || op == "LESS_THAN" ||
         op == "LESS_THAN_EQUALS";
}

bool IsMultiValued(std::string_view op) { return op == "IN" || op == "NOT_IN"; }

Status ReadInt(pugi::xml_node parent, std::string_view name, std::optional<int64_t>* out) {
  std::optional<std::string> text = ChildText(parent, name);
  if (!text || text->empty()) return Status::Ok();
  std::optional<int64_t> v = ParseLong(*text);
  if (!v || *v > INT32_MAX || *v < INT32_MIN) {
    return UnmarshallingError("'" + *text + "' is not a valid value for 'int' (" +
                              std::string(name) + ")");
  }
  *out = *v;
  return Status::Ok();
}

bool Matches(const Predicate& p, int64_t id) {
  std::vector<int64_t> values;
  for (const std::string& s : p.values) values.push_back(*ParseLong(s));
  auto contains = [&] { return std::find(values.begin(), values.end(), id) != values.end(); };
  if (p.op == "EQUALS" || p.op == "IN") return contains();
  if (p.op == "NOT_EQUALS" || p.op == "NOT_IN") return !contains();
  if (p.op == "GREATER_THAN") return id > values[0];
  if (p.op == "GREATER_THAN_EQUALS") return id >= values[0];
  if (p.op == "LESS_THAN") return id < values[0];
  if (p.op == "LESS_THAN_EQUALS") return id <= values[0];
  return false;
}

}  // namespace

Result<Selector> ReadSelector(pugi::xml_node node) {
  Selector s;
  for (pugi::xml_node f : Children(node, "fields")) s.fields.push_back(Text(f));
  for (pugi::xml_node pn : Children(node, "predicates")) {
    Predicate p;
    p.field = ChildText(pn, "field").value_or("");
    p.op = ChildText(pn, "operator").value_or("");
    for (pugi::xml_node v : Children(pn, "values")) p.values.push_back(Text(v));
    s.predicates.push_back(std::move(p));
  }
  for (pugi::xml_node on : Children(node, "ordering")) {
    OrderBy o;
    o.field = ChildText(on, "field").value_or("");
    std::string order = ChildText(on, "sortOrder").value_or("");
    if (order == "DESCENDING") {
      o.descending = true;
    } else if (!order.empty() && order != "ASCENDING") {
      return UnmarshallingError("'" + order + "' is not a valid value for 'SortOrder'");
    }
    s.ordering.push_back(std::move(o));
  }
  if (pugi::xml_node paging = Child(node, "paging")) {
    BG_RETURN_IF_ERROR(ReadInt(paging, "startIndex", &s.start_index));
    BG_RETURN_IF_ERROR(ReadInt(paging, "numberResults", &s.number_results));
  }
  return s;
}

Result<JobFields> ValidateSelector(const Selector& s) {
  std::vector<ApiError> errors;
  JobFields f;
  f.id = f.status = f.progress_stats = false;
  if (s.fields.empty()) errors.push_back(SelectorError("MISSING_FIELDS"));
  std::set<std::string> seen;
  for (size_t i = 0; i < s.fields.size(); ++i) {
    const std::string& name = s.fields[i];
    if (!seen.insert(name).second) {
      errors.push_back(ApiError::Make("DistinctError", "DUPLICATE_ELEMENT",
                                      "serviceSelector.fields[" + std::to_string(i) + "]", name));
      continue;
    }
    if (name == "Id") {
      f.id = true;
    } else if (name == "Status") {
      f.status = true;
    } else if (name == "ProgressStats") {
      f.progress_stats = true;
    } else if (name == "DownloadUrl") {
      f.download_url = true;
    } else if (name == "ProcessingErrors") {
      f.processing_errors = true;
    } else {
      errors.push_back(SelectorError("INVALID_FIELD_NAME", name));
    }
  }
  for (const Predicate& p : s.predicates) {
    if (p.field != "Id") {
      errors.push_back(SelectorError("INVALID_PREDICATE_FIELD_NAME", p.field));
    } else if (p.op.empty()) {
      errors.push_back(SelectorError("MISSING_PREDICATE_OPERATOR", p.field));
    } else if (!IsPredicateOperator(p.op) || !IsIdOperator(p.op)) {
      errors.push_back(SelectorError("INVALID_PREDICATE_OPERATOR", p.op));
    } else if (p.values.empty()) {
      errors.push_back(SelectorError("MISSING_PREDICATE_VALUES", p.field));
    } else if (p.values.size() > 1 && !IsMultiValued(p.op)) {
      errors.push_back(SelectorError("OPERATOR_DOES_NOT_SUPPORT_MULTIPLE_VALUES", p.op));
    } else if (p.values.size() > kMaxPredicateValues) {
      errors.push_back(SelectorError("TOO_MANY_PREDICATE_VALUES", p.field));
    } else {
      for (const std::string& v : p.values) {
        if (!ParseLong(v)) {
          errors.push_back(SelectorError("INVALID_PREDICATE_VALUE", v));
          break;
        }
      }
    }
  }
  for (const OrderBy& o : s.ordering) {
    if (o.field != "Id" && o.field != "Status") {
      errors.push_back(SelectorError("INVALID_SORT_FIELD_NAME", o.field));
    }
  }
  if (s.start_index && *s.start_index < 0) {
    errors.push_back(ApiError::Make("RangeError", "TOO_LOW", "serviceSelector.paging.startIndex",
                                    std::to_string(*s.start_index)));
  }
  if (s.number_results && *s.number_results < 0) {
    errors.push_back(ApiError::Make("RangeError", "TOO_LOW", "serviceSelector.paging.numberResults",
                                    std::to_string(*s.number_results)));
  }
  if (!errors.empty()) return Status(std::move(errors));
  return f;
}

SelectedPage ApplySelector(const Selector& s, const std::vector<JobRow>& rows) {
  std::vector<const JobRow*> matched;
  for (const JobRow& r : rows) {
    bool ok = std::all_of(s.predicates.begin(), s.predicates.end(),
                          [&](const Predicate& p) { return Matches(p, r.job.id); });
    if (ok) matched.push_back(&r);
  }
  std::stable_sort(matched.begin(), matched.end(), [&](const JobRow* a, const JobRow* b) {
    for (const OrderBy& o : s.ordering) {
      int64_t x = o.field == "Id" ? a->job.id : static_cast<int64_t>(a->reported);
      int64_t y = o.field == "Id" ? b->job.id : static_cast<int64_t>(b->reported);
      if (x != y) return o.descending ? x > y : x < y;
    }
    return a->job.id < b->job.id;
  });
  SelectedPage page;
  page.total = static_cast<int64_t>(matched.size());
  size_t start = static_cast<size_t>(std::min<int64_t>(s.start_index.value_or(0), page.total));
  size_t end = matched.size();
  if (s.number_results) end = std::min(end, start + static_cast<size_t>(*s.number_results));
  page.entries.assign(matched.begin() + start, matched.begin() + end);
  return page;
}

}  // namespace bg::soap
