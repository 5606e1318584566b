// The Range request header of a results download (RFC 9110 §14.2, reference §4.4): a pure parser,
// split out of DownloadService so that it can be unit-tested and fuzzed (tests/fuzz/).
//
// One "bytes=A-B" / "bytes=A-" / "bytes=-N" range against a file of `size` bytes. Anything else
// (several ranges, other units, garbage) is kNone: the whole file is sent, as RFC 9110 allows. No
// state; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace bg::results {

struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive; first <= last < size when kSatisfiable
};

enum class RangeKind { kNone, kSatisfiable, kUnsatisfiable };

// Fills *out only for kSatisfiable.
RangeKind ParseRange(std::string_view value, uint64_t size, ByteRange* out);

}  // namespace bg::results
