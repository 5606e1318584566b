// ResultsIndex: a compact per-job index of a finished job's results, so that the dashboard can
// page through the results of a job of any size (a million operations) in constant time and
// memory, all of them or only the failures.
//
// BuildResultsIndex streams the results document (<data>/results/<job>.xml) and, in lockstep,
// the upload (<data>/uploads/<job>.upload: the operation type, operator and operand type the
// results do not repeat) through engine::XmlStream — the fast engine first, expat from the same
// item on when the fast one leaves a document to it — holding one result at a time, and writes
// <data>/results/<job>.index (JobStore::ResultsIndexPath) through a temporary file and a rename:
// an index file is either complete or absent. It is a cache: deleting it only makes the next
// request build it again; the retention sweep deletes it with the results.
//
// File layout (native byte order; the file never leaves the machine that wrote it):
//   header  64 bytes: magic "BGRIDX1\n", results_bytes (of the source file), row_count,
//           failure_count, failures_offset, blob_offset, blob_bytes, upload_complete (1 when
//           every row found its operation in the upload; 0 when the upload was missing,
//           malformed or shorter)
//   rows    row_count x 16 bytes: blob offset (8), blob length (4), flags (4; bit 0: failed)
//   failures failure_count x 8 bytes: the row number of each failed row, in order
//   blob    per row: the op index, the strings and the errors, length-prefixed
// Row k of the index is the k-th <rval> of the results (its op index is the rval's <index>).
//
// A ResultsIndex (the reader) owns a read-only file descriptor and uses pread only: its const
// methods are thread-safe. BuildResultsIndex is a pure function of its files.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/api_error.hpp"
#include "common/status.hpp"

namespace bg::ui {

// One operation's outcome as the dashboard shows it.
struct ResultRow {
  int64_t row = 0;               // position among the job's results
  int64_t index = 0;             // the operation's index in the upload (the rval's <index>)
  std::string operation_type;    // e.g. "CampaignOperation"; "" when the upload could not say
  std::string op_operator;       // "ADD", "SET", "REMOVE"; "" likewise
  std::string operand_type;      // the operand's xsi:type when the upload gave one
  std::string result_type;       // e.g. "Campaign" (xsi:type, else element name); "" on failure
  bool failed = false;           // the rval holds an errorList
  std::vector<ApiError> errors;  // in the rval's order
};

struct ResultsPage {
  int64_t total = 0;  // rows matching the filter, over all pages
  std::vector<ResultRow> rows;
};

// What a build needs to know about the job's files.
struct IndexSource {
  std::string results_path;
  uint64_t results_bytes = 0;  // the job's durable results length (BatchJob::results_bytes)
  std::string upload_path;     // may be missing (retention): rows then lack the upload's fields
  uint64_t upload_bytes = 0;
  std::string index_path;  // where the index goes (a ".tmp" sibling while it is written)
};

// Build progress, readable from another thread. `cancel` set by another thread stops the build
// (Cancelled status, no file left behind).
struct BuildProgress {
  std::atomic<uint64_t> bytes_read{0};  // of the results document
  std::atomic<bool> cancel{false};
};

// Builds (or rebuilds) the index; the results document must be complete and well-formed
// (kDataLoss otherwise: the file is shorter than results_bytes, or does not parse).
Status BuildResultsIndex(const IndexSource& source, BuildProgress* progress);

class ResultsIndex {
 public:
  // Opens an index file; NotFound when there is none, kDataLoss when it is not a complete
  // index or was built from a results file of another length than `results_bytes`.
  static Result<std::unique_ptr<ResultsIndex>> Open(const std::string& path,
                                                    uint64_t results_bytes);
  ~ResultsIndex();
  ResultsIndex(const ResultsIndex&) = delete;
  ResultsIndex& operator=(const ResultsIndex&) = delete;

  int64_t row_count() const { return row_count_; }
  int64_t failure_count() const { return failure_count_; }
  bool upload_complete() const { return upload_complete_; }

  // Rows [offset, offset + limit) of all rows, or of the failed rows only.
  Result<ResultsPage> Read(bool failures_only, int64_t offset, int64_t limit) const;

 private:
  ResultsIndex(int fd, int64_t rows, int64_t failures, uint64_t failures_offset,
               uint64_t blob_offset, uint64_t blob_bytes, bool upload_complete);
  Result<ResultRow> ReadRow(int64_t row) const;

  int fd_;
  int64_t row_count_;
  int64_t failure_count_;
  uint64_t failures_offset_;
  uint64_t blob_offset_;
  uint64_t blob_bytes_;
  bool upload_complete_;
};

}  // namespace bg::ui
