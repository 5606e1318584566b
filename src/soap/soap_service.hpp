// SoapService: the SOAP endpoints under /api/adwords/cm/{version}/ (BatchJobService: mutate,
// get, query) for every supported version (DESIGN.md ②), and the WSDLs of the services
// (GET|HEAD ...?wsdl, soap/wsdl_handler.hpp). A POST whose target carries ?wsdl is a SOAP call.
//
// Parses the envelope and RequestHeader (namespace-agnostic, any prefixes), authenticates and
// authorizes through the AccessPolicy (soap/auth.hpp: each failure is its own fault), dispatches,
// and answers a SOAP 1.1 envelope with ResponseHeader; every error becomes a fault in
// soap/fault.cpp and nowhere else. The ResponseHeader's requestId is the transport's request id
// (RequestHead::request_id), so that log lines can be matched. A `get` or `query` repeated byte
// for byte while no job changed is answered from soap/response_memo without being handled again.
//
// Thread-safe: Handle() may be called concurrently.
#pragma once

#include <memory>
#include <string>

#include "common/signed_url.hpp"
#include "engine/scheduler.hpp"
#include "http/message.hpp"
#include "soap/auth.hpp"
#include "soap/wsdl_handler.hpp"
#include "store/job_store.hpp"

namespace bg::soap {

struct SoapOptions {
  std::string public_base_url;  // e.g. "https://gw.example"; empty: from the Host header
  uint64_t max_request_bytes = 16 << 20;
  int64_t disk_quota_kb = 1024 * 1024;         // diskUsageQuotaBalance reported on ADD (1 GB)
  std::shared_ptr<const AccessPolicy> access;  // who may call (config [auth]); null: open mode
};

class SoapService {
 public:
  SoapService(SoapOptions options, store::JobStore* store, engine::Scheduler* scheduler,
              const UrlSigner* signer);
  // An Exchange for requests under /api/adwords/, or nullptr when the path is not ours.
  std::unique_ptr<http::Exchange> Route(const http::RequestHead& head);
  // Pure request -> response function (used by Route and by tests).
  http::Response Handle(const http::RequestHead& head, const std::string& body);

 private:
  SoapOptions options_;
  store::JobStore* store_;
  engine::Scheduler* scheduler_;
  const UrlSigner* signer_;
  const uint64_t serial_;  // unique per SoapService in the process (soap/response_memo)
  WsdlHandler wsdl_;       // GET|HEAD ...?wsdl
};

}  // namespace bg::soap
