// ClientSession: what `replay` and `submit` set up before their first job — the gateway (the
// --gateway URL, or an EmbeddedGateway started now) and a scratch directory for downloads
// (removed at the end) — and the JobRunOptions that follow from the flags.
//
// Owns the embedded gateway and the scratch directory; destroying the session stops the one and
// removes the other. Not thread-safe (set up and torn down by the main thread).
#pragma once

#include <memory>
#include <string>

#include "client/embedded_gateway.hpp"
#include "client/job_runner.hpp"
#include "client/replay.hpp"
#include "common/status.hpp"

namespace bg::client {

class ClientSession {
 public:
  static Result<std::unique_ptr<ClientSession>> Open(const GatewayFlags& flags);
  ~ClientSession();

  const std::string& gateway() const { return gateway_; }
  // Options for RunJob; results go to the scratch directory.
  JobRunOptions RunOptions() const;

 private:
  ClientSession() = default;
  GatewayFlags flags_;
  std::unique_ptr<EmbeddedGateway> embedded_;
  std::string gateway_;
  std::string scratch_;
};

// "1234567890" -> "123-456-7890".
std::string FormatCustomerId(uint64_t digits);
// A random ten-digit customer id (an account no earlier run used, with high probability).
uint64_t RandomCustomerId();

}  // namespace bg::client
