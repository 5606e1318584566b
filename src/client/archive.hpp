// The archive that `batchgate replay PATH...` reads (docs/replay.md, "Archive layout"):
//
//   * a job folder: a directory holding `upload.xml` (the operations document as a client
//     uploaded it), optionally `results.xml` (the results document the real service returned for
//     it: the download of the job's downloadUrl) and `job.toml`:
//         version = "v201702"         # API version (default: --version, else the upload's
//         namespace) customer = "123-456-7890"   # account to replay into (default: --customer,
//         else a new one) status = "DONE"             # the final status the job had (DONE or
//         CANCELED) ignore = ["startDate"]      # fields not compared (patterns, see
//         result_diff.hpp) description = "..."         # shown in the report
//   * a bare upload: any other `*.xml` file (no archived results: the expectation is that every
//     operation succeeds);
//   * any other directory: walked in name order, recursively.
// A PATH given on the command line that is a file is an upload whatever its name.
//
// ArchiveWalker expands the PATHs lazily, one directory listing at a time, so that an archive of
// thousands of jobs is never listed whole in memory. Not thread-safe (one walker, one thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace bg::client {

struct ArchivedJob {
  int64_t ordinal = 0;   // 0-based position in the walk
  std::string name;      // the folder or file as found (for reports)
  std::string upload;    // path of the upload document
  std::string results;   // archived results; "" when none
  std::string version;   // from job.toml; "" = not given
  std::string customer;  // from job.toml; "" = not given
  std::string expected_status = "DONE";
  std::vector<std::string> ignore;
  std::string description;
  std::string problem;  // the job folder is unusable (bad job.toml): reported as a failure
};

// Reads `dir`/job.toml into `job` (absent: nothing changes). Unknown keys and wrong types fail,
// naming the key.
Status ReadJobToml(const std::string& path, ArchivedJob* job);

class ArchiveWalker {
 public:
  explicit ArchiveWalker(std::vector<std::string> paths);

  // The next job, nullopt when the walk is over. A PATH that does not exist becomes a job with
  // a `problem`.
  std::optional<ArchivedJob> Next();

 private:
  struct Dir {
    std::vector<std::string> entries;  // sorted full paths
    size_t next = 0;
  };
  std::optional<ArchivedJob> Visit(const std::string& path, bool top_level);
  ArchivedJob Folder(const std::string& dir);

  std::vector<std::string> paths_;
  size_t next_path_ = 0;
  std::vector<Dir> stack_;
  int64_t ordinal_ = 0;
};

}  // namespace bg::client
