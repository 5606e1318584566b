// The text form of a schema file (schema/<version>/*.schema; format in schema/README.md).
//
// ParseSchemaText reads it into plain TypeDefs; FormatSchemaText writes the canonical text back.
// The two are inverses on canonical text (a test checks the round trip), so the WSDL importer and
// the Registry share one definition of the format. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "schema/registry.hpp"

namespace bg::schema {

struct SchemaDoc {
  std::string version;                       // "v201702"
  std::string ns;                            // target namespace of the cm types
  std::vector<TypeDef> types;                // in file order
  std::vector<std::string> operation_types;  // upload operation types, in file order
  std::vector<ServiceDef> services;          // served WSDLs, in file order
};

Result<SchemaDoc> ParseSchemaText(std::string_view text);
std::string FormatSchemaText(const SchemaDoc& doc);

}  // namespace bg::schema
