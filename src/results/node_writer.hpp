// NodeWriter: renders a model::Node as the body of its XML element, exactly as the real
// BatchJobService result files did (reference §4.2/§4.4): fields in schema order (base type's
// first), only fields the registry's version has, `X.Type` markers filled with the runtime type at
// their schema position, and xsi:type on nested values whose runtime type differs from the
// declared one (xmlns:xsi declared on the first element that needs it, not repeated below it).
//
// Internal to results/. Stateless apart from the registry reference; not thread-safe per writer.
#pragma once

#include <string_view>

#include "common/xml_writer.hpp"
#include "model/node.hpp"
#include "schema/registry.hpp"

namespace bg::results {

inline constexpr std::string_view kXsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

class NodeWriter {
 public:
  NodeWriter(const schema::Registry& registry, xml::XmlWriter& w) : registry_(registry), w_(w) {}

  // Writes <name [xsi:type]>fields</name> for a value declared as `declared_type`.
  // `xsi_in_scope`: an ancestor already declared xmlns:xsi.
  void WriteElement(std::string_view name, std::string_view declared_type, const model::Node& node,
                    bool xsi_in_scope);

  // Writes the fields of `node` (no enclosing element).
  void WriteFields(const model::Node& node, bool xsi_in_scope);

 private:
  const schema::Registry& registry_;
  xml::XmlWriter& w_;
};

}  // namespace bg::results
