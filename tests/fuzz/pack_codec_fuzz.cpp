// libFuzzer target: backend/sandbox PackReader (the body of a sandbox_packs row, read back from
// a data dir that may be damaged). Checks that every entry read lies inside the input, that a
// reader which stopped short says so (ok() false) and stays stopped, and that the entries read
// encode again to no more bytes than they were read from, and FindPackEntry agrees.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "backend/sandbox/pack_codec.hpp"

namespace {

bool Inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  bg::backend::sandbox::PackReader r(in);
  std::string again;
  int64_t last_id = -1;
  while (std::optional<bg::backend::sandbox::PackEntry> e = r.Next()) {
    if (!Inside(e->name, in) || !Inside(e->status, in) || !Inside(e->node, in)) __builtin_trap();
    if (e->id < 0 || e->parent_id < 0) __builtin_trap();
    bg::backend::sandbox::AppendPackEntry(*e, &again);
    last_id = e->id;
  }
  if (again.size() > size) __builtin_trap();
  if (!r.ok() && r.Next()) __builtin_trap();  // a failed reader stays failed
  if (last_id >= 0) {
    bool corrupt = true;
    if (!bg::backend::sandbox::FindPackEntry(in, last_id, &corrupt) || corrupt) __builtin_trap();
  }
  return 0;
}
