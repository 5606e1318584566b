// WriteInBackground: a ResultWriter that turns results into XML on a thread of its own, so that
// the executor's thread (the one that applies operations, and the bottleneck of a job) only
// queues them. The order of the results, the bytes of the file and the durability contract are
// those of the wrapped writer: Sync() and Finish() first wait until every queued result has been
// written, then sync on the caller's thread, so the size they return covers every result
// appended before them.
//
// Errors: a failed write is reported by the next Append(), Sync() or Finish() (never later than
// the Sync() that would make it durable), and every call after it fails the same way.
//
// Memory: at most `capacity` results (plus one group of the caller's) wait in the queue; Append()
// blocks while the queue is full. Owns the wrapped writer and the thread (joined by the
// destructor, which writes what is still queued). Like every ResultWriter, for one caller thread.
#pragma once

#include <cstddef>
#include <memory>

#include "results/writer.hpp"

namespace bg::results {

std::unique_ptr<ResultWriter> WriteInBackground(std::unique_ptr<ResultWriter> inner,
                                                size_t capacity = 1024);

}  // namespace bg::results
