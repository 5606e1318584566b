// BatchJobClient: BatchJobService over SOAP as a client library calls it — mutate ADD (a new job
// with its uploadUrl) and get with an Id predicate (status, progressStats, downloadUrl,
// processingErrors), plus polling until the job is DONE or CANCELED.
//
// Envelopes are written with bg::xml::XmlWriter (RequestHeader with clientCustomerId,
// developerToken, userAgent; `Authorization: Bearer` on the HTTP request); answers are read with
// pugixml by local name (they are small: one job). A SOAP fault becomes a kFailedPrecondition
// Status whose message is the faultstring (e.g. "[AuthenticationError.…]").
//
// Uses the caller's HttpClient; not thread-safe (one per job, like the HttpClient).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "client/http_client.hpp"
#include "common/api_error.hpp"
#include "common/status.hpp"

namespace bg::client {

struct Credentials {
  std::string customer_id = "123-456-7890";
  std::string developer_token = "batchgate-client";
  std::string bearer = "batchgate-client";
  std::string user_agent = "batchgate-client";
};

struct JobState {
  int64_t id = 0;
  std::string status;  // AWAITING_FILE, ACTIVE, CANCELING, CANCELED, DONE
  std::string upload_url;
  std::string download_url;
  int64_t executed = 0, succeeded = 0, results_written = 0, percent = 0;
  std::vector<ApiError> processing_errors;

  bool terminal() const { return status == "DONE" || status == "CANCELED"; }
};

class BatchJobClient {
 public:
  // `gateway` is the base URL ("http://127.0.0.1:8080"); `version` e.g. "v201702".
  BatchJobClient(HttpClient* http, std::string gateway, std::string version,
                 Credentials credentials);

  Result<JobState> Create();
  Result<JobState> Get(int64_t id);
  // Polls Get with a growing pause (20 ms up to 1 s) until the job is terminal or `timeout`
  // passes (kDeadlineExceeded-like kUnavailable). `on_poll` sees every state.
  Result<JobState> WaitTerminal(int64_t id, std::chrono::milliseconds timeout,
                                const std::function<void(const JobState&)>& on_poll = {});

  const std::string& endpoint() const { return endpoint_; }

 private:
  Result<std::vector<JobState>> Call(const std::string& body_element, std::string_view op_name);

  HttpClient* http_;
  std::string version_, ns_, endpoint_;
  Credentials creds_;
};

// The jobs of a mutateResponse/getResponse envelope (exposed for tests); a fault -> its Status.
Result<std::vector<JobState>> ParseJobsResponse(std::string_view soap_xml);

}  // namespace bg::client
