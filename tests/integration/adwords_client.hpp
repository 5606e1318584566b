// A minimal AdWords BatchJobService client for integration tests: SOAP mutate/get over real HTTP,
// the resumable upload as a client library performs it, and parsing of the results document.
// Tests build the SOAP envelopes here the way the client libraries do (Axis-style prefixes).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "integration/dialects.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace bg::testing {

struct Credentials {
  std::string customer_id = "123-456-7890";
  std::string developer_token = "dev-token";
  std::string bearer = "access-token";
};

struct JobView {
  int64_t id = 0;
  std::string status;
  std::string upload_url;
  std::string download_url;
  int64_t executed = 0, succeeded = 0, results_written = 0, percent = 0;
  std::string processing_reason, processing_trigger, processing_error_string;
  std::string fault;  // faultstring when the call failed
};

class AdWordsClient {
 public:
  AdWordsClient(std::string base_url, Credentials creds, std::string version = "v201702")
      : base_(std::move(base_url)), creds_(std::move(creds)), version_(std::move(version)) {}
  void set_base_url(std::string base) { base_ = std::move(base); }
  const std::string& base_url() const { return base_; }

  // POSTs a SOAP request whose Body holds `body_xml` to BatchJobService.
  HttpResponse Call(const std::string& body_xml) const;
  // mutate ADD of one job.
  JobView Create() const;
  JobView Get(int64_t id) const;
  JobView Cancel(int64_t id) const;
  // Polls `get` until a terminal status (DONE/CANCELED) or the deadline; records every status
  // seen in `seen` when given.
  JobView WaitTerminal(int64_t id, std::chrono::seconds deadline,
                       std::vector<std::string>* seen = nullptr) const;

 private:
  std::string base_;
  Credentials creds_;
  std::string version_;
};

// A v201702 upload document of `budgets` valid BudgetOperation ADDs (temp ids -1, -2, ...;
// names "<tag> budget <i>", 1 currency unit each): a job whose length tests choose.
std::string BudgetJobDocument(int budgets, const std::string& tag);

// Parses a mutateResponse / getResponse into JobViews (the <value>/<entries> elements).
std::vector<JobView> ParseJobs(const std::string& soap_xml, std::string* fault);

// Replaces scheme://host:port of `url` with `base` (a restarted server listens elsewhere).
std::string Rebase(const std::string& url, const std::string& base);

// POST start then the requests; returns "" on success or a description of the first failure.
// Checks the status codes each library relies on (201 + Location; 308 without Location; 200).
std::string Upload(const std::string& upload_url, const std::vector<UploadRequest>& requests);

struct Rval {
  int64_t index = -1;
  std::string result_element;  // e.g. "Budget" (empty on error)
  std::string result_xsi_type;
  std::string result_xml;      // the <result> subtree as text
  std::string error_type, reason, field_path, trigger;
};
// Parses the results document; sets *error when it is not the exact expected shape.
std::vector<Rval> ParseResults(const std::string& xml, const std::string& version,
                               std::string* error);

}  // namespace bg::testing
