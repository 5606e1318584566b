// libFuzzer target: results::ParseRange (the Range header of a results download).
// Input: the file size in decimal on the first line, then the header value. Checks that a
// satisfiable range lies inside the file.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "results/range_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  uint64_t file_size = 0;
  size_t nl = in.find('\n');
  if (nl != std::string_view::npos) {
    std::from_chars(in.data(), in.data() + nl, file_size);
    in.remove_prefix(nl + 1);
  }
  bg::results::ByteRange br;
  switch (bg::results::ParseRange(in, file_size, &br)) {
    case bg::results::RangeKind::kSatisfiable:
      if (file_size == 0 || br.first > br.last || br.last >= file_size) __builtin_trap();
      break;
    case bg::results::RangeKind::kNone:
    case bg::results::RangeKind::kUnsatisfiable:
      break;
  }
  return 0;
}
