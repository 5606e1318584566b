// FaultInjectingBackend: a Backend decorator for migration, load and crash testing (DESIGN.md ⑥).
//
// Wraps another backend and, per Apply():
//  * waits `latency_us` first (so tests and operators can watch a job run and interrupt it);
//  * with probability `error_rate` fails the attempt TRANSIENTLY instead of delegating: the result
//    carries one InternalApiError.TRANSIENT_ERROR or RateExceededError.RATE_EXCEEDED (half each)
//    and the wrapped backend is not called, so no change is made (the contract of
//    backend.hpp's IsTransient). The executor retries such an operation with backoff.
// The draw is a pure function of (seed, job id, operation index, attempt): the same job fails the
// same attempts in every run and on every thread, whatever the interleaving (reproducible).
//
// Owns the wrapped backend. Thread-safe if the wrapped backend is.
#pragma once

#include <cstdint>
#include <memory>

#include "backend/backend.hpp"

namespace bg::backend {

struct FaultInjectionOptions {
  int64_t latency_us = 0;   // added before every operation (config faults.latency_us)
  double error_rate = 0.0;  // 0..1: share of attempts that fail transiently (faults.error_rate)
  uint64_t seed = 1;        // faults.seed
  bool enabled() const { return latency_us > 0 || error_rate > 0.0; }
};

std::unique_ptr<Backend> MakeFaultInjectingBackend(std::unique_ptr<Backend> inner,
                                                   FaultInjectionOptions options);

// The decision of the decorator for one attempt (exposed for tests): true = fail transiently.
bool InjectTransientFault(const FaultInjectionOptions& options, int64_t job_id, int64_t index,
                          int attempt);

}  // namespace bg::backend
