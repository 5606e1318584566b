#include "client/report.hpp"

#include <cstdio>
#include <sstream>

#include "client/json_text.hpp"

namespace bg::client {
namespace {

std::string Quoted(const std::string& s) { return s.empty() ? "(absent)" : "'" + s + "'"; }

class TextReport final : public ReportSink {
 public:
  TextReport(TextOut out, int64_t total) : out_(std::move(out)), total_(total) {}

  void Job(const JobReport& r) override { out_(JobText(r, total_, true)); }

  Status Finish(const RunTotals& t) override {
    std::ostringstream s;
    s << "replayed " << t.jobs << " job" << (t.jobs == 1 ? "" : "s") << " through " << t.gateway
      << ": " << t.passed << " ok, " << t.differ << " differ, " << t.failed << " failed; "
      << t.operations << " operations (" << t.succeeded << " succeeded, " << t.operations_failed
      << " failed), " << t.differences << " difference" << (t.differences == 1 ? "" : "s") << "; "
      << FormatSeconds(t.seconds) << " s\n";
    out_(s.str());
    return Status::Ok();
  }

 private:
  TextOut out_;
  int64_t total_;
};

class JsonReport final : public ReportSink {
 public:
  explicit JsonReport(TextOut out) : out_(std::move(out)) {}

  void Job(const JobReport& r) override {
    std::ostringstream s;
    s << (first_ ? "{\"jobs\":[\n" : ",\n");
    first_ = false;
    s << "{\"name\":" << JsonString(r.name) << ",\"upload\":" << JsonString(r.upload)
      << ",\"archivedResults\":" << JsonString(r.archived_results)
      << ",\"passed\":" << (r.passed() ? "true" : "false")
      << ",\"outcome\":" << JsonString(r.Outcome()) << ",\"version\":" << JsonString(r.version)
      << ",\"customer\":" << JsonString(r.customer) << ",\"jobId\":" << r.job_id
      << ",\"status\":" << JsonString(r.status)
      << ",\"expectedStatus\":" << JsonString(r.expected_status)
      << ",\"failure\":" << JsonString(r.failure) << ",\"processingErrors\":[";
    for (size_t i = 0; i < r.processing_errors.size(); ++i) {
      s << (i ? "," : "") << JsonString(r.processing_errors[i].ErrorString());
    }
    s << "],\"operations\":{\"uploaded\":" << r.operations_uploaded
      << ",\"results\":" << r.summary.results() << ",\"succeeded\":" << r.summary.succeeded()
      << ",\"failed\":" << r.summary.failed() << "},\"errors\":{";
    bool first = true;
    for (const auto& [k, v] : r.summary.by_error()) {
      s << (first ? "" : ",") << JsonString(k) << ":" << v;
      first = false;
    }
    s << "},\"firstFailures\":[";
    for (size_t i = 0; i < r.summary.first_failures().size(); ++i) {
      const FailedOperation& f = r.summary.first_failures()[i];
      s << (i ? "," : "") << "{\"index\":" << f.index << ",\"errors\":" << JsonString(f.errors)
        << "}";
    }
    s << "],\"compared\":" << (r.compared ? "true" : "false")
      << ",\"differences\":" << r.differences << ",\"idsMapped\":" << r.ids_mapped
      << ",\"listedDifferences\":[";
    for (size_t i = 0; i < r.listed.size(); ++i) {
      const Difference& d = r.listed[i];
      s << (i ? "," : "") << "{\"index\":" << d.index << ",\"path\":" << JsonString(d.path)
        << ",\"archived\":" << JsonString(d.archived) << ",\"replayed\":" << JsonString(d.replayed)
        << ",\"note\":" << JsonString(d.note) << "}";
    }
    s << "],\"requests\":" << r.requests << ",\"bytesUploaded\":" << r.bytes_uploaded
      << ",\"seconds\":" << FormatSeconds(r.seconds) << "}";
    out_(s.str());
  }

