// RunJob: one archived job through a gateway with the real protocol — SOAP mutate ADD, the
// Python-style resumable upload (upload_plan.hpp, resumable_upload.hpp), polling get until DONE
// or CANCELED, the download of the results (streamed to a file), then ResultsSummary and, when
// the archive has results, ResultDiff — into a JobReport.
//
// A JobReport is small whatever the job's size: counts, the grouped errors, the first failing
// operations and the first differences only. Every failure (transport, SOAP fault, a results
// file that cannot be read) ends up in JobReport::failure; RunJob itself never throws.
//
// Thread-safe: concurrent RunJob calls share nothing but the (immutable) options.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "client/archive.hpp"
#include "client/batch_job_client.hpp"
#include "client/http_client.hpp"
#include "client/result_diff.hpp"
#include "client/results_summary.hpp"
#include "client/upload_plan.hpp"

namespace bg::client {

struct JobRunOptions {
  std::string gateway;      // base URL
  Credentials credentials;  // customer_id: used when the job names none
  std::string version;      // --version; "" = from the upload's namespace
  HttpClientOptions http;
  uint64_t chunk_bytes = kUploadUnit;
  // How long an uploaded job may take to end (every HTTP step has its own timeout too).
  std::chrono::milliseconds timeout{std::chrono::minutes(30)};
  DiffOptions diff;           // --ignore; job.toml adds its own patterns
  std::string results_dir;    // where downloads are written
  bool keep_results = false;  // false: each download is deleted once it is compared
};

struct JobReport {
  int64_t ordinal = 0;
  std::string name, description;
  std::string upload, archived_results, replayed_results;  // replayed: kept file, or ""
  std::string version, customer;
  int64_t job_id = 0;
  std::string status;  // as the gateway reported it last; "" when no job was created
  std::string expected_status = "DONE";
  std::string failure;  // what went wrong on the client side, "" when nothing did
  std::vector<ApiError> processing_errors;
  uint64_t operations_uploaded = 0, bytes_uploaded = 0;
  int requests = 0;
  ResultsSummary summary;
  bool compared = false;  // archived results were compared
  size_t differences = 0;
  std::vector<Difference> listed;  // the first differences
  size_t ids_mapped = 0;
  double seconds = 0;

  bool passed() const;
  // "ok", "DIFFERS: 3 differences", "FAILED: …", "CANCELED (expected DONE)", "2 operations failed"
  std::string Outcome() const;
};

// Progress: (phase, done, total) with phases create, upload (bytes), run (operations executed),
// download (bytes), compare.
using PhaseCallback = std::function<void(std::string_view, uint64_t, uint64_t)>;

JobReport RunJob(const ArchivedJob& job, const JobRunOptions& options,
                 const PhaseCallback& progress = {});

}  // namespace bg::client
