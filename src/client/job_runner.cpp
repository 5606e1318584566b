#include "client/job_runner.hpp"

#include <filesystem>

#include "client/resumable_upload.hpp"
#include "client/upload_version.hpp"
#include "schema/registry.hpp"

namespace bg::client {
namespace fs = std::filesystem;

namespace {

// "fixtures/archive/campaigns/" -> "campaigns"; "x/foo.xml" -> "foo".
std::string ShortName(const std::string& name) {
  fs::path p(name);
  if (p.filename().empty()) p = p.parent_path();
  std::string s = p.stem().string();
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  }
  return s.empty() ? "job" : s;
}

// The body of RunJob; returns early with report->failure set.
void Run(const ArchivedJob& job, const JobRunOptions& options, const PhaseCallback& progress,
         JobReport* report) {
  auto phase = [&](std::string_view p, uint64_t done, uint64_t total) {
    if (progress) progress(p, done, total);
  };
  if (!job.problem.empty()) {
    report->failure = job.problem;
    return;
  }
  report->version = job.version.empty() ? ChooseVersion(options.version, job.upload) : job.version;
  const schema::Registry* registry = schema::Registry::Get(report->version);
  if (registry == nullptr) {
    report->failure = "unsupported version " + report->version;
    return;
  }
  Result<UploadPlan> plan = PlanUpload(job.upload, options.chunk_bytes);
  if (!plan.ok()) {
    report->failure = plan.status().message();
    return;
  }
  report->operations_uploaded = plan->operations;
  report->bytes_uploaded = plan->total;

  phase("create", 0, 0);
  HttpClient http(options.http);
  Credentials creds = options.credentials;
  if (!job.customer.empty()) creds.customer_id = job.customer;
  report->customer = creds.customer_id;
  BatchJobClient service(&http, options.gateway, report->version, creds);
  Result<JobState> created = service.Create();
  if (!created.ok()) {
    report->failure = "mutate ADD: " + created.status().message();
    return;
  }
  report->job_id = created->id;
  report->status = created->status;

  UploadOptions up;
  up.progress = [&](uint64_t done, uint64_t total) { phase("upload", done, total); };
  phase("upload", 0, plan->total);
  Result<int> sent = UploadFile(http, created->upload_url, job.upload, *plan, up);
  if (!sent.ok()) {
    report->failure = "upload: " + sent.status().message();
    return;
  }
  report->requests = *sent;

  phase("run", 0, plan->operations);
  Result<JobState> done =
      service.WaitTerminal(report->job_id, options.timeout, [&](const JobState& s) {
        report->status = s.status;
        phase("run", static_cast<uint64_t>(s.executed), plan->operations);
      });
  if (!done.ok()) {
    report->failure = "get: " + done.status().message();
    return;
  }
  report->status = done->status;
  report->processing_errors = done->processing_errors;
  if (done->download_url.empty()) {
    report->failure = "the job is " + done->status + " but has no downloadUrl";
    return;
  }

  std::error_code ec;
  fs::create_directories(options.results_dir, ec);
  const std::string download =
      (fs::path(options.results_dir) /
       (std::to_string(job.ordinal + 1) + "-" + ShortName(job.name) + ".results.xml"))
          .string();
  Result<HttpResponse> got =
      http.Download(done->download_url, download,
                    [&](uint64_t n, uint64_t total) { phase("download", n, total); });
  if (!got.ok() || got->status != 200) {
    report->failure = "download: " + (got.ok() ? "HTTP " + std::to_string(got->status) + " " +
                                                     got->body.substr(0, 200)
                                               : got.status().message());
    return;
  }

  phase("compare", 0, 0);
  DiffOptions diff_options = options.diff;
  diff_options.ignore.insert(diff_options.ignore.end(), job.ignore.begin(), job.ignore.end());
  ResultDiff diff(registry, diff_options);
  for (const std::string& id : plan->named_ids) diff.ids().Pin(id);
  report->compared = !job.results.empty();
  Status scanned =
      ScanResults(download, job.results, &report->summary, report->compared ? &diff : nullptr);
  if (!scanned.ok()) report->failure = scanned.message();
  report->differences = diff.count();
  report->listed = diff.listed();
  report->ids_mapped = diff.ids().size();
  if (options.keep_results) {
    report->replayed_results = download;
  } else {
    fs::remove(download, ec);
  }
}

}  // namespace

bool JobReport::passed() const {
  if (!failure.empty() || status != expected_status) return false;
  return compared ? differences == 0 : summary.failed() == 0;
}

std::string JobReport::Outcome() const {
  if (!failure.empty()) return "FAILED: " + failure;
  if (status != expected_status) {
    std::string s = status + " (expected " + expected_status + ")";
    for (const ApiError& e : processing_errors) s.append(" ").append(e.ErrorString());
    return s;
  }
  if (compared) {
    if (differences == 0) return "ok";
    return "DIFFERS: " + std::to_string(differences) + " difference" +
           (differences == 1 ? "" : "s");
  }
  if (summary.failed() == 0) return "ok";
  return std::to_string(summary.failed()) + " operation" + (summary.failed() == 1 ? "" : "s") +
         " failed";
}

JobReport RunJob(const ArchivedJob& job, const JobRunOptions& options,
                 const PhaseCallback& progress) {
  const auto start = std::chrono::steady_clock::now();
  JobReport report;
  report.ordinal = job.ordinal;
  report.name = job.name;
  report.description = job.description;
  report.upload = job.upload;
  report.archived_results = job.results;
  report.expected_status = job.expected_status;
  Run(job, options, progress, &report);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace bg::client
