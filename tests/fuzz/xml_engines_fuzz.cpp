// libFuzzer target: the fast XML engine against expat. The fast engine may give up on any input,
// but an input it parses to the end must be one expat accepts with exactly the same events
// (tests/support/xml_engines_diff.hpp); anything else is a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "support/xml_engines_diff.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view doc(reinterpret_cast<const char*>(data), size);
  std::string diff = bg::testing::DiffEngines(doc);
  if (!diff.empty()) {
    std::fprintf(stderr, "%s\n", diff.c_str());
    __builtin_trap();
  }
  return 0;
}
