#include "soap/fault.hpp"

#include <charconv>
#include <iostream>

#include "common/xml_writer.hpp"
#include "model/job.hpp"
#include "soap/envelope.hpp"

namespace bg::soap {
namespace {

void WriteApiError(xml::XmlWriter& w, const ApiError& e) {
  w.Start("errors");
  w.Attribute("xmlns:xsi", kXsiNs);
  w.Attribute("xsi:type", e.type);
  if (!e.field_path.empty()) {
    w.Leaf("fieldPath", e.field_path);
    for (const FieldPathElement& el : SplitFieldPath(e.field_path)) {
      w.Start("fieldPathElements");
      w.Leaf("field", el.field);
      if (el.index) w.Leaf("index", *el.index);
      w.End();
    }
  }
  if (!e.trigger.empty()) w.Leaf("trigger", e.trigger);
  w.Leaf("errorString", e.ErrorString());
  w.Leaf("ApiError.Type", e.type);
  w.Leaf("reason", e.reason);
  for (const auto& [name, value] : e.extra) w.Leaf(name, value);
  w.End();
}

}  // namespace

std::string FaultString(const std::vector<ApiError>& errors) {
  std::string s = "[";
  for (size_t i = 0; i < errors.size(); ++i) {
    const ApiError& e = errors[i];
    if (i > 0) s += ", ";
    s += e.ErrorString();
    s += " @ ";
    s += e.field_path;
    if (!e.trigger.empty()) s += "; trigger:'" + e.trigger + "'";
  }
  s += "]";
  return s;
}

std::vector<FieldPathElement> SplitFieldPath(std::string_view path) {
  std::vector<FieldPathElement> out;
  while (!path.empty()) {
    size_t dot = path.find('.');
    std::string_view seg = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    if (seg.empty()) continue;
    FieldPathElement el;
    size_t open = seg.find('[');
    if (open != std::string_view::npos && seg.back() == ']') {
      std::string_view digits = seg.substr(open + 1, seg.size() - open - 2);
      int64_t index = 0;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
      if (ec == std::errc() && p == digits.data() + digits.size()) {
        el.index = index;
        seg = seg.substr(0, open);
      }
    }
    el.field = std::string(seg);
    out.push_back(std::move(el));
  }
  return out;
}

http::Response ApiFault(const ResponseHeaderInfo& header, const std::vector<ApiError>& errors) {
  std::string body;
  xml::XmlWriter w(&body);
  WriteEnvelopeStart(w, &header);
  const std::string fault_string = FaultString(errors);
  w.Start("soap:Fault");
  w.Leaf("faultcode", "soap:Server");
  w.Leaf("faultstring", fault_string);
  w.Start("detail");
  w.Start("ApiExceptionFault");
  w.Attribute("xmlns", model::CmNamespace(header.version));
  w.Leaf("message", fault_string);
  w.Leaf("ApplicationException.Type", "ApiException");
  for (const ApiError& e : errors) WriteApiError(w, e);
  w.EndAll();
  return SoapHttpResponse(500, std::move(body));
}

http::Response ClientFault(std::string_view faultstring) {
  std::string body;
  xml::XmlWriter w(&body);
  WriteEnvelopeStart(w, nullptr);
  w.Start("soap:Fault");
  w.Leaf("faultcode", "soap:Client");
  w.Leaf("faultstring", faultstring);
  w.EndAll();
  return SoapHttpResponse(500, std::move(body));
}

http::Response FaultFromStatus(const ResponseHeaderInfo& header, const Status& status) {
  if (status.is_api_error() && !status.api_errors().empty()) {
    return ApiFault(header, status.api_errors());
  }
  if (IsUnmarshallingError(status)) return ClientFault(status.message());
  // Internal failure: the client learns nothing but the generic reason.
  std::clog << "batchgate soap: " << header.method << " failed: " << status.ToString() << std::endl;
  return ApiFault(header, {ApiError::Make("InternalApiError", "UNEXPECTED_INTERNAL_API_ERROR")});
}

}  // namespace bg::soap
