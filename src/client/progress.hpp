// ProgressBoard: what `replay` shows on stderr while jobs run.
//
// On a terminal: one bar per job in flight (phase, bytes uploaded, operations executed, bytes
// downloaded) and an overall bar (jobs finished, how many differ or failed), redrawn in place
// with ANSI escapes at most every 100 ms. Otherwise (a pipe, a CI log): plain lines, one when a
// job starts and one when it ends, nothing in between.
//
// Reports go to stdout through Print(), which takes the board off the screen for the time of
// the write, so that bars and reports never mix on a terminal.
//
// Thread-safe: workers update their own slots concurrently; one mutex guards the screen.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace bg::client {

class ProgressBoard {
 public:
  // `interactive`: draw bars (stderr is a terminal); `slots`: jobs in flight at most;
  // `total_jobs`: how many jobs the run has (for the overall bar).
  ProgressBoard(bool interactive, size_t slots, int64_t total_jobs, FILE* out = stderr);
  ~ProgressBoard();

  // Slot `slot` (< slots) starts a job.
  void Begin(size_t slot, const std::string& name, int64_t ordinal);
  // Phase and its progress ("upload", done bytes, total bytes; "run", executed, operations; …).
  void Update(size_t slot, std::string_view phase, uint64_t done, uint64_t total);
  // The job of `slot` ended: `outcome` e.g. "ok", "DIFFERS (3)", "FAILED: …".
  void End(size_t slot, bool passed, const std::string& outcome);
  // Writes `text` to `stream` (stdout) with the board out of the way.
  void Print(FILE* stream, const std::string& text);
  // Removes the board from the screen for good (before the final summary).
  void Finish();

 private:
  struct Slot {
    bool active = false;
    std::string name;
    int64_t ordinal = 0;
    std::string phase;
    uint64_t done = 0, total = 0;
  };
  void Draw(bool force);  // mu_ held
  void Erase();           // mu_ held
  std::string Line(const Slot& s, size_t width) const;

  const bool interactive_;
  FILE* out_;
  std::mutex mu_;
  std::vector<Slot> slots_;
  size_t drawn_lines_ = 0;
  const int64_t total_;
  bool closed_ = false;  // Finish() ran: nothing is drawn any more
  int64_t finished_ = 0, failed_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
};

// True when `f` is a terminal (and TERM is not "dumb").
bool IsTerminal(FILE* f);

}  // namespace bg::client
