// libFuzzer target: engine::OpReader over an uploaded operations document (expat underneath).
// The input is placed in an anonymous in-memory file (memfd) that the reader opens by path, so
// the reader runs exactly as in production without touching the disk.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/op_reader.hpp"
#include "schema/registry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bg::schema::Registry* registry = bg::schema::Registry::Get("v201702");
  if (registry == nullptr) __builtin_trap();
  int fd = ::memfd_create("op_reader_fuzz", MFD_CLOEXEC);
  if (fd < 0) __builtin_trap();
  size_t written = 0;
  while (written < size) {
    ssize_t n = ::write(fd, data + written, size - written);
    if (n <= 0) __builtin_trap();
    written += static_cast<size_t>(n);
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  auto reader = bg::engine::OpReader::Open(path, size, *registry);
  if (reader.ok()) {
    uint64_t consumed = 0;
    for (int i = 0; i < 100000; ++i) {
      auto next = (*reader)->Next();
      if ((*reader)->bytes_consumed() < consumed) __builtin_trap();
      consumed = (*reader)->bytes_consumed();
      if (!next.ok()) {
        // A failed reader keeps failing, with its details.
        if ((*reader)->Next().ok() || (*reader)->error().what.empty()) __builtin_trap();
        break;
      }
      if (!next->has_value()) break;
      if ((**next).index != i) __builtin_trap();
    }
  }
  ::close(fd);
  return 0;
}
