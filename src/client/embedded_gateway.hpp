// EmbeddedGateway: the gateway `replay` and `submit` start when no --gateway URL is given — a
// child process `batchgate serve --listen 127.0.0.1:0 --data DIR` of this very binary
// (/proc/self/exe), whose first stdout line is its base URL.
//
// Why a child process and not an App in this process: the replay then exercises exactly what
// users deploy (the same binary, its config and environment handling, the real HTTP stack over
// loopback), a crash of the server cannot take the report down with it, the server's log goes
// to its own file instead of through the progress display, and src/client/ stays a pure client
// (it does not link the server libraries: app depends on client, not the reverse).
//
// DIR is a fresh temporary directory (removed on destruction) unless the caller names one. The
// child inherits the environment (BATCHGATE_* settings apply), plus the sandbox seed files and
// fixed date when given; its stderr goes to DIR/serve.log. It dies with this process
// (PR_SET_PDEATHSIG); the destructor stops it with SIGTERM (SIGKILL after 10 s). Not
// thread-safe.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace bg::client {

struct EmbeddedGatewayOptions {
  std::string binary;    // "" = /proc/self/exe
  std::string data_dir;  // "" = a new temporary directory, removed afterwards
  std::string config_file;
  std::vector<std::string> seed_files;  // BATCHGATE_SANDBOX_SEED_FILES
  std::string fixed_date;               // BATCHGATE_SANDBOX_FIXED_DATE (yyyyMMdd)
};

class EmbeddedGateway {
 public:
  static Result<std::unique_ptr<EmbeddedGateway>> Start(const EmbeddedGatewayOptions& options);
  ~EmbeddedGateway();
  EmbeddedGateway(const EmbeddedGateway&) = delete;
  EmbeddedGateway& operator=(const EmbeddedGateway&) = delete;

  const std::string& base_url() const { return base_url_; }
  const std::string& data_dir() const { return data_dir_; }
  // The last lines of the server's log (for error messages).
  std::string LogTail() const;

 private:
  EmbeddedGateway() = default;
  void Stop();

  pid_t pid_ = -1;
  std::string base_url_, data_dir_;
  bool remove_dir_ = false;
};

}  // namespace bg::client
