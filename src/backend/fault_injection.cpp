#include "backend/fault_injection.hpp"

#include <chrono>
#include <thread>

namespace bg::backend {
namespace {

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
    return inner_->Apply(txn, ctx, op);
  }

  Status OnRejected(sqlite::Txn& txn, const ExecContext& ctx,
                    const model::Operation& op) override {
    return inner_->OnRejected(txn, ctx, op);
  }

 private:
  std::unique_ptr<Backend> inner_;
  FaultInjectionOptions options_;
};

}  // namespace

std::unique_ptr<Backend> MakeFaultInjectingBackend(std::unique_ptr<Backend> inner,
                                                   FaultInjectionOptions options) {
  return std::make_unique<FaultInjectingBackend>(std::move(inner), options);
}

}  // namespace bg::backend
