// Content-Range of a resumable-upload PUT (reference resumable-upload.md §1.2/§1.3): a pure parser.
//
//   bytes A-B/*   a chunk, total unknown          bytes A-B/T   a chunk, total T (final when
//   B+1==T) bytes */*     status query                    bytes */T     status query (.NET sends
//   */0)
//
// Lenient on the unit ("bytes", any case, surrounded by optional spaces/tabs), strict on the
// numbers (decimal digits only, A <= B < T). No state; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.hpp"

namespace bg::upload {

struct ContentRange {
  std::optional<int64_t> first;  // A; nullopt for "*/..."
  std::optional<int64_t> last;   // B (inclusive); set exactly when `first` is
  std::optional<int64_t> total;  // T; nullopt for ".../*"

  bool is_query() const { return !first.has_value(); }
  int64_t length() const { return first ? *last - *first + 1 : 0; }
};

// InvalidArgument on anything else.
Result<ContentRange> ParseContentRange(std::string_view value);

}  // namespace bg::upload
