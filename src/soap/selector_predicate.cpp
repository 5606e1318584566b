// The field table and the predicate operators of soap/selector.hpp.
#include <algorithm>

#include "soap/selector.hpp"

namespace bg::soap {
namespace {

constexpr SelectorField kBatchJobFields[] = {
    {"Id", FieldKind::kLong, true},
    {"Status", FieldKind::kEnum, false},
    {"ProgressStats", FieldKind::kObject, false},
    {"DownloadUrl", FieldKind::kObject, false},
    {"ProcessingErrors", FieldKind::kList, false},
};

bool IsComparison(std::string_view op) {
  return op == "EQUALS" || op == "NOT_EQUALS" || op == "IN" || op == "NOT_IN" ||
         op == "GREATER_THAN" || op == "GREATER_THAN_EQUALS" || op == "LESS_THAN" ||
         op == "LESS_THAN_EQUALS";
}

bool IsTextMatch(std::string_view op) {
  return op == "STARTS_WITH" || op == "STARTS_WITH_IGNORE_CASE" || op == "CONTAINS" ||
         op == "CONTAINS_IGNORE_CASE" || op == "DOES_NOT_CONTAIN" ||
         op == "DOES_NOT_CONTAIN_IGNORE_CASE";
}

bool IsListMatch(std::string_view op) {
  return op == "CONTAINS_ANY" || op == "CONTAINS_ALL" || op == "CONTAINS_NONE";
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// EQUALS … LESS_THAN_EQUALS over any ordered type.
template <typename T, typename V>
bool Compare(std::string_view op, const std::vector<T>& values, const V& v) {
  auto in = [&] { return std::find(values.begin(), values.end(), v) != values.end(); };
  if (op == "EQUALS") return v == values[0];
  if (op == "NOT_EQUALS") return !(v == values[0]);
  if (op == "IN") return in();
  if (op == "NOT_IN") return !in();
  if (op == "GREATER_THAN") return values[0] < v;
  if (op == "GREATER_THAN_EQUALS") return !(v < values[0]);
  if (op == "LESS_THAN") return v < values[0];
  if (op == "LESS_THAN_EQUALS") return !(values[0] < v);
  return false;
}

}  // namespace

const SelectorField* FindBatchJobField(std::string_view name) {
  for (const SelectorField& f : kBatchJobFields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool IsPredicateOperator(std::string_view op) {
  return IsComparison(op) || IsTextMatch(op) || IsListMatch(op) || op == "UNKNOWN";
}

bool OperatorApplies(std::string_view op, FieldKind kind) {
  switch (kind) {
    case FieldKind::kLong:
      return IsComparison(op);
    case FieldKind::kString:
      return IsComparison(op) || IsTextMatch(op);
    case FieldKind::kEnum:
      return op == "EQUALS" || op == "NOT_EQUALS" || op == "IN" || op == "NOT_IN";
    case FieldKind::kList:
      return IsListMatch(op);
    case FieldKind::kObject:
      return false;
  }
  return false;
}

bool IsMultiValueOperator(std::string_view op) {
  return op == "IN" || op == "NOT_IN" || IsListMatch(op);
}

bool MatchLong(std::string_view op, const std::vector<int64_t>& values, int64_t v) {
  return Compare(op, values, v);
}

bool MatchText(std::string_view op, const std::vector<std::string>& values, std::string_view v) {
  if (IsComparison(op)) return Compare(op, values, std::string(v));
  const bool fold = EndsWith(op, "_IGNORE_CASE");
  const std::string value = fold ? Lower(v) : std::string(v);
  const std::string arg = fold ? Lower(values[0]) : values[0];
  if (op.substr(0, 11) == "STARTS_WITH") return value.compare(0, arg.size(), arg) == 0;
  const bool contains = value.find(arg) != std::string::npos;
  if (op.substr(0, 16) == "DOES_NOT_CONTAIN") return !contains;
  if (op.substr(0, 8) == "CONTAINS") return contains;
  return false;
}

bool MatchList(std::string_view op, const std::vector<std::string>& values,
               const std::vector<std::string>& elements) {
  auto has = [&](const std::string& v) {
    return std::find(elements.begin(), elements.end(), v) != elements.end();
  };
  if (op == "CONTAINS_ANY") return std::any_of(values.begin(), values.end(), has);
  if (op == "CONTAINS_ALL") return std::all_of(values.begin(), values.end(), has);
  if (op == "CONTAINS_NONE") return std::none_of(values.begin(), values.end(), has);
  return false;
}

}  // namespace bg::soap
