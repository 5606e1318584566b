#include "client/replay.hpp"

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "client/archive.hpp"
#include "client/progress.hpp"
#include "client/report.hpp"
#include "client/session.hpp"

namespace bg::client {
namespace {

// The shared state of the workers: the walk, the reorder buffer, the sinks.
class Replay {
 public:
  Replay(const ReplayFlags& flags, JobRunOptions options, int64_t total, ProgressBoard* board,
         std::vector<ReportSink*> sinks, uint64_t customer_base)
      : flags_(flags),
        options_(std::move(options)),
        walker_(flags.paths),
        window_(2 * static_cast<int64_t>(flags.jobs)),
        total_(total),
        board_(board),
        sinks_(std::move(sinks)),
        customer_base_(customer_base) {}

  void Worker(size_t slot) {
    for (;;) {
      std::optional<ArchivedJob> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return taken_ < next_report_ + window_; });
        job = walker_.Next();
        if (!job) return;
        ++taken_;
      }
      if (job->customer.empty() && flags_.gw.customer.empty()) {
        job->customer = FormatCustomerId(customer_base_ + static_cast<uint64_t>(job->ordinal));
      }
      if (board_) board_->Begin(slot, job->name, job->ordinal);
      JobReport report = RunJob(*job, options_, [&](std::string_view p, uint64_t d, uint64_t t) {
        if (board_) board_->Update(slot, p, d, t);
      });
      if (board_) board_->End(slot, report.passed(), report.Outcome());
      std::lock_guard<std::mutex> lock(mu_);
      pending_.emplace(report.ordinal, std::move(report));
      while (!pending_.empty() && pending_.begin()->first == next_report_) {
        const JobReport& r = pending_.begin()->second;
        totals_.Add(r);
        for (ReportSink* s : sinks_) s->Job(r);
        pending_.erase(pending_.begin());
        ++next_report_;
      }
      cv_.notify_all();
    }
  }

  RunTotals& totals() { return totals_; }

 private:
  const ReplayFlags& flags_;
  const JobRunOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  ArchiveWalker walker_;
  const int64_t window_;
  const int64_t total_;
  int64_t taken_ = 0, next_report_ = 0;
  std::map<int64_t, JobReport> pending_;
  ProgressBoard* board_;
  std::vector<ReportSink*> sinks_;
  RunTotals totals_;
  const uint64_t customer_base_;
};

}  // namespace

int RunReplay(const ReplayFlags& flags) {
  if (flags.jobs < 1) {
    std::cerr << "batchgate replay: --jobs must be at least 1\n";
    return 2;
  }
  int64_t total = 0;
  for (ArchiveWalker count(flags.paths); count.Next();) ++total;
  if (total == 0) {
    std::cerr << "batchgate replay: no uploads found in the given paths\n";
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<ClientSession>> session = ClientSession::Open(flags.gw);
  if (!session.ok()) {
    std::cerr << "batchgate replay: " << session.status().message() << "\n";
    return 2;
  }
  JobRunOptions options = (*session)->RunOptions();
  options.diff.ignore = flags.ignore;
  options.diff.max_listed = flags.max_diffs;
  if (!flags.save_results.empty()) {
    options.results_dir = flags.save_results;
    options.keep_results = true;
  }

  const bool interactive =
      flags.progress == "bars" || (flags.progress == "auto" && IsTerminal(stderr));
  std::unique_ptr<ProgressBoard> board;
  if (flags.progress != "none") {
    board = std::make_unique<ProgressBoard>(interactive, static_cast<size_t>(flags.jobs), total);
  }
  TextOut out = [&board](const std::string& text) {
    if (board) {
      board->Print(stdout, text);
    } else {
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fflush(stdout);
    }
  };
  std::vector<std::unique_ptr<ReportSink>> sinks;
  sinks.push_back(flags.format == "json" ? MakeJsonReport(out) : MakeTextReport(out, total));
  if (!flags.junit.empty()) {
    Result<std::unique_ptr<ReportSink>> junit = MakeJUnitReport(flags.junit);
    if (!junit.ok()) {
      std::cerr << "batchgate replay: " << junit.status().message() << "\n";
      return 2;
    }
    sinks.push_back(std::move(*junit));
  }
  std::vector<ReportSink*> raw;
  for (auto& s : sinks) raw.push_back(s.get());

  Replay replay(flags, options, total, board.get(), raw, RandomCustomerId());
  std::vector<std::thread> workers;
  const size_t n = static_cast<size_t>(std::min<int64_t>(flags.jobs, total));
  for (size_t i = 0; i < n; ++i) workers.emplace_back([&replay, i] { replay.Worker(i); });
  for (std::thread& t : workers) t.join();
  if (board) board->Finish();

  RunTotals& totals = replay.totals();
  totals.gateway = (*session)->gateway() + (flags.gw.gateway.empty() ? " (embedded)" : "");
  totals.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int rc = totals.passed == totals.jobs ? 0 : 1;
  for (auto& s : sinks) {
    Status st = s->Finish(totals);
    if (!st.ok()) {
      std::cerr << "batchgate replay: " << st.message() << "\n";
      rc = 2;
    }
  }
  return rc;
}

}  // namespace bg::client
