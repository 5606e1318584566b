// ClientSession: what `replay` and `submit` set up before their first job — the gateway (the
// --gateway URL, or an EmbeddedGateway started now) and a scratch directory for downloads
// (removed at the end) — and the JobRunOptions that follow from the flags.
//
// Owns the embedded gateway and the scratch directory; destroying the session stops the one and
// removes the other. So that an interrupted run leaves nothing behind either, Open() blocks
// SIGINT and SIGTERM in the calling thread (threads started later inherit the mask) and starts a
// thread that waits for them: on one, it stops the embedded gateway, removes the temporary
// directories and exits with 128 + the signal number. Not thread-safe (set up and torn down by
// the main thread).
#pragma once

#include <signal.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "client/embedded_gateway.hpp"
#include "client/job_runner.hpp"
#include "client/replay.hpp"
#include "common/status.hpp"

namespace bg::client {

class ClientSession {
 public:
  static Result<std::unique_ptr<ClientSession>> Open(const GatewayFlags& flags);
  ~ClientSession();
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  const std::string& gateway() const { return gateway_; }
  // Options for RunJob; results go to the scratch directory.
  JobRunOptions RunOptions() const;

 private:
  ClientSession() = default;
  void WatchSignals();
  void Cleanup();  // mu_ held

  GatewayFlags flags_;
  std::mutex mu_;
  bool closing_ = false;
  sigset_t old_mask_{};
  std::thread signal_thread_;
  std::unique_ptr<EmbeddedGateway> embedded_;
  std::string gateway_;
  std::string scratch_;
};

// "1234567890" -> "123-456-7890".
std::string FormatCustomerId(uint64_t digits);
// A random ten-digit customer id (an account no earlier run used, with high probability).
uint64_t RandomCustomerId();

}  // namespace bg::client
