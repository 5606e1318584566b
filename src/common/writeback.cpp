#include "common/writeback.hpp"

#include <fcntl.h>

namespace bg {

void Writeback::Wrote(int64_t start, int64_t end) {
  if (from_ < 0 || start < from_) from_ = start;
  if (fd_ < 0 || end - from_ < kStep) return;
  ::sync_file_range(fd_, from_, end - from_, SYNC_FILE_RANGE_WRITE);
  from_ = end;
}

}  // namespace bg
