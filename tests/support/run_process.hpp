// RunProcess: runs a program to completion (tests of the real binary's subcommands), with its
// stdout and stderr captured and a deadline after which it is killed. No shell is involved.
// Thread-compatible: each call owns its child process.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace bg::testing {

struct ProcessResult {
  int exit_code = -1;  // the exit status, 128+signal when killed by a signal, -1: could not run
  std::string out;     // everything written to stdout
  std::string err;     // everything written to stderr
};

// argv[0] is the program's path. The environment is inherited.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace bg::testing
