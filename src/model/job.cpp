#include "model/job.hpp"

namespace bg::model {

std::string_view JobStatusName(JobStatus s) {
  switch (s) {
    case JobStatus::kUnknown: return "UNKNOWN";
    case JobStatus::kAwaitingFile: return "AWAITING_FILE";
    case JobStatus::kActive: return "ACTIVE";
    case JobStatus::kCanceling: return "CANCELING";
    case JobStatus::kCanceled: return "CANCELED";
    case JobStatus::kDone: return "DONE";
  }
  return "UNKNOWN";
}

std::optional<JobStatus> ParseJobStatus(std::string_view s) {
  for (JobStatus v : {JobStatus::kUnknown, JobStatus::kAwaitingFile, JobStatus::kActive,
                      JobStatus::kCanceling, JobStatus::kCanceled, JobStatus::kDone}) {
    if (JobStatusName(v) == s) return v;
  }
  return std::nullopt;
}

bool IsTerminal(JobStatus s) { return s == JobStatus::kCanceled || s == JobStatus::kDone; }

std::string CmNamespace(std::string_view version) {
  return "https://adwords.google.com/api/adwords/cm/" + std::string(version);
}

}  // namespace bg::model
