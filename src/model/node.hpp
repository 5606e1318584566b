// Node: one typed value of the AdWords schema, as parsed from an upload or built by a backend.
//
// A Node is an instance of a complex schema type: `type` is its runtime type (the local part of
// xsi:type, or the declared type when none was given). Its fields are kept as an ordered list of
// (name, value) pairs; a repeated field appears once per item, in document order. A value is
// either text (for simple types and enums; the lexical form as received, entity-decoded) or a
// child Node. Field order inside a Node is not significant: results/writer emits schema order.
// Marker fields (`X.Type`) and xsi:nil elements are never stored on input.
//
// Ownership: a Node owns its children. Copyable (deep copy). Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bg::model {

class Node;

struct Field {
  std::string name;
  std::string text;             // when child == nullptr
  std::unique_ptr<Node> child;  // when the value is a complex type

  Field() = default;
  Field(std::string n, std::string t) : name(std::move(n)), text(std::move(t)) {}
  Field(std::string n, std::unique_ptr<Node> c) : name(std::move(n)), child(std::move(c)) {}
  Field(const Field& o);
  Field& operator=(const Field& o);
  Field(Field&&) noexcept = default;
  Field& operator=(Field&&) noexcept = default;
};

class Node {
 public:
  Node() = default;
  explicit Node(std::string type) : type_(std::move(type)) {}

  const std::string& type() const { return type_; }
  void set_type(std::string t) { type_ = std::move(t); }

  const std::vector<Field>& fields() const { return fields_; }
  std::vector<Field>& mutable_fields() { return fields_; }

  // First field with that name, or nullptr.
  const Field* Find(std::string_view name) const;
  Field* Find(std::string_view name);
  bool Has(std::string_view name) const { return Find(name) != nullptr; }
  // All fields with that name, in order (repeated fields).
  std::vector<const Field*> FindAll(std::string_view name) const;

  // Text of a simple field; nullopt when absent or when it holds a Node.
  std::optional<std::string_view> Text(std::string_view name) const;
  // Integer value of a simple field; nullopt when absent or not an integer.
  std::optional<int64_t> Int(std::string_view name) const;
  // Child node of a complex field; nullptr when absent.
  const Node* Child(std::string_view name) const;
  Node* Child(std::string_view name);

  // Replace-or-append a simple field (first occurrence).
  void Set(std::string_view name, std::string text);
  void SetInt(std::string_view name, int64_t value) { Set(name, std::to_string(value)); }
  // Replace-or-append a complex field; returns the stored child.
  Node* SetChild(std::string_view name, Node child);
  // Append (for repeated fields).
  void Add(std::string name, std::string text);
  Node* AddChild(std::string name, Node child);
  // Remove every field with that name.
  void Remove(std::string_view name);

 private:
  std::string type_;
  std::vector<Field> fields_;
};

// Parses an xsd:long/int lexical form (optional sign, digits, surrounding spaces allowed).
std::optional<int64_t> ParseInt64(std::string_view s);
// xsd:boolean: true|false|1|0, case-insensitive (some clients send "True").
std::optional<bool> ParseBool(std::string_view s);

}  // namespace bg::model
