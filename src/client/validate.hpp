// `batchgate validate FILE`: the offline check of an upload. The same engine::OpReader and
// schema::Validate the gateway's executor runs (so the same errors, with the same fieldPaths),
// plus the line and column of each problem (client/element_locator.hpp), without a server.
//
// A broken document (not well-formed, a DOCTYPE, a wrong root) is one problem at the reader's
// position: the gateway would cancel such a job with BatchJobProcessingError.FILE_FORMAT_ERROR.
// Operations are streamed one at a time, problems reported as they are found.
//
// Stateless functions; thread-safe as far as the registry is (it is immutable).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.hpp"
#include "schema/registry.hpp"

namespace bg::client {

struct UploadProblem {
  int64_t operation = -1;  // -1: the document itself is broken
  uint64_t line = 0, column = 0;
  bool exact = true;       // false: the element is absent; the position is its nearest ancestor
  std::string field_path;  // "operations[4].operand.criterion.text"
  std::string error;       // "StringLengthError.TOO_LONG"; document errors: "FILE_FORMAT_ERROR"
  std::string trigger;
  std::string message;  // document errors: what is wrong
};

// Calls `sink` for every problem, in document order; returns the number of operations read.
Result<int64_t> ValidateUpload(const std::string& path, const schema::Registry& registry,
                               const std::function<void(const UploadProblem&)>& sink);

struct ValidateFlags {
  std::string file;
  std::string version;          // "" = from the upload's namespace
  std::string format = "text";  // text | json
};

// The command: problems on stdout (text: "FILE:LINE:COLUMN: fieldPath: Type.REASON …", or one
// JSON document); exit 0 when valid, 1 with problems, 2 when the file cannot be checked.
int RunValidate(const ValidateFlags& flags);

}  // namespace bg::client
