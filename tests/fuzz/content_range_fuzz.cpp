// libFuzzer target: upload::ParseContentRange (the Content-Range of a resumable-upload chunk).
// Checks the parser's promises on every input it accepts: A <= B < T, length() >= 1.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "upload/content_range.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bg::Result<bg::upload::ContentRange> r = bg::upload::ParseContentRange(text);
  if (!r.ok()) return 0;
  const bg::upload::ContentRange& cr = *r;
  if (cr.first.has_value() != cr.last.has_value()) __builtin_trap();
  if (cr.first) {
    if (*cr.first < 0 || *cr.first > *cr.last || cr.length() < 1) __builtin_trap();
    if (cr.total && *cr.last >= *cr.total) __builtin_trap();
  } else if (!cr.is_query() || cr.length() != 0) {
    __builtin_trap();
  }
  if (cr.total && *cr.total < 0) __builtin_trap();
  return 0;
}
