// SOAP 1.1 request envelope parsing for the AdWords services (DESIGN.md ②, "lenient in").
//
// Every client dialect (Axis ns1:, suds tns:/ns0:/ns1:, Savon wsdl: with default-namespace
// children, .NET True/False) is accepted: elements are matched by LOCAL NAME only, any prefix,
// any namespace, any child order. The XML is parsed by pugixml with no DTD processing at all: a
// DOCTYPE is rejected, only the five predefined entities and character references are expanded.
// Malformed input yields an InvalidArgument Status whose message starts with
// "Unmarshalling Error: " (rendered as a soap:Client fault by soap/fault).
//
// Envelope owns its parsed document; `operation` points into it. Plain value; not thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace bg::soap {

// RequestHeader (SoapHeader) as sent; absent fields stay nullopt / false.
struct RequestHeaderFields {
  std::optional<std::string> client_customer_id;  // raw text, trimmed (dashes still there)
  std::optional<std::string> developer_token;
  std::optional<std::string> user_agent;
  bool validate_only = false;
  bool partial_failure = false;
};

struct Envelope {
  std::shared_ptr<pugi::xml_document> doc;
  RequestHeaderFields header;
  pugi::xml_node operation;  // first element child of Body (mutate/get/query/...)
  std::string method;        // its local name
};

// InvalidArgument("Unmarshalling Error: <detail>").
Status UnmarshallingError(std::string_view detail);
// True when `s` is such a Status (soap:Client fault).
bool IsUnmarshallingError(const Status& s);

Result<Envelope> ParseEnvelope(std::string_view body);

// --- namespace-agnostic helpers over pugixml nodes ---
std::string_view LocalName(pugi::xml_node node);
// First element child whose local name is `local` (null node when none). Children carrying
// xsi:nil="true" count as absent.
pugi::xml_node Child(pugi::xml_node parent, std::string_view local);
std::vector<pugi::xml_node> Children(pugi::xml_node parent, std::string_view local);
// Trimmed text content of the node.
std::string Text(pugi::xml_node node);
// Trimmed text of Child(parent, local), nullopt when the child is absent.
std::optional<std::string> ChildText(pugi::xml_node parent, std::string_view local);
// xsd:boolean: true|false|1|0, any case. nullopt when not a boolean.
std::optional<bool> ParseBoolean(std::string_view text);
// xsd:long / xsd:int (optional sign, digits). nullopt when not an integer in range.
std::optional<int64_t> ParseLong(std::string_view text);

}  // namespace bg::soap
