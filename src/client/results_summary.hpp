// ResultsSummary and ScanResults: what a job's results say (operations succeeded and failed,
// errors grouped by Type.REASON, the first failing operations) and, for a replay with archived
// results, the streamed comparison of the two documents (see result_diff.hpp).
//
// Both read their documents with ResultsReader, one result at a time: memory does not grow with
// the number of results (the groups are bounded by the error reasons of the schema; at most
// `max_failures` failing operations are kept). Plain values; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "client/result_diff.hpp"
#include "client/results_reader.hpp"
#include "common/status.hpp"

namespace bg::client {

struct FailedOperation {
  int64_t index = -1;
  std::string errors;  // "CriterionError.KEYWORD_HAS_INVALID_CHARS @ operations[4]…"
};

class ResultsSummary {
 public:
  explicit ResultsSummary(size_t max_failures = 10) : max_failures_(max_failures) {}

  void Add(const ResultEntry& e);

  int64_t results() const { return succeeded_ + failed_; }
  int64_t succeeded() const { return succeeded_; }
  int64_t failed() const { return failed_; }
  // "Type.REASON" -> number of errors.
  const std::map<std::string, int64_t>& by_error() const { return by_error_; }
  const std::vector<FailedOperation>& first_failures() const { return first_failures_; }

 private:
  size_t max_failures_;
  int64_t succeeded_ = 0, failed_ = 0;
  std::map<std::string, int64_t> by_error_;
  std::vector<FailedOperation> first_failures_;
};

// Reads the replayed results into `summary`; with `archived_path` (non-empty) and `diff`,
// compares them with the archived results too. Errors: a document that cannot be read (which
// one, where).
Status ScanResults(const std::string& replayed_path, const std::string& archived_path,
                   ResultsSummary* summary, ResultDiff* diff);

}  // namespace bg::client
