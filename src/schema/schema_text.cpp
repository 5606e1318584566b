#include "schema/schema_text.hpp"

#include <charconv>
#include <cmath>

namespace bg::schema {
namespace {

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool ParseInt(std::string_view s, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseDouble(std::string_view s, double* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(*out);
}

std::string FormatDouble(double v) {
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  if (ec != std::errc()) return "0";
  return std::string(buf, p);
}

bool IsOperator(std::string_view s) { return s == "ADD" || s == "SET" || s == "REMOVE"; }

bool ParseOps(std::string_view s, std::vector<std::string>* out) {
  out->clear();
  for (auto op : Split(s, ',')) {
    if (!IsOperator(op)) return false;
    out->emplace_back(op);
  }
  return !out->empty();
}

std::string JoinOps(const std::vector<std::string>& ops) {
  std::string out;
  for (const auto& op : ops) {
    if (!out.empty()) out += ',';
    out += op;
  }
  return out;
}

// "A..B" with either side optional.
template <typename T, typename F>
bool ParseRange(std::string_view s, std::optional<T>* lo, std::optional<T>* hi, F parse) {
  size_t dots = s.find("..");
  if (dots == std::string_view::npos) return false;
  std::string_view a = s.substr(0, dots), b = s.substr(dots + 2);
  T v{};
  if (!a.empty()) {
    if (!parse(a, &v)) return false;
    *lo = v;
  }
  if (!b.empty()) {
    if (!parse(b, &v)) return false;
    *hi = v;
  }
  return lo->has_value() || hi->has_value();
}

template <typename T, typename F>
void AppendRange(std::string* out, const char* key, const std::optional<T>& lo,
                 const std::optional<T>& hi, F fmt) {
  if (!lo && !hi) return;
  *out += ' ';
  *out += key;
  *out += '=';
  if (lo) *out += fmt(*lo);
  *out += "..";
  if (hi) *out += fmt(*hi);
}

// Applies one attribute token of a `field` line; false when it is not understood.
bool ApplyFieldAttr(std::string_view tok, FieldDef* f) {
  size_t eq = tok.find('=');
  std::string_view key = tok.substr(0, eq);
  std::string_view val = eq == std::string_view::npos ? std::string_view() : tok.substr(eq + 1);
  bool has_val = eq != std::string_view::npos;
  auto to_int = [](std::string_view s, int64_t* v) { return ParseInt(s, v); };
  if (key == "min" && has_val) {
    int64_t v;
    if (!ParseInt(val, &v) || v < 0) return false;
    f->min_occurs = static_cast<int>(v);
    return true;
  }
  if (!has_val) {
    if (key == "list") return f->repeated = true;
    if (key == "marker") return f->is_marker = true;
    if (key == "req") return f->required_all = true;
    if (key == "ro") return f->read_only_all = true;
    if (key == "bytes") return f->length_in_bytes = true;
    if (key == "trim") return f->length_trimmed = true;
    if (key == "notempty") return f->not_empty = true;
    if (key == "filt") return f->filterable = true;
    return false;
  }
  if (key == "req") return ParseOps(val, &f->required_for);
  if (key == "ro") return ParseOps(val, &f->read_only_for);
  if (key == "notempty") return ParseOps(val, &f->not_empty_for);
  if (key == "len") return ParseRange(val, &f->min_length, &f->max_length, to_int);
  if (key == "size") return ParseRange(val, &f->min_list_size, &f->max_list_size, to_int);
  if (key == "range") {
    auto to_double = [](std::string_view s, double* v) { return ParseDouble(s, v); };
    return ParseRange(val, &f->min_value, &f->max_value, to_double);
  }
  if (key == "sel" && !val.empty()) return f->selectable = std::string(val), true;
  if (key == "filt" && !val.empty()) {
    f->filterable = true;
    f->filter_name = std::string(val);
    return true;
  }
  return false;
}

bool ApplyTypeAttr(std::string_view tok, TypeDef* t) {
  if (tok == "abstract") return t->abstract = true;
  if (tok == "choice") return t->is_choice = true;
  if (tok == "wsdl") return t->wsdl_only = true;
  if (tok.starts_with("base=") && tok.size() > 5) return t->base = std::string(tok.substr(5)), true;
  if (tok.starts_with("ops=")) return ParseOps(tok.substr(4), &t->supported_operators);
  return false;
}

void FormatField(const FieldDef& f, std::string* out) {
  auto fmt_int = [](int64_t v) { return std::to_string(v); };
  *out += "  field ";
  *out += f.name;
  *out += ' ';
  *out += f.type;
  if (f.min_occurs != 0) *out += " min=" + std::to_string(f.min_occurs);
  if (f.repeated) *out += " list";
  if (f.is_marker) *out += " marker";
  if (f.required_all) *out += " req";
  if (!f.required_for.empty()) *out += " req=" + JoinOps(f.required_for);
  if (f.read_only_all) *out += " ro";
  if (!f.read_only_for.empty()) *out += " ro=" + JoinOps(f.read_only_for);
  AppendRange(out, "len", f.min_length, f.max_length, fmt_int);
  if (f.length_in_bytes) *out += " bytes";
  if (f.length_trimmed) *out += " trim";
  AppendRange(out, "range", f.min_value, f.max_value, FormatDouble);
  AppendRange(out, "size", f.min_list_size, f.max_list_size, fmt_int);
  if (f.not_empty) *out += " notempty";
  if (!f.not_empty_for.empty()) *out += " notempty=" + JoinOps(f.not_empty_for);
  if (!f.selectable.empty()) *out += " sel=" + f.selectable;
  if (f.filterable) *out += f.filter_name.empty() ? " filt" : " filt=" + f.filter_name;
  *out += '\n';
}

}  // namespace

Result<SchemaDoc> ParseSchemaText(std::string_view text) {
  SchemaDoc doc;
  int line_no = 0;
  auto fail = [&line_no](const std::string& what) {
    return InvalidArgument("schema line " + std::to_string(line_no) + ": " + what);
  };
  // What the indented lines attach to: the last type, the last service or its last element.
  enum class Scope { kNone, kType, kService, kElement } scope = Scope::kNone;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::vector<std::string_view> tok = Split(line, ' ');
    if (tok.empty() || tok[0].starts_with('#')) continue;
    std::string_view kw = tok[0];
    TypeDef* last = scope == Scope::kType ? &doc.types.back() : nullptr;
    ServiceDef* service =
        scope == Scope::kService || scope == Scope::kElement ? &doc.services.back() : nullptr;
    if (kw == "version" || kw == "namespace") {
      if (tok.size() != 2) return fail("expected one value");
      (kw == "version" ? doc.version : doc.ns) = std::string(tok[1]);
      scope = Scope::kNone;
    } else if (kw == "complex" || kw == "enum" || kw == "simple") {
      if (tok.size() < 2) return fail("type name missing");
      TypeDef t;
      t.name = std::string(tok[1]);
      t.kind = kw == "complex" ? Kind::kComplex : kw == "enum" ? Kind::kEnum : Kind::kSimple;
      for (size_t i = 2; i < tok.size(); ++i) {
        if (!ApplyTypeAttr(tok[i], &t))
          return fail("bad type attribute '" + std::string(tok[i]) + "'");
      }
      doc.types.push_back(std::move(t));
      scope = Scope::kType;
    } else if (kw == "field") {
      bool in_element = scope == Scope::kElement;
      if (!in_element && (!last || last->kind != Kind::kComplex)) {
        return fail("field outside a complex type");
      }
      if (in_element && !service->elements.back().type.empty()) {
        return fail("field in an element that has a type");
      }
      if (tok.size() < 3) return fail("field needs a name and a type");
      FieldDef f;
      f.name = std::string(tok[1]);
      f.type = std::string(tok[2]);
      for (size_t i = 3; i < tok.size(); ++i) {
        if (!ApplyFieldAttr(tok[i], &f))
          return fail("bad field attribute '" + std::string(tok[i]) + "'");
      }
      (in_element ? service->elements.back().fields : last->fields).push_back(std::move(f));
    } else if (kw == "value") {
      if (!last || last->kind != Kind::kEnum) return fail("value outside an enum");
      if (tok.size() != 2) return fail("value needs exactly one token");
      last->enum_values.emplace_back(tok[1]);
    } else if (kw == "operation") {
      if (tok.size() != 2) return fail("operation needs exactly one type name");
      doc.operation_types.emplace_back(tok[1]);
      scope = Scope::kNone;
    } else if (kw == "service") {
      if (tok.size() != 2) return fail("service needs exactly one name");
      doc.services.emplace_back().name = std::string(tok[1]);
      scope = Scope::kService;
    } else if (kw == "type" || kw == "element" || kw == "op") {
      if (!service) return fail(std::string(kw) + " outside a service");
      if (kw == "element") {
        if (tok.size() != 2 &&
            !(tok.size() == 3 && tok[2].starts_with("type=") && tok[2].size() > 5)) {
          return fail("element needs a name and optionally type=T");
        }
        WsdlElement e;
        e.name = std::string(tok[1]);
        if (tok.size() == 3) e.type = std::string(tok[2].substr(5));
        service->elements.push_back(std::move(e));
        scope = Scope::kElement;
      } else {
        if (tok.size() != 2) return fail(std::string(kw) + " needs exactly one name");
        (kw == "type" ? service->types : service->operations).emplace_back(tok[1]);
      }
    } else {
      return fail("unknown keyword '" + std::string(kw) + "'");
    }
  }
  if (doc.version.empty()) return InvalidArgument("schema text has no version line");
  return doc;
}

std::string FormatSchemaText(const SchemaDoc& doc) {
  std::string out;
  out += std::string("# batchgate schema: ") + (doc.services.empty() ? "types" : "service WSDLs") +
         " of the AdWords API " + doc.version + " (facts only; format: schema/README.md).\n";
  out += "# Generated by `batchgate schema import`; do not edit by hand.\n";
  out += "version " + doc.version + "\n";
  out += "namespace " + doc.ns + "\n";
  for (const auto& t : doc.types) {
    out += t.kind == Kind::kComplex ? "complex " : t.kind == Kind::kEnum ? "enum " : "simple ";
    out += t.name;
    if (!t.base.empty()) out += " base=" + t.base;
    if (t.abstract) out += " abstract";
    if (t.is_choice) out += " choice";
    if (t.wsdl_only) out += " wsdl";
    if (!t.supported_operators.empty()) out += " ops=" + JoinOps(t.supported_operators);
    out += '\n';
    for (const auto& f : t.fields) FormatField(f, &out);
    for (const auto& v : t.enum_values) out += "  value " + v + "\n";
  }
  for (const auto& op : doc.operation_types) out += "operation " + op + "\n";
  for (const auto& service : doc.services) {
    out += "service " + service.name + "\n";
    for (const auto& t : service.types) out += "  type " + t + "\n";
    for (const auto& e : service.elements) {
      out += "  element " + e.name;
      if (!e.type.empty()) out += " type=" + e.type;
      out += '\n';
      for (const auto& f : e.fields) {
        out += "  ";  // element fields are indented one level deeper
        FormatField(f, &out);
      }
    }
    for (const auto& op : service.operations) out += "  op " + op + "\n";
  }
  return out;
}

}  // namespace bg::schema
