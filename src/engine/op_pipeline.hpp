// OpPipeline: the executor's read-ahead. A thread of its own runs OpReader (parse + typing) and
// schema::Validate for the operations of one job, from operation `skip` on, and hands them over
// through a bounded queue, so that parsing overlaps with the backend's work on another core.
//
// Memory stays bounded: at most 2 x `capacity` (+ one group of 64) prepared operations are held:
// the queue (common/handoff_queue), and what the consumer took from it in one swap. Owns the reader
// and the thread; the destructor stops and joins it. Next() is for one consumer thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "common/api_error.hpp"
#include "common/handoff_queue.hpp"
#include "common/status.hpp"
#include "engine/op_reader.hpp"
#include "model/operation.hpp"
#include "schema/registry.hpp"

namespace bg::engine {

struct PreparedOp {
  model::Operation op;
  // Parse errors, else validation errors; empty: the backend applies it.
  std::vector<ApiError> errors;
  uint64_t end_offset = 0;  // upload bytes consumed once this operation was read
};

class OpPipeline {
 public:
  // Opens the upload (errors are returned here) and starts the reader thread.
  static Result<std::unique_ptr<OpPipeline>> Start(const std::string& path, uint64_t length,
                                                   const schema::Registry& registry, int64_t skip,
                                                   size_t capacity);
  ~OpPipeline();
  OpPipeline(const OpPipeline&) = delete;
  OpPipeline& operator=(const OpPipeline&) = delete;

  // The next operation, nullopt at the end, or the reader's error (a malformed document is
  // kInvalidArgument; an upload shorter than `skip` operations is kDataLoss).
  Result<std::optional<PreparedOp>> Next();

 private:
  OpPipeline(std::unique_ptr<OpReader> reader, const schema::Registry& registry, int64_t skip,
             size_t capacity);
  void Produce();

  std::unique_ptr<OpReader> reader_;
  const schema::Registry& registry_;
  const int64_t skip_;
  HandoffQueue<PreparedOp> queue_;
  Status status_;  // the reader's end: written before queue_.Close(), read after Take() fails
  std::vector<PreparedOp> taken_;  // the consumer's last Take(), handed out from taken_[next_]
  size_t next_ = 0;
  std::thread thread_;
};

}  // namespace bg::engine
