// WSDL importer: turns Google's AdWords WSDL files into the project's schema text
// (schema/<version>/*.schema, format in schema/README.md). Backs `batchgate schema import`.
//
// Keeps only facts: type names and kinds, bases, abstract/choice, fields in order with type and
// cardinality, enum values, and the constraint facts read from the <span class="constraint X">
// sentences of the documentation. No documentation prose is carried over.
//
// Two roles of input file:
//  * type WSDLs (BatchJobService.wsdl, BatchJobOpsService.wsdl): every named complexType and
//    simpleType is merged by name; the upload operation types are the `*Operation` types that
//    extend `Operation` (minus BatchJobOperation).
//  * service WSDLs (AdGroupService.wsdl, ...): only the SupportedOperators of their mutate*
//    elements are read, recorded on the operation types already known from the type WSDLs.
// Stateless functions; thread-safe. Reads files with pugixml (DOM; files are about 1 MB).
#pragma once

#include <string>
#include <vector>

#include "common/status.hpp"
#include "schema/schema_text.hpp"

namespace bg::schema {

struct WsdlImportInputs {
  std::vector<std::string> type_wsdls;
  std::vector<std::string> service_wsdls;
};

// Sorts paths into the two roles: a file whose name starts with "BatchJob" is a type WSDL, any
// other .wsdl a service WSDL; a directory contributes every *.wsdl inside it.
Result<WsdlImportInputs> ClassifyWsdlPaths(const std::vector<std::string>& paths);

// The imported facts (types sorted by name, operation types sorted by name).
Result<SchemaDoc> ImportWsdlDoc(const WsdlImportInputs& inputs);

// The canonical schema text of the imported facts.
Result<std::string> ImportWsdl(const WsdlImportInputs& inputs);
Result<std::string> ImportWsdl(const std::vector<std::string>& wsdl_paths);  // classified

// CLI entry: imports `wsdls` (files or directories, see ClassifyWsdlPaths), checks that the
// result parses as a Registry, writes it to `out_file` ("-" = stdout). Reports problems on
// stderr; returns the process exit code (0 = written).
int RunSchemaImport(const std::vector<std::string>& wsdls, const std::string& out_file);

}  // namespace bg::schema
