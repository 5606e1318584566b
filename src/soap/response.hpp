// Writing of SOAP responses (DESIGN.md ②, "exact out"): the soap:Envelope with its
// ResponseHeader, and the BatchJob element shared by mutate, get and query.
//
// Wire shape (reference §1.4): SOAP 1.1, prefix `soap`; header and body elements carry a default
// namespace declaration (…/cm/<version>) and no prefixes; BatchJob children in schema order.
// All text goes through xml::XmlWriter. Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/signed_url.hpp"
#include "common/xml_writer.hpp"
#include "http/message.hpp"
#include "model/job.hpp"

namespace bg::soap {

inline constexpr std::string_view kSoapEnvNs = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view kXsiNs = "http://www.w3.org/2001/XMLSchema-instance";
inline constexpr std::string_view kServiceName = "BatchJobService";

// Values of <ResponseHeader>.
struct ResponseHeaderInfo {
  std::string version;     // "v201702" | "v201809" (or the unsupported one asked for)
  std::string method;      // "mutate" | "get" | "query"
  int64_t operations = 1;  // number of BatchJobOperations of a mutate; 1 for get/query
  int64_t start_ms = 0;    // when the request arrived (responseTime = now - start_ms)
  std::string request_id;  // 32 lowercase hex; empty: a fresh random one
};

// Writes <soap:Envelope><soap:Header><ResponseHeader …/></soap:Header><soap:Body> and leaves
// soap:Body open. A null `header` omits the soap:Header (Client faults).
void WriteEnvelopeStart(xml::XmlWriter& w, const ResponseHeaderInfo* header);

// An HTTP response carrying a SOAP document: text/xml; charset=UTF-8.
http::Response SoapHttpResponse(int status, std::string body);

// Which BatchJob fields to render (selected fields for get/query; fixed sets for mutate).
struct JobFields {
  bool id = true;
  bool status = true;
  bool progress_stats = true;
  bool upload_url = false;
  bool download_url = false;  // rendered only when the reported status is DONE/CANCELED
  bool processing_errors = false;
  bool disk_usage_quota_balance = false;
};

// Where URLs point and how big the quota is.
struct RenderContext {
  const UrlSigner* signer = nullptr;
  std::string base_url;  // no trailing slash
  int64_t disk_quota_kb = 0;
};

// <element> with the BatchJob children in schema order. `reported` is the status shown to the
// client (see ReportedStatus in batch_job_service.cpp).
void WriteBatchJob(xml::XmlWriter& w, std::string_view element, const model::BatchJob& job,
                   model::JobStatus reported, const JobFields& fields, const RenderContext& ctx);

}  // namespace bg::soap
