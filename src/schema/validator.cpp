// Schema-level validation: walks the operation tree with the registry, in schema order, so that
// the errors of one operation come out in a stable order.
#include "schema/validator.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

namespace bg::schema {
namespace {

std::string_view TrimSpace(std::string_view s) {
  auto sp = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && sp(s.front())) s.remove_prefix(1);
  while (!s.empty() && sp(s.back())) s.remove_suffix(1);
  return s;
}

size_t Utf8Chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::optional<double> ParseDouble(std::string_view s) {
  std::string buf(TrimSpace(s));
  if (buf.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size() || errno == ERANGE) return std::nullopt;
  return v;
}

// Temporary ids (reference §5.2) sit in fields the schema marks read-only for ADD (Campaign.id,
// AdGroup.id): on ADD an integer there is not a read-only violation but a temp id definition; it
// reaches the backend, which resolves it (or answers NewEntityCreationError.CANNOT_SET_ID_FOR_ADD
// for a non-negative one, the more specific real error).
bool IsTempIdSite(const model::Field& f, std::string_view op) {
  return op == "ADD" && (f.name == "id" || f.name == "budgetId") && !f.child &&
         model::ParseInt64(f.text).has_value();
}

class Validator {
 public:
  Validator(const Registry& registry, std::string_view op) : registry_(registry), op_(op) {}

  void Node(model::Node& node, std::string& path) {
    auto& fields = node.mutable_fields();
    for (const FieldEntry entry : registry_.Fields(node.type())) {
      const FieldDef* fd = entry.def;
      if (fd->is_marker) continue;
      const size_t base = path.size();
      const bool read_only = fd->ReadOnlyFor(op_);
      int64_t count = 0;
      for (model::Field& f : fields) {
        if (f.name != fd->name) continue;
        path.append(".").append(fd->name);
        if (fd->repeated) path.append("[").append(std::to_string(count)).append("]");
        if (read_only && !IsTempIdSite(f, op_)) {
          // Issue 3: a read-only field that is set is the operation's error, not silently
          // dropped (the trigger is the value sent, for a simple field).
          Add("ReadOnlyError", "READ_ONLY", path, f.child ? std::string() : f.text);
        } else if (f.child) {
          ComplexRange(*fd, *f.child, path);
          Node(*f.child, path);
        } else {
          Simple(*fd, entry.type_def, f.text, path);
        }
        path.resize(base);
        ++count;
      }
      if (count == 0 && fd->RequiredFor(op_)) {
        Add("RequiredError", "REQUIRED", path + "." + fd->name, "");
      }
      if (fd->max_list_size && count > *fd->max_list_size) {
        Add("CollectionSizeError", "TOO_MANY", path + "." + fd->name, "");
      } else if (fd->min_list_size && count > 0 && count < *fd->min_list_size) {
        Add("CollectionSizeError", "TOO_FEW", path + "." + fd->name, "");
      }
    }
  }

  std::vector<ApiError> Take() { return std::move(errors_); }

  void Add(std::string type, std::string reason, std::string path, std::string trigger) {
    errors_.push_back(
        ApiError::Make(std::move(type), std::move(reason), std::move(path), std::move(trigger)));
  }

 private:
  // `type_def`: fd.type's definition, nullptr for an xsd built-in.
  void Simple(const FieldDef& fd, const TypeDef* type_def, const std::string& text,
              const std::string& path) {
    // A value that is not a lexical form of its type (unknown enum value, "12x" for a long) is
    // reported as RequestError.INVALID_INPUT: the real API rejected such input before any
    // semantic check, and INVALID_INPUT is the generic reason it has for it.
    if (!Lexical(fd.type, type_def, text)) {
      Add("RequestError", "INVALID_INPUT", path, text);
      return;
    }
    if (fd.min_length || fd.max_length) {
      std::string_view v = fd.length_trimmed ? TrimSpace(text) : std::string_view(text);
      int64_t len = static_cast<int64_t>(fd.length_in_bytes ? v.size() : Utf8Chars(v));
      if (fd.min_length && len < *fd.min_length) {
        Add("StringLengthError", "TOO_SHORT", path, text);
      } else if (fd.max_length && len > *fd.max_length) {
        Add("StringLengthError", "TOO_LONG", path, text);
      }
    }
    if (fd.min_value || fd.max_value) Range(fd, text, path);
  }

  // InRange on a Money-valued field (e.g. Budget.amount): the bound applies to microAmount.
  void ComplexRange(const FieldDef& fd, const model::Node& value, const std::string& path) {
    if (!fd.min_value && !fd.max_value) return;
    auto micros = value.Text("microAmount");
    if (micros) Range(fd, std::string(*micros), path);
  }

  void Range(const FieldDef& fd, const std::string& text, const std::string& path) {
    auto v = ParseDouble(text);
    if (!v) return;
    if (fd.min_value && *v < *fd.min_value) {
      Add("RangeError", "TOO_LOW", path, std::string(TrimSpace(text)));
    } else if (fd.max_value && *v > *fd.max_value) {
      Add("RangeError", "TOO_HIGH", path, std::string(TrimSpace(text)));
    }
  }

  static bool Lexical(std::string_view type, const TypeDef* t, std::string_view text) {
    if (t != nullptr && t->kind == Kind::kEnum) {
      std::string_view v = TrimSpace(text);
      return std::find(t->enum_values.begin(), t->enum_values.end(), v) != t->enum_values.end();
    }
    if (type == "long") return model::ParseInt64(text).has_value();
    if (type == "int") {
      auto v = model::ParseInt64(text);
      return v && *v >= INT32_MIN && *v <= INT32_MAX;
    }
    if (type == "boolean") return model::ParseBool(TrimSpace(text)).has_value();
    if (type == "double") {
      auto v = ParseDouble(text);
      return v && std::isfinite(*v);
    }
    return true;
  }

  const Registry& registry_;
  std::string_view op_;
  std::vector<ApiError> errors_;
};

}  // namespace

std::vector<ApiError> Validate(const Registry& registry, model::Operation& op) {
  std::string path = "operations[" + std::to_string(op.index) + "]";
  const std::string op_operator(op.op_operator());
  Validator v(registry, op_operator);
  if (const TypeDef* t = registry.Find(op.op_type());
      t && !op_operator.empty() && !t->supported_operators.empty()) {
    const auto& ops = t->supported_operators;
    const TypeDef* op_enum = registry.OperatorEnum();
    const bool known_operator =
        op_enum && std::find(op_enum->enum_values.begin(), op_enum->enum_values.end(),
                             op_operator) != op_enum->enum_values.end();
    // An operator that is not an Operator value at all is INVALID_INPUT (reported by the walk).
    if (known_operator && std::find(ops.begin(), ops.end(), op_operator) == ops.end()) {
      v.Add("OperatorError", "OPERATOR_NOT_SUPPORTED", path + ".operator", "");
      return v.Take();
    }
  }
  v.Node(op.node, path);
  return v.Take();
}

}  // namespace bg::schema
