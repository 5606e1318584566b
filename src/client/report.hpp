// The reports of `batchgate replay`: text (the default, on stdout), JSON (`--format json`, on
// stdout) and JUnit XML (`--junit FILE`, for CI), each fed one JobReport at a time as the jobs
// finish and closed with the totals of the run.
//
// Streaming (thousands of jobs, bounded memory): text and JSON are written as they come (the
// JSON document is `{"jobs":[ … ],"summary":{…}}`, its job objects emitted one by one); JUnit
// needs the counts in its opening tags, so its test cases go to FILE.part first and FILE is
// assembled from the counts and that part at the end.
//
// Not thread-safe: the replay feeds its sinks from one thread at a time (under its lock).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "client/job_runner.hpp"
#include "common/status.hpp"

namespace bg::client {

struct RunTotals {
  std::string gateway;
  int64_t jobs = 0, passed = 0, differ = 0, failed = 0;  // failed: everything else
  int64_t operations = 0, succeeded = 0, operations_failed = 0;
  int64_t differences = 0;
  double seconds = 0;

  void Add(const JobReport& r);
};

class ReportSink {
 public:
  virtual ~ReportSink() = default;
  virtual void Job(const JobReport& report) = 0;
  virtual Status Finish(const RunTotals& totals) = 0;
};

using TextOut = std::function<void(const std::string&)>;

// `total_jobs` numbers the jobs "[3/40]".
std::unique_ptr<ReportSink> MakeTextReport(TextOut out, int64_t total_jobs);
std::unique_ptr<ReportSink> MakeJsonReport(TextOut out);
Result<std::unique_ptr<ReportSink>> MakeJUnitReport(const std::string& path);

// The per-job text block (also used by `submit`).
std::string JobText(const JobReport& r, int64_t total_jobs, bool details);
// "1.25" (`decimals` digits after the point).
std::string FormatSeconds(double seconds, int decimals = 2);
// One line per difference: "operation 3 result.Campaign.name: archived 'a', replayed 'b'".
std::string DifferenceText(const Difference& d);

}  // namespace bg::client
