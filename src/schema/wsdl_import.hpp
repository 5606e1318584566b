// WSDL importer: turns Google's AdWords WSDL files into the project's schema text
// (schema/<version>/*.schema, format in schema/README.md). Backs `batchgate schema import`.
//
// Keeps only facts: type names and kinds, bases, abstract/choice, fields in order with type and
// cardinality, enum values, and the constraint facts read from the <span class="constraint X">
// sentences of the documentation. No documentation prose is carried over.
//
// Two outputs: batchjob.schema (the model: types, constraints, upload operation types) and
// services.schema (what the served WSDLs need beyond the model: one `service` block per input
// WSDL, and the types only service WSDLs define).
//
// Two roles of input file:
//  * type WSDLs (BatchJobService.wsdl, BatchJobOpsService.wsdl): every named complexType and
//    simpleType is merged by name; the upload operation types are the `*Operation` types that
//    extend `Operation` (minus BatchJobOperation).
//  * service WSDLs (AdGroupService.wsdl, ...): for the model, only the SupportedOperators of
//    their mutate* elements are read, recorded on the operation types already known from the
//    type WSDLs; their other types go to services.schema (marked `wsdl`).
// Every input WSDL (of either role) becomes a `service` block: its types in WSDL order, its
// global elements and its operations.
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

// The service facts: a ServiceDef per input WSDL (sorted by name) and the types only service
// WSDLs define (marked wsdl_only, sorted by name).
Result<SchemaDoc> ImportServicesDoc(const WsdlImportInputs& inputs);

// The canonical texts of both files.
struct ImportedSchema {
  std::string batchjob;  // schema/<version>/batchjob.schema
  std::string services;  // schema/<version>/services.schema
};
Result<ImportedSchema> ImportWsdlFiles(const WsdlImportInputs& inputs);

// The canonical schema text of the imported facts (batchjob.schema).
Result<std::string> ImportWsdl(const WsdlImportInputs& inputs);
Result<std::string> ImportWsdl(const std::vector<std::string>& wsdl_paths);  // classified

// CLI entry: imports `wsdls` (files or directories, see ClassifyWsdlPaths), checks that the
// result parses as a Registry, writes batchjob.schema to `out_file` ("-" = stdout) or, when
// `out_file` is a directory, batchjob.schema and services.schema into it. Reports problems on
// stderr; returns the process exit code (0 = written).
int RunSchemaImport(const std::vector<std::string>& wsdls, const std::string& out_file);

}  // namespace bg::schema
