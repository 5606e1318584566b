#include "engine/op_pipeline.hpp"

#include <pthread.h>

#include "schema/validator.hpp"

namespace bg::engine {

Result<std::unique_ptr<OpPipeline>> OpPipeline::Start(const std::string& path, uint64_t length,
                                                      const schema::Registry& registry,
                                                      int64_t skip, size_t capacity) {
  BG_ASSIGN_OR_RETURN(std::unique_ptr<OpReader> reader, OpReader::Open(path, length, registry));
  std::unique_ptr<OpPipeline> p(new OpPipeline(std::move(reader), registry, skip, capacity));
  p->thread_ = std::thread([raw = p.get()] { raw->Produce(); });
  return p;
}

OpPipeline::OpPipeline(std::unique_ptr<OpReader> reader, const schema::Registry& registry,
                       int64_t skip, size_t capacity)
    : reader_(std::move(reader)), registry_(registry), skip_(skip), queue_(capacity) {}

OpPipeline::~OpPipeline() {
  queue_.Cancel();  // the reader stops at its next hand-over
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
  std::vector<PreparedOp> local;  // handed over in groups (common/handoff_queue)
  constexpr size_t kGroup = 64;
  local.reserve(kGroup);
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
    if (local.size() >= kGroup && !queue_.Put(&local)) return;
  }
  if (!local.empty() && !queue_.Put(&local)) return;
  status_ = status;
  queue_.Close();
}

Result<std::optional<PreparedOp>> OpPipeline::Next() {
  if (next_ == taken_.size()) {
    next_ = 0;
    if (!queue_.Take(&taken_)) {
      if (!status_.ok()) return status_;
      return std::optional<PreparedOp>();
    }
  }
  return std::optional<PreparedOp>(std::move(taken_[next_++]));
}

}  // namespace bg::engine
