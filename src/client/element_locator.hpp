// ElementLocator: where (line, column) an element of an upload is, found by the fieldPath the
// op reader and the validator report ("operations[4].operand.criterion.text").
//
// Why here: engine::OpReader reports line and column for document errors only; per-operation
// errors carry a fieldPath. The locator runs its own expat pass over the same file in step with
// the reader (operations are asked for in ascending index order), remembers the start-tag
// positions of the elements of the one operation asked for, and resolves paths against them:
// a path segment without `[n]` means the first element of that name, `[n]` the n-th (0-based,
// counted among siblings of that name). A path whose element does not exist (a missing required
// field) resolves to its nearest existing ancestor, and says so.
//
// Memory: the elements of one operation. Owns its file and parser. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/status.hpp"

namespace bg::client {

struct Location {
  uint64_t line = 0;    // 1-based
  uint64_t column = 0;  // 1-based (characters, as expat counts them)
  bool exact = true;    // false: the element is absent; this is its nearest ancestor
};

class ElementLocator {
 public:
  static Result<std::unique_ptr<ElementLocator>> Open(const std::string& path);
  ~ElementLocator();
  ElementLocator(const ElementLocator&) = delete;
  ElementLocator& operator=(const ElementLocator&) = delete;

  // Positions the locator on operation `index` (>= any index asked for before). NotFound when
  // the document has fewer operations or stops being well-formed before it.
  Status Seek(int64_t index);
  // The location of `field_path` within the current operation ("" or "operations[i]": the
  // operation element itself).
  Location Find(const std::string& field_path) const;

 private:
  struct Impl;
  explicit ElementLocator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// "operations[4].operand.criterion.text" -> "operations[4].operand[0].criterion[0].text[0]"
// (exposed for tests).
std::string NormalizeFieldPath(const std::string& field_path);

}  // namespace bg::client
