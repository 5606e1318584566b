// WSDL writer: the WSDL text of one service of one API version, generated from the Registry
// (DESIGN.md decision 1: the served WSDLs come from schema/<version>/ like everything else).
//
// The output is our own rendering of the facts: definitions with the cm target namespace, one
// inline schema (elementFormDefault="qualified") holding the service's types in schema order and
// its global elements, then messages, portType, a document/literal SOAP 1.1 binding (RequestHeader
// and ResponseHeader as header parts, fault ApiException) and the service with its soap:address.
// No documentation is written. Produced with bg::xml::XmlWriter only.
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.hpp"
#include "schema/registry.hpp"

namespace bg::schema {

// "<base_url>/api/adwords/cm/<version>/<service>" (trailing slashes of base_url dropped).
std::string ServiceLocation(std::string_view base_url, std::string_view version,
                            std::string_view service);

// The WSDL of `service` (a name of registry.services()) with soap:address at
// ServiceLocation(base_url, ...); NotFound when the registry has no such service.
Result<std::string> GenerateWsdl(const Registry& registry, std::string_view service,
                                 std::string_view base_url);

// CLI entry (`batchgate schema export`): writes <Service>.wsdl for every service of `version`
// into `dir` (created when missing). Reports problems on stderr; returns the exit code.
int RunSchemaExport(const std::string& version, const std::string& dir,
                    const std::string& base_url);

}  // namespace bg::schema
