#include "ui/results_indexer.hpp"

#include <algorithm>
#include <cstdio>

namespace bg::ui {

ResultsIndexer::~ResultsIndexer() { Stop(); }

void ResultsIndexer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    queue_.clear();
    if (progress_ != nullptr) progress_->cancel.store(true);
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

Result<std::unique_ptr<ResultsIndex>> ResultsIndexer::OpenIndex(const model::BatchJob& job) {
  const std::string path = store_->ResultsIndexPath(job.id);
  Result<std::unique_ptr<ResultsIndex>> index =
      ResultsIndex::Open(path, static_cast<uint64_t>(job.results_bytes));
  if (!index.ok() && index.status().code() == StatusCode::kDataLoss) {
    std::remove(path.c_str());  // stale or damaged: build it again
    return NotFound("stale results index");
  }
  return index;
}

IndexLookup ResultsIndexer::Lookup(const model::BatchJob& job, std::chrono::milliseconds wait) {
  IndexLookup out;
  Result<std::unique_ptr<ResultsIndex>> index = OpenIndex(job);
  if (index.ok()) {
    out.index = std::move(index).value();
    return out;
  }
  if (index.status().code() != StatusCode::kNotFound) {
    out.error = index.status();
    return out;
  }
  std::unique_lock<std::mutex> lock(mu_);
  auto pending = [&] {
    return current_ == job.id ||
           std::any_of(queue_.begin(), queue_.end(),
                       [&](const model::BatchJob& q) { return q.id == job.id; });
  };
  if (auto f = failed_.find(job.id); f != failed_.end()) {
    out.error = f->second;
    return out;
  }
  if (stop_) {
    out.error = Status(StatusCode::kUnavailable, "the results indexer is stopping");
    return out;
  }
  if (!pending()) {
    queue_.push_back(job);
    if (!worker_.joinable()) worker_ = std::thread([this] { Work(); });
    cv_.notify_all();
  }
  if (cv_.wait_for(lock, wait, [&] { return !pending() || stop_; }) && !stop_) {
    lock.unlock();
    return Lookup(job, std::chrono::milliseconds(0));  // built (or failed) meanwhile
  }
  out.building = current_ == job.id;
  if (out.building && progress_ != nullptr && current_total_ > 0) {
    out.percent = static_cast<int32_t>(
        std::min<uint64_t>(99, progress_->bytes_read.load() * 100 / current_total_));
  }
  return out;
}

void ResultsIndexer::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    model::BatchJob job = std::move(queue_.front());
    queue_.pop_front();
    BuildProgress progress;
    current_ = job.id;
    current_total_ = static_cast<uint64_t>(job.results_bytes);
    progress_ = &progress;
    lock.unlock();

    IndexSource source;
    source.results_path = store_->ResultsPath(job.id);
    source.results_bytes = static_cast<uint64_t>(job.results_bytes);
    source.upload_path = store_->UploadPath(job.id);
    source.upload_bytes = static_cast<uint64_t>(job.upload_total.value_or(0));
    source.index_path = store_->ResultsIndexPath(job.id);
    Status s = BuildResultsIndex(source, &progress);

    lock.lock();
    if (!s.ok() && !progress.cancel.load()) failed_[job.id] = s;
    current_ = 0;
    progress_ = nullptr;
    cv_.notify_all();
  }
}

}  // namespace bg::ui
