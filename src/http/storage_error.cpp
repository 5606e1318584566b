#include "http/storage_error.hpp"

#include <string>

#include "common/json_writer.hpp"
#include "common/xml_writer.hpp"

namespace bg::http {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

ErrorFormat PreferredErrorFormat(const RequestHead& head) {
  if (std::optional<std::string> alt = head.QueryParam("alt")) {
    if (LowerAscii(*alt) == "json") return ErrorFormat::kJson;
  }
  std::optional<std::string_view> accept = head.Get("Accept");
  if (!accept) return ErrorFormat::kXml;
  std::string_view rest = *accept;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    std::string type = LowerAscii(Trim(item.substr(0, item.find(';'))));
    if (type == "application/json" || type.ends_with("+json")) return ErrorFormat::kJson;
    if (type.ends_with("/xml") || type.ends_with("+xml")) return ErrorFormat::kXml;
  }
  return ErrorFormat::kXml;
}

Response StorageError(int status, std::string_view code, std::string_view message) {
  return StorageError(status, code, message, ErrorFormat::kXml);
}

Response StorageError(int status, std::string_view code, std::string_view message,
                      ErrorFormat format) {
  std::string body;
  if (format == ErrorFormat::kJson) {
    std::string reason(code);
    if (!reason.empty()) reason[0] = Lower(reason[0]);
    body = "{\"error\":{\"code\":" + std::to_string(status) + ",\"message\":";
    AppendJsonString(message, &body);
    body.append(",\"errors\":[{\"domain\":\"global\",\"reason\":");
    AppendJsonString(reason, &body);
    body.append(",\"message\":");
    AppendJsonString(message, &body);
    body.append("}]}}");
    return Response::Text(status, "application/json; charset=UTF-8", std::move(body));
  }
  xml::XmlWriter w(&body);
  w.Raw("<?xml version='1.0' encoding='UTF-8'?>");
  w.Start("Error");
  w.Leaf("Code", code);
  w.Leaf("Message", message);
  w.EndAll();
  return Response::Text(status, "application/xml; charset=UTF-8", std::move(body));
}

}  // namespace bg::http