  Status Finish(const RunTotals& t) override {
    std::ostringstream s;
    s << (first_ ? "{\"jobs\":[" : "\n") << "],\n\"summary\":{\"gateway\":" << JsonString(t.gateway)
      << ",\"jobs\":" << t.jobs << ",\"passed\":" << t.passed << ",\"differ\":" << t.differ
      << ",\"failed\":" << t.failed << ",\"operations\":" << t.operations
      << ",\"succeeded\":" << t.succeeded << ",\"operationsFailed\":" << t.operations_failed
      << ",\"differences\":" << t.differences << ",\"seconds\":" << FormatSeconds(t.seconds)
      << "}}\n";
    out_(s.str());
    return Status::Ok();
  }

 private:
  TextOut out_;
  bool first_ = true;
};

}  // namespace

void RunTotals::Add(const JobReport& r) {
  ++jobs;
  if (r.passed()) {
    ++passed;
  } else if (r.failure.empty() && r.compared && r.status == r.expected_status) {
    ++differ;
  } else {
    ++failed;
  }
  operations += r.summary.results();
  succeeded += r.summary.succeeded();
  operations_failed += r.summary.failed();
  differences += static_cast<int64_t>(r.differences);
}

std::string FormatSeconds(double seconds, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, seconds);
  return buf;
}

std::string DifferenceText(const Difference& d) {
  std::string s = d.index >= 0 ? "operation " + std::to_string(d.index) : "job";
  if (!d.path.empty()) s += " " + d.path;
  s += ": ";
  if (d.note == "outcome differs") {
    return s + "archived " + d.archived + ", replayed " + d.replayed;
  }
  if (d.note == "missing in the replay" || d.note == "not in the archive") {
    return s + d.note + " (" + (d.archived.empty() ? d.replayed : d.archived) + ")";
  }
  if (!d.note.empty() && d.archived.empty() && d.replayed.empty()) return s + d.note;
  s += "archived " + Quoted(d.archived) + ", replayed " + Quoted(d.replayed);
  if (!d.note.empty()) s += " (" + d.note + ")";
  return s;
}

std::string JobText(const JobReport& r, int64_t total_jobs, bool details) {
  std::ostringstream s;
  s << "== [" << r.ordinal + 1;
  if (total_jobs > 0) s << "/" << total_jobs;
  s << "] " << r.name << ": " << r.Outcome() << "\n";
  if (!r.description.empty()) s << "   " << r.description << "\n";
  if (r.job_id != 0) {
    s << "   job " << r.job_id << " " << r.status << " for customer " << r.customer << " ("
      << r.version << "): " << r.summary.results() << " results, " << r.summary.succeeded()
      << " succeeded, " << r.summary.failed() << " failed";
    if (r.compared) s << "; " << r.ids_mapped << " ids mapped";
    s << "; " << r.requests << " upload requests, " << r.bytes_uploaded << " bytes; "
      << FormatSeconds(r.seconds) << " s\n";
  }
  for (const ApiError& e : r.processing_errors) {
    s << "   processing error " << e.ErrorString();
    if (!e.trigger.empty()) s << " (trigger '" << e.trigger << "')";
    s << "\n";
  }
  if (!details) return s.str();
  if (!r.listed.empty()) {
    s << "   differences:\n";
    for (const Difference& d : r.listed) s << "     " << DifferenceText(d) << "\n";
    if (r.differences > r.listed.size()) {
      s << "     ... and " << r.differences - r.listed.size() << " more\n";
    }
  }
  if (!r.compared && r.summary.failed() > 0) {
    s << "   errors:";
    for (const auto& [k, v] : r.summary.by_error()) s << " " << k << " x" << v;
    s << "\n   first failing operations:\n";
    for (const FailedOperation& f : r.summary.first_failures()) {
      s << "     operation " << f.index << ": " << f.errors << "\n";
    }
  }
  if (!r.replayed_results.empty()) s << "   results: " << r.replayed_results << "\n";
  return s.str();
}

std::unique_ptr<ReportSink> MakeTextReport(TextOut out, int64_t total_jobs) {
  return std::make_unique<TextReport>(std::move(out), total_jobs);
}

std::unique_ptr<ReportSink> MakeJsonReport(TextOut out) {
  return std::make_unique<JsonReport>(std::move(out));
}

}  // namespace bg::client
