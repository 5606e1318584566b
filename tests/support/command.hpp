// RunCommand: runs a program (the real `batchgate` binary in CLI tests) to completion with a
// deadline, its stdout and stderr captured, and its exit status. Command: the same, started in
// the background (to signal it while it runs).
//
// The child gets the test's environment plus `env`, stdin from /dev/null, and dies with the
// test process (PR_SET_PDEATHSIG); past the deadline it is killed and the result says so. A
// Command owns its child (killed on destruction if still running) and its capture files; not
// thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "support/temp_dir.hpp"

namespace bg::testing {

struct CommandResult {
  int exit_code = -1;  // 128+signal when killed by a signal
  bool timed_out = false;
  std::string out, err;
  // "exit N; stderr: ..." for assertion messages.
  std::string Describe() const;
};

class Command {
 public:
  Command(const std::vector<std::string>& args,
          const std::vector<std::pair<std::string, std::string>>& env = {});
  ~Command();
  Command(const Command&) = delete;
  Command& operator=(const Command&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int sig);
  // What the child wrote to stdout so far.
  std::string Output() const;
  // Waits for the exit (killing the child past `timeout`) and collects the output.
  CommandResult Wait(std::chrono::milliseconds timeout = std::chrono::seconds(120));

 private:
  TempDir dir_{"bg_cmd_"};
  pid_t pid_ = -1;
};

CommandResult RunCommand(const std::vector<std::string>& args,
                         const std::vector<std::pair<std::string, std::string>>& env = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(120));

// RunCommand of BG_BINARY with `args`.
CommandResult RunBatchgate(const std::vector<std::string>& args,
                           const std::vector<std::pair<std::string, std::string>>& env = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds(120));

}  // namespace bg::testing
