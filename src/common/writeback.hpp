// Writeback: starts the disk writes of a file's freshly written bytes in steps of kStep while the
// writer goes on, so that the fdatasync that later makes them durable waits only for the tail.
// Used by the upload's chunk files (while a chunk's body arrives) and the results file (while
// a batch executes).
//
// Advisory only: sync_file_range(2) makes nothing durable, and its failure changes nothing;
// durability is always the caller's fdatasync. Borrows the fd (never closes it). Not
// thread-safe: one per writer.
#pragma once

#include <cstdint>

namespace bg {

class Writeback {
 public:
  static constexpr int64_t kStep = int64_t{1} << 20;

  // `fd` may be set later (set_fd); until then Wrote() only keeps count.
  explicit Writeback(int fd = -1) : fd_(fd) {}

  void set_fd(int fd) { fd_ = fd; }
  // Bytes [start, end) of the file have just been written.
  void Wrote(int64_t start, int64_t end);

 private:
  int fd_;
  int64_t from_ = -1;  // first byte whose writeback has not been started; -1: none written yet
};

}  // namespace bg
