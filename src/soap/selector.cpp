#include "soap/selector.hpp"

#include <algorithm>
#include <climits>
#include <set>
#include <tuple>

#include "soap/envelope.hpp"

namespace bg::soap {
namespace {

constexpr std::string_view kSelectorPath = "serviceSelector";

ApiError SelectorError(std::string reason, std::string trigger = {}) {
  return ApiError::Make("SelectorError", std::move(reason), std::string(kSelectorPath),
                        std::move(trigger));
}

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

// Appends the errors of predicate `p` (none when it is usable).
void CheckPredicate(const Predicate& p, std::vector<ApiError>* errors) {
  const SelectorField* field = FindBatchJobField(p.field);
  if (field == nullptr || !field->filterable) {
    errors->push_back(SelectorError("INVALID_PREDICATE_FIELD_NAME", p.field));
  } else if (p.op.empty()) {
    errors->push_back(SelectorError("MISSING_PREDICATE_OPERATOR", p.field));
  } else if (!OperatorApplies(p.op, field->kind)) {
    errors->push_back(SelectorError("INVALID_PREDICATE_OPERATOR", p.op));
  } else if (p.values.empty()) {
    errors->push_back(SelectorError("MISSING_PREDICATE_VALUES", p.field));
  } else if (p.values.size() > 1 && !IsMultiValueOperator(p.op)) {
    errors->push_back(SelectorError("OPERATOR_DOES_NOT_SUPPORT_MULTIPLE_VALUES", p.op));
  } else if (p.values.size() > kMaxPredicateValues) {
    errors->push_back(SelectorError("TOO_MANY_PREDICATE_VALUES", p.field));
  } else if (field->kind == FieldKind::kLong) {
    for (const std::string& v : p.values) {
      if (!ParseLong(v)) {
        errors->push_back(SelectorError("INVALID_PREDICATE_VALUE", v));
        break;
      }
    }
  }
}

// A predicate ready to run: Id values parsed once.
struct CompiledPredicate {
  const Predicate* p = nullptr;
  const SelectorField* field = nullptr;
  std::vector<int64_t> longs;
};

std::vector<std::string> ProcessingErrorStrings(const model::BatchJob& job) {
  std::vector<std::string> out;
  if (job.processing_error && !job.processing_error->reason.empty()) {
    out.push_back(job.processing_error->ErrorString());
  }
  return out;
}

bool Matches(const CompiledPredicate& c, const JobRow& row) {
  switch (c.field->kind) {
    case FieldKind::kLong:
      return MatchLong(c.p->op, c.longs, row.job.id);  // Id is the only long field
    case FieldKind::kEnum:
      return MatchText(c.p->op, c.p->values, model::JobStatusName(row.reported));
    case FieldKind::kList:
      return MatchList(c.p->op, c.p->values, ProcessingErrorStrings(row.job));
    case FieldKind::kString:
    case FieldKind::kObject:
      return false;
  }
  return false;
}

bool ShowsDownloadUrl(const JobRow& r) {
  return r.reported == model::JobStatus::kDone || r.reported == model::JobStatus::kCanceled;
}

// <0, 0, >0 as a sorts before, with, after b on `field` (ascending).
int CompareOn(std::string_view field, const JobRow& a, const JobRow& b) {
  auto cmp = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (field == "Id") return cmp(a.job.id, b.job.id);
  if (field == "Status") return cmp(static_cast<int>(a.reported), static_cast<int>(b.reported));
  if (field == "ProgressStats") {
    auto key = [](const model::ProgressStats& p) {
      return std::make_tuple(p.num_operations_executed, p.num_operations_succeeded,
                             p.estimated_percent_executed, p.num_results_written);
    };
    return cmp(key(a.job.progress), key(b.job.progress));
  }
  if (field == "DownloadUrl") {
    auto key = [](const JobRow& r) {
      bool shown = ShowsDownloadUrl(r);
      return std::make_pair(shown, shown ? r.job.results_expires_ms : 0);
    };
    return cmp(key(a), key(b));
  }
  if (field == "ProcessingErrors") {
    return cmp(ProcessingErrorStrings(a.job), ProcessingErrorStrings(b.job));
  }
  return 0;
}

}  // namespace

Result<Selector> ReadSelector(pugi::xml_node node) {
  Selector s;
  for (pugi::xml_node f : Children(node, "fields")) s.fields.push_back(Text(f));
  for (pugi::xml_node pn : Children(node, "predicates")) {
    Predicate p;
    p.field = ChildText(pn, "field").value_or("");
    p.op = ChildText(pn, "operator").value_or("");
    if (!p.op.empty() && !IsPredicateOperator(p.op)) {
      return UnmarshallingError("'" + p.op + "' is not a valid value for 'Predicate.Operator'");
    }
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
  for (const Predicate& p : s.predicates) CheckPredicate(p, &errors);
  for (const OrderBy& o : s.ordering) {
    if (FindBatchJobField(o.field) == nullptr) {
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
  std::vector<CompiledPredicate> predicates;
  for (const Predicate& p : s.predicates) {
    CompiledPredicate c{&p, FindBatchJobField(p.field), {}};
    if (c.field == nullptr) continue;  // not validated: cannot happen
    if (c.field->kind == FieldKind::kLong) {
      for (const std::string& v : p.values) c.longs.push_back(ParseLong(v).value_or(0));
    }
    predicates.push_back(std::move(c));
  }
  std::vector<const JobRow*> matched;
  for (const JobRow& r : rows) {
    bool ok = std::all_of(predicates.begin(), predicates.end(),
                          [&](const CompiledPredicate& c) { return Matches(c, r); });
    if (ok) matched.push_back(&r);
  }
  std::stable_sort(matched.begin(), matched.end(), [&](const JobRow* a, const JobRow* b) {
    for (const OrderBy& o : s.ordering) {
      int c = CompareOn(o.field, *a, *b);
      if (c != 0) return o.descending ? c > 0 : c < 0;
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
