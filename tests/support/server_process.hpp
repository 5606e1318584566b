// ServerProcess: runs the real `batchgate serve` binary (BG_BINARY) on 127.0.0.1:0 for
// integration tests, reads the base URL it prints as its first stdout line, and can kill,
// terminate or restart it on the same data directory (crash-recovery tests). Its stderr (the
// log) is inherited, or appended to a file (ServerProcessOptions::stderr_path).
//
// Owns the child process: the destructor SIGKILLs it if still running. The child also dies
// with the test process (PR_SET_PDEATHSIG). Not thread-safe.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/temp_dir.hpp"

namespace bg::testing {

struct ServerProcessOptions {
  std::string binary = BG_BINARY;
  std::string data_dir;                 // required
  std::vector<std::string> extra_args;  // appended after `serve --listen .. --data ..`
  std::vector<std::pair<std::string, std::string>> env;  // added to the inherited environment
  // When set, the child's stderr (its log) is appended to this file instead of being inherited.
  std::string stderr_path;
  std::chrono::milliseconds start_timeout{20000};
};

class ServerProcess {
 public:
  explicit ServerProcess(ServerProcessOptions options);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the binary and waits for its base URL line.
  ::testing::AssertionResult Start();
  // "http://127.0.0.1:PORT" ("https://" with TLS; no trailing slash), valid after Start.
  const std::string& base_url() const { return base_url_; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // SIGKILL and reap.
  void Kill();
  // SIGTERM and wait up to `timeout` (then SIGKILL). Returns the exit status, 128+signal when
  // killed by a signal, or -1 when it was not running.
  int Terminate(std::chrono::milliseconds timeout = std::chrono::milliseconds(20000));
  // Kill() then Start() again on the same data dir (the port changes).
  ::testing::AssertionResult Restart();

  // Everything the child wrote to stdout so far (after the URL line too).
  std::string stdout_text() const;

 private:
  int Reap(bool block);  // returns the exit status when reaped, else -1
  void StopReader();

  ServerProcessOptions options_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string base_url_;
  std::thread reader_;
  mutable std::mutex mu_;
  std::string stdout_;
};

}  // namespace bg::testing
