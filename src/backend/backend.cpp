#include "backend/backend.hpp"

namespace bg::backend {

bool IsTransientError(const ApiError& e) {
  return e.type == "RateExceededError" ||
         (e.type == "InternalApiError" && e.reason == "TRANSIENT_ERROR");
}

bool IsTransient(const model::MutateResult& r) {
  for (const ApiError& e : r.errors) {
    if (IsTransientError(e)) return true;
  }
  return false;
}

}  // namespace bg::backend
