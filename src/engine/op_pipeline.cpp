#include "engine/op_pipeline.hpp"

#include <pthread.h>

#include <algorithm>

#include "schema/validator.hpp"

namespace bg::engine {

Result<std::unique_ptr<OpPipeline>> OpPipeline::Start(const std::string& path, uint64_t length,
                                                      const schema::Registry& registry,
                                                      int64_t skip, size_t capacity) {
  BG_ASSIGN_OR_RETURN(std::unique_ptr<OpReader> reader, OpReader::Open(path, length, registry));
  std::unique_ptr<OpPipeline> p(
      new OpPipeline(std::move(reader), registry, skip, std::max<size_t>(1, capacity)));
  p->thread_ = std::thread([raw = p.get()] { raw->Produce(); });
  return p;
}

OpPipeline::OpPipeline(std::unique_ptr<OpReader> reader, const schema::Registry& registry,
                       int64_t skip, size_t capacity)
    : reader_(std::move(reader)), registry_(registry), skip_(skip), capacity_(capacity) {}

OpPipeline::~OpPipeline() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  room_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OpPipeline::Produce() {
  pthread_setname_np(pthread_self(), "bg-op-reader");  // for perf/top; failure is harmless
  Status status;
  for (int64_t i = 0; i < skip_; ++i) {  // already executed before a restart
    auto skipped = reader_->Next();
    if (!skipped.ok()) {
      status = skipped.status();
      break;
    }
    if (!*skipped) {
      status = Status(StatusCode::kDataLoss, "executor: upload shorter than checkpoint");
      break;
    }
  }
  // Handed over in groups, and the consumer takes the whole queue at once: a lock round trip
  // and at most one wake-up per group, not per operation.
  std::vector<PreparedOp> local;
  constexpr size_t kGroup = 64;
  local.reserve(kGroup);
  auto hand_over = [&]() -> bool {
    std::unique_lock<std::mutex> lock(mu_);
    producer_waiting_ = true;
    room_cv_.wait(lock, [&] { return stop_ || queue_.size() < capacity_; });
    producer_waiting_ = false;
    if (stop_) return false;
    for (auto& p : local) queue_.push_back(std::move(p));
    local.clear();
    if (consumer_waiting_) ready_cv_.notify_one();
    return true;
  };
  while (status.ok()) {
    auto next = reader_->Next();
    if (!next.ok()) {
      status = next.status();
      break;
    }
    if (!*next) break;
    PreparedOp p;
    p.op = std::move(**next);
    p.end_offset = reader_->bytes_consumed();
    // An operation the parser rejected keeps exactly its parse errors (validating a partially
    // typed tree would add noise such as REQUIRED for the element that was skipped).
    p.errors = p.op.parse_errors.empty() ? schema::Validate(registry_, p.op)
                                         : std::move(p.op.parse_errors);
    local.push_back(std::move(p));
    if (local.size() >= kGroup && !hand_over()) return;
  }
  if (!local.empty() && !hand_over()) return;
  std::lock_guard<std::mutex> lock(mu_);
  end_ = true;
  status_ = status;
  ready_cv_.notify_one();
}

Result<std::optional<PreparedOp>> OpPipeline::Next() {
  if (taken_.empty()) {
    std::unique_lock<std::mutex> lock(mu_);
    consumer_waiting_ = true;
    ready_cv_.wait(lock, [&] { return !queue_.empty() || end_; });
    consumer_waiting_ = false;
    if (queue_.empty()) {
      if (!status_.ok()) return status_;
      return std::optional<PreparedOp>();
    }
    taken_.swap(queue_);
    if (producer_waiting_) room_cv_.notify_one();
  }
  std::optional<PreparedOp> out(std::move(taken_.front()));
  taken_.pop_front();
  return out;
}

}  // namespace bg::engine
