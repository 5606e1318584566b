#include "schema/wsdl_constraints.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

namespace bg::schema {
namespace {

std::string CollapseSpace(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

bool Has(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}

// The operators named in a sentence, in canonical order (ADD, SET, REMOVE).
std::vector<std::string> Operators(std::string_view text) {
  bool seen[3] = {false, false, false};
  static constexpr std::string_view kOps[3] = {"ADD", "SET", "REMOVE"};
  size_t i = 0;
  while (i < text.size()) {
    if (!std::isalpha(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) {
      ++j;
    }
    std::string_view word = text.substr(i, j - i);
    for (int k = 0; k < 3; ++k) {
      if (word == kOps[k]) seen[k] = true;
    }
    i = j;
  }
  std::vector<std::string> out;
  for (int k = 0; k < 3; ++k) {
    if (seen[k]) out.emplace_back(kOps[k]);
  }
  return out;
}

// The number right after `prefix` in `text` ("… between 1 and 255 …").
std::optional<double> NumberAfter(std::string_view text, std::string_view prefix) {
  size_t at = text.find(prefix);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(at + prefix.size());
  double v = 0;
  auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), v);
  if (ec != std::errc() || p == rest.data() || !std::isfinite(v)) return std::nullopt;
  // A sentence ends with '.', which from_chars may have taken as part of "255."; harmless.
  return v;
}

std::optional<int64_t> IntAfter(std::string_view text, std::string_view prefix) {
  auto v = NumberAfter(text, prefix);
  if (!v || *v != std::floor(*v)) return std::nullopt;
  return static_cast<int64_t>(*v);
}

// `quoted` value of: … using the value "X".
std::string QuotedValue(std::string_view text) {
  size_t a = text.find("using the value \"");
  if (a == std::string_view::npos) return "";
  a += 17;
  size_t b = text.find('"', a);
  return b == std::string_view::npos ? "" : std::string(text.substr(a, b - a));
}

Status Unknown(const Constraint& c) {
  return InvalidArgument("unrecognised " + c.kind + " constraint: \"" + c.text + "\"");
}

}  // namespace

std::vector<Constraint> ExtractConstraints(std::string_view documentation) {
  static constexpr std::string_view kOpen = "<span class=\"constraint ";
  std::vector<Constraint> out;
  size_t pos = 0;
  while ((pos = documentation.find(kOpen, pos)) != std::string_view::npos) {
    size_t kind_start = pos + kOpen.size();
    size_t kind_end = documentation.find("\">", kind_start);
    if (kind_end == std::string_view::npos) break;
    size_t text_end = documentation.find("</span>", kind_end);
    if (text_end == std::string_view::npos) break;
    out.push_back({std::string(documentation.substr(kind_start, kind_end - kind_start)),
                   CollapseSpace(documentation.substr(kind_end + 2, text_end - kind_end - 2))});
    pos = text_end;
  }
  return out;
}

Status ApplyFieldConstraints(const std::vector<Constraint>& constraints, FieldDef* f) {
  for (const auto& c : constraints) {
    const std::string& t = c.text;
    if (c.kind == "ReadOnly" || c.kind == "Required") {
      if (!Has(t, c.kind == "ReadOnly" ? "read only" : "required")) return Unknown(c);
      std::vector<std::string> ops = Operators(t);
      bool per_op = Has(t, "Operator");
      if (per_op == ops.empty()) return Unknown(c);
      bool read_only = c.kind == "ReadOnly";
      if (per_op) {
        (read_only ? f->read_only_for : f->required_for) = std::move(ops);
      } else {
        (read_only ? f->read_only_all : f->required_all) = true;
      }
    } else if (c.kind == "StringLength") {
      if (Has(t, "must not be empty")) {
        f->min_length = 1;
      } else if (auto lo = IntAfter(t, "between "), hi = IntAfter(t, " and ");
                 lo && hi && Has(t, "inclusive")) {
        f->min_length = lo;
        f->max_length = hi;
      } else {
        return Unknown(c);
      }
      f->length_in_bytes = Has(t, "UTF-8 bytes");
      f->length_trimmed = Has(t, "(trimmed)");
    } else if (c.kind == "InRange") {
      if (auto lo = NumberAfter(t, "greater than or equal to ")) {
        f->min_value = lo;
      } else if (auto hi = NumberAfter(t, "less than or equal to ")) {
        f->max_value = hi;
      } else if (auto a = NumberAfter(t, "between "), b = NumberAfter(t, " and ");
                 a && b && Has(t, "inclusive")) {
        f->min_value = a;
        f->max_value = b;
      } else {
        return Unknown(c);
      }
    } else if (c.kind == "CollectionSize") {
      if (auto hi = IntAfter(t, "maximum size of this collection is ")) {
        f->max_list_size = hi;
      } else if (auto lo = IntAfter(t, "minimum size of this collection is ")) {
        f->min_list_size = lo;
      } else {
        return Unknown(c);
      }
    } else if (c.kind == "NotEmpty") {
      if (!Has(t, "at least one element")) return Unknown(c);
      f->not_empty = true;
    } else if (c.kind == "NotEmptyForOperators") {
      f->not_empty_for = Operators(t);
      if (f->not_empty_for.empty()) return Unknown(c);
    } else if (c.kind == "Selectable") {
      f->selectable = QuotedValue(t);
      if (f->selectable.empty()) return Unknown(c);
    } else if (c.kind == "Filterable") {
      f->filterable = true;
      f->filter_name = QuotedValue(t);
    }
  }
  return Status::Ok();
}

Result<std::vector<std::string>> SupportedOperators(const std::vector<Constraint>& constraints) {
  for (const auto& c : constraints) {
    if (c.kind != "SupportedOperators") continue;
    std::vector<std::string> ops = Operators(c.text);
    if (ops.empty() || !Has(c.text, "are supported")) return Unknown(c);
    return ops;
  }
  return std::vector<std::string>{};
}

}  // namespace bg::schema
