// Registry: everything the gateway knows about the types of one API version (DESIGN.md
// decision 1). Loaded from schema/<version>/ (compiled into the binary at build time).
//
// Answers the typed questions of the upload parser (engine/op_reader), the validator
// (schema/validator), the result writer (results/writer) and the WSDL generator: which fields a
// type has and in which order (base type's fields first), their types and cardinality, which
// types are abstract or derive from which, enum values, and the constraints (Required/ReadOnly per
// operator, string length, ranges).
//
// Immutable after load; all methods are thread-safe. Registries live for the whole process.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bg::schema {

struct FieldDef {
  std::string name;  // element local name, e.g. "budgetId", "Criterion.Type"
  std::string type;  // type local name: "long", "string", "Money", "Campaign.Status"
  int min_occurs = 0;
  bool repeated = false;   // maxOccurs > 1 / unbounded
  bool is_marker = false;  // an "X.Type" element: ignored on input, filled on output
  // Constraints. Operator lists hold "ADD"/"SET"/"REMOVE"; `*_all` means for every operator.
  bool required_all = false;
  std::vector<std::string> required_for;
  bool read_only_all = false;
  std::vector<std::string> read_only_for;
  std::optional<int64_t> min_length, max_length;  // StringLength
  bool length_in_bytes = false, length_trimmed = false;
  std::optional<double> min_value, max_value;  // InRange
  std::optional<int64_t> max_list_size;        // CollectionSize
  bool not_empty = false;                      // NotEmpty (lists: at least one element)
  // Added by the schema helper: further facts of the schema files (see schema/README.md).
  std::optional<int64_t> min_list_size;    // CollectionSize minimum
  std::vector<std::string> not_empty_for;  // NotEmpty only for these operators
  std::string selectable;                  // Selectable field name ("" = not selectable)
  bool filterable = false;                 // Filterable (under `selectable`'s name...
  std::string filter_name;                 // ...or this one when the schema names it)

  bool RequiredFor(std::string_view op) const;
  bool ReadOnlyFor(std::string_view op) const;
};

enum class Kind { kComplex, kEnum, kSimple };

struct TypeDef {
  std::string name;
  Kind kind = Kind::kComplex;
  std::string base;  // complex: extension base ("" = none); simple/enum: xsd base
  bool abstract = false;
  bool is_choice = false;        // Operand: exactly one of its fields
  std::vector<FieldDef> fields;  // own fields only, in schema order
  std::vector<std::string> enum_values;
  // Operation types only: the operators the owning service accepts ("ADD", "SET", "REMOVE");
  // empty = no restriction recorded (all operators).
  std::vector<std::string> supported_operators;
  // A type that only the service WSDLs define (e.g. CampaignLabel, CampaignPage): served in the
  // WSDLs, never part of the upload/result model (not in types(), not found by Find()).
  bool wsdl_only = false;
};

// A global element of a service WSDL: either of a named type (`ApiExceptionFault` of type
// `ApiException`) or a wrapper with an inline sequence (`mutate`: operations*).
struct WsdlElement {
  std::string name;
  std::string type;              // named type; empty: the inline sequence of `fields`
  std::vector<FieldDef> fields;  // inline sequence, in order
};

// One service WSDL (schema/<version>/services.schema). The names that follow from the service
// name by the AdWords conventions are not stored: portType `<name>Interface`, binding
// `<name>SoapBinding`, port `<name>InterfacePort`; each operation `op` has the messages
// `<op>Request` (element `op`) and `<op>Response` (element `<op>Response`) and the fault
// `ApiException` (element `ApiExceptionFault`); SOAP headers are used when the service has a
// `RequestHeader` element.
struct ServiceDef {
  std::string name;                     // "CampaignService"
  std::vector<std::string> types;       // the types its WSDL defines, in WSDL order
  std::vector<WsdlElement> elements;    // global elements, in WSDL order
  std::vector<std::string> operations;  // "get", "mutate", ... in WSDL order

  const WsdlElement* FindElement(std::string_view element) const;
  bool HasHeaders() const { return FindElement("RequestHeader") != nullptr; }
};

class Registry;

// One field of a type's base-first field list (Registry::Fields), with its declared type's
// definition (nullptr for an xsd built-in) and whether that is complex, both looked up once when
// the registry is built.
struct FieldEntry {
  const FieldDef* def;
  bool complex;
  const TypeDef* type_def;
};

class Registry {
 public:
  // The registry of a supported version: one compiled in from schema/<version>/ (today
  // "v201702" and "v201809"); nullptr otherwise. Whether the gateway serves a version is exactly
  // whether this is non-null.
  static const Registry* Get(std::string_view version);
  // Every supported version, sorted ("v201702" < "v201809"): the versions Get() answers.
  static const std::vector<std::string>& Versions();

  std::string_view version() const { return version_; }
  // "https://adwords.google.com/api/adwords/cm/<version>"
  const std::string& ns() const { return ns_; }

