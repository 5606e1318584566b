// FaultInjectingBackend: a Backend decorator for migration and crash testing (DESIGN.md ⑥).
//
// Wraps another backend and, per operation, waits `latency_us` before delegating (so tests and
// operators can watch a job run and interrupt it mid-execution). Transient-error injection by rate
// comes with the executor's retry policy. Owns nothing but the options; the wrapped backend is
// owned by the decorator. Thread-safe if the wrapped backend is.
#pragma once

#include <cstdint>
#include <memory>

#include "backend/backend.hpp"

namespace bg::backend {

struct FaultInjectionOptions {
  int64_t latency_us = 0;  // added before every operation
  bool enabled() const { return latency_us > 0; }
};

std::unique_ptr<Backend> MakeFaultInjectingBackend(std::unique_ptr<Backend> inner,
                                                   FaultInjectionOptions options);

}  // namespace bg::backend
