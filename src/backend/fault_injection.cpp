#include "backend/fault_injection.hpp"

#include <chrono>
#include <thread>

namespace bg::backend {
namespace {

// splitmix64: a good 64-bit mix for hashing the attempt coordinates.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Draw(const FaultInjectionOptions& o, int64_t job_id, int64_t index, int attempt) {
  uint64_t h = Mix(o.seed);
  h = Mix(h ^ static_cast<uint64_t>(job_id));
  h = Mix(h ^ static_cast<uint64_t>(index));
  return Mix(h ^ static_cast<uint64_t>(attempt));
}

class FaultInjectingBackend : public Backend {
 public:
  FaultInjectingBackend(std::unique_ptr<Backend> inner, FaultInjectionOptions options)
      : inner_(std::move(inner)), options_(options) {}

  Status Init(sqlite::Db& db) override { return inner_->Init(db); }

  Result<model::MutateResult> Apply(sqlite::Txn& txn, const ExecContext& ctx,
                                    const model::Operation& op) override {
    if (options_.latency_us > 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(options_.latency_us));
    }
    if (InjectTransientFault(options_, ctx.job_id, op.index, ctx.attempt)) {
      model::MutateResult r;
      r.index = op.index;
      const std::string path = "operations[" + std::to_string(op.index) + "]";
      if (Draw(options_, ctx.job_id, op.index, ctx.attempt) >> 63) {
        ApiError e = ApiError::Make("RateExceededError", "RATE_EXCEEDED", path);
        e.extra = {{"rateName", "RequestsPerMinute"},
                   {"rateScope", "ACCOUNT"},
                   {"retryAfterSeconds", "1"}};
        r.errors.push_back(std::move(e));
      } else {
        r.errors.push_back(ApiError::Make("InternalApiError", "TRANSIENT_ERROR", path));
      }
      return r;
    }
    return inner_->Apply(txn, ctx, op);
  }

  Status OnRejected(sqlite::Txn& txn, const ExecContext& ctx, const model::Operation& op) override {
    return inner_->OnRejected(txn, ctx, op);
  }

 private:
  std::unique_ptr<Backend> inner_;
  FaultInjectionOptions options_;
};

}  // namespace

bool InjectTransientFault(const FaultInjectionOptions& options, int64_t job_id, int64_t index,
                          int attempt) {
  if (options.error_rate <= 0.0) return false;
  if (options.error_rate >= 1.0) return true;
  // The low 53 bits as a uniform double in [0, 1).
  double u = static_cast<double>(Draw(options, job_id, index, attempt) & ((1ULL << 53) - 1)) /
             static_cast<double>(1ULL << 53);
  return u < options.error_rate;
}

std::unique_ptr<Backend> MakeFaultInjectingBackend(std::unique_ptr<Backend> inner,
                                                   FaultInjectionOptions options) {
  return std::make_unique<FaultInjectingBackend>(std::move(inner), options);
}

}  // namespace bg::backend