  const TypeDef* Find(std::string_view type) const;
  // Base-first list of every field of `type` (inherited ones included), in schema order.
  std::vector<const FieldDef*> AllFields(std::string_view type) const;
  // The same without copying (for the hot paths: results writer, validator): a range of
  // FieldEntry, valid as long as the registry.
  class FieldRange;
  FieldRange Fields(std::string_view type) const;
  // A field of `type` or of one of its bases; nullptr when none.
  const FieldDef* FindField(std::string_view type, std::string_view field) const;
  bool IsSubtypeOf(std::string_view type, std::string_view base) const;  // reflexive
  // The nearest "X.Type" marker field of `type`'s hierarchy, or nullptr.
  const FieldDef* MarkerField(std::string_view type) const;
  bool IsEnum(std::string_view type) const;
  bool IsComplex(std::string_view type) const;  // xsd built-ins are simple
  // Operation types accepted in an upload (v201702: 15, v201809: 19), e.g. "CampaignOperation".
  const std::vector<std::string>& OperationTypes() const { return operation_types_; }
  // The Operand choice element for a runtime operand type ("BiddableAdGroupCriterion" ->
  // "AdGroupCriterion"); empty when none.
  std::string OperandElementFor(std::string_view operand_type) const;
  // That choice field itself (name: the element, type: its declared type), nullptr when none.
  const FieldDef* OperandChoice(std::string_view operand_type) const;
  // Operand's choice field named `element` (FindField("Operand", element), one lookup).
  const FieldDef* OperandElement(std::string_view element) const;
  // Find("Operator"), looked up once (every operation's operator is checked against it).
  const TypeDef* OperatorEnum() const {
    return operator_type_ < 0 ? nullptr : &types_[operator_type_];
  }

  // All types, in schema order (for WSDL generation).
  const std::vector<TypeDef>& types() const { return types_; }

  // The services whose WSDLs are served, sorted by name, and one of them by name (nullptr: none).
  const std::vector<ServiceDef>& services() const { return services_; }
  const ServiceDef* FindService(std::string_view service) const;
  // A type of the model (Find) or one only the service WSDLs define; nullptr when neither.
  const TypeDef* FindWsdlType(std::string_view type) const;
  const std::vector<TypeDef>& wsdl_types() const { return wsdl_types_; }

  // Builds a registry from the text of a schema file (see schema/README.md for the format).
  // Exposed for tests and for `batchgate schema import`.
  static std::optional<Registry> Parse(std::string_view version, std::string_view text,
                                       std::string* error);

 private:
  std::string version_, ns_;
  std::vector<TypeDef> types_;
  std::vector<std::string> operation_types_;
  // Implementation details, filled by Parse (indexes only: copying a Registry stays valid).
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using FieldRef = std::pair<uint32_t, uint32_t>;  // (type index, field index)
  struct TypeInfo {
    int base = -1;                     // index of the base type, -1 = none / not in the registry
    int depth = 0;                     // number of bases above this type
    std::vector<FieldRef> all_fields;  // base first
    std::vector<int32_t> all_types;    // per all_fields entry: index of its type, -1 = built-in
    std::unordered_map<std::string, FieldRef, StringHash, std::equal_to<>> field_index;
    std::optional<FieldRef> marker;
    int operand_field = -1;  // index into Operand's fields, -1 = none
  };
  const FieldDef& At(FieldRef ref) const { return types_[ref.first].fields[ref.second]; }
  const TypeInfo* Info(std::string_view type) const;
  std::string BuildIndexes();         // returns an error message, "" when fine
  std::string BuildServiceIndexes();  // the same for wsdl_types_ and services_

  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> index_;
  std::vector<TypeInfo> info_;
  int operand_type_ = -1;   // index of "Operand", -1 = none
  int operator_type_ = -1;  // index of "Operator", -1 = none
  std::vector<TypeDef> wsdl_types_;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> wsdl_index_;
  std::vector<ServiceDef> services_;
};

class Registry::FieldRange {
 public:
  class iterator {
   public:
    iterator(const Registry* r, const TypeInfo* info, size_t i) : r_(r), info_(info), i_(i) {}
    FieldEntry operator*() const {
      const int32_t t = info_->all_types[i_];
      const TypeDef* type = t < 0 ? nullptr : &r_->types_[t];
      return {&r_->At(info_->all_fields[i_]), type != nullptr && type->kind == Kind::kComplex,
              type};
    }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    const Registry* r_;
    const TypeInfo* info_;
    size_t i_;
  };
  FieldRange(const Registry* r, const TypeInfo* info) : r_(r), info_(info) {}
  iterator begin() const { return {r_, info_, 0}; }
  iterator end() const { return {r_, info_, info_ ? info_->all_fields.size() : 0}; }
  size_t size() const { return info_ ? info_->all_fields.size() : 0; }

 private:
  const Registry* r_;
  const TypeInfo* info_;
};

inline Registry::FieldRange Registry::Fields(std::string_view type) const {
  return FieldRange(this, Info(type));
}

}  // namespace bg::schema
