// RunCommand: runs a program (the real `batchgate` binary in CLI tests) to completion with a
// deadline, its stdout and stderr captured, and its exit status.
//
// The child gets the test's environment plus `env`, stdin from /dev/null, and dies with the
// test process (PR_SET_PDEATHSIG); past the deadline it is killed and the result says so. Each
// call is independent; thread-compatible.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace bg::testing {

struct CommandResult {
  int exit_code = -1;  // 128+signal when killed by a signal
  bool timed_out = false;
  std::string out, err;
  // "exit N; stderr: ..." for assertion messages.
  std::string Describe() const;
};

CommandResult RunCommand(const std::vector<std::string>& args,
                         const std::vector<std::pair<std::string, std::string>>& env = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(120));

// RunCommand of BG_BINARY with `args`.
CommandResult RunBatchgate(const std::vector<std::string>& args,
                           const std::vector<std::pair<std::string, std::string>>& env = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds(120));

}  // namespace bg::testing
