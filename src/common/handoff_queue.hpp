// HandoffQueue<T>: a bounded queue from one producer thread to one consumer thread that moves
// items in groups: the producer puts a whole group under one lock, the consumer takes everything
// queued in one swap, and a side is woken only when it waits. The executor's read-ahead
// (engine/op_pipeline) and the results writer's thread (results/background_writer) use it, where
// a lock round trip and a wake-up per item cost more than the item's own work.
//
// Bounded: Put() waits while `capacity` items or more are queued, so at most capacity plus one
// group wait in the queue, and the consumer holds what it took last. Ends: the producer's Close()
// (Take() returns the rest, then false) or the consumer's Cancel() (Put() fails from then on).
// Thread-safe for one producer and one consumer.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <utility>
#include <vector>

namespace bg {

template <typename T>
class HandoffQueue {
 public:
  explicit HandoffQueue(size_t capacity) : capacity_(std::max<size_t>(1, capacity)) {}

  // Producer: moves the items of *group (left empty) to the queue once it has room; false when
  // the consumer has cancelled (nothing is moved then).
  bool Put(std::vector<T>* group) {
    std::unique_lock<std::mutex> lock(mu_);
    producer_waiting_ = true;
    room_cv_.wait(lock, [&] { return cancelled_ || queue_.size() < capacity_; });
    producer_waiting_ = false;
    if (cancelled_) return false;
    for (T& item : *group) queue_.push_back(std::move(item));
    group->clear();
    if (consumer_waiting_) ready_cv_.notify_one();
    return true;
  }

  // Producer: nothing more comes.
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    ready_cv_.notify_one();
  }

  // Producer: waits until the consumer has taken every item and asked for more, i.e. has dealt
  // with all it took.
  void WaitDrained() {
    std::unique_lock<std::mutex> lock(mu_);
    drained_cv_.wait(lock, [&] { return queue_.empty() && !consumer_busy_; });
  }

  // Consumer: replaces *out by everything queued, waiting while nothing is; false once the
  // producer has closed the queue and nothing is left. The previous contents of *out are
  // destroyed first, outside the lock.
  bool Take(std::vector<T>* out) {
    out->clear();
    std::unique_lock<std::mutex> lock(mu_);
    consumer_busy_ = false;
    if (queue_.empty()) drained_cv_.notify_one();
    consumer_waiting_ = true;
    ready_cv_.wait(lock, [&] { return closed_ || !queue_.empty(); });
    consumer_waiting_ = false;
    if (queue_.empty()) return false;
    out->swap(queue_);
    consumer_busy_ = true;
    if (producer_waiting_) room_cv_.notify_one();
    return true;
  }

  // Consumer: the producer's Put() returns false from now on (a waiting one at once).
  void Cancel() {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    room_cv_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable ready_cv_;    // items queued, or closed_
  std::condition_variable room_cv_;     // below capacity_, or cancelled_
  std::condition_variable drained_cv_;  // queue_ empty and the consumer not busy
  std::vector<T> queue_;
  bool producer_waiting_ = false;
  bool consumer_waiting_ = false;
  bool consumer_busy_ = false;  // between a Take() that returned items and the next Take()
  bool closed_ = false;
  bool cancelled_ = false;
};

}  // namespace bg
