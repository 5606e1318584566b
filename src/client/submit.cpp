// `batchgate submit FILE`: one upload as one job, then the results summary (see replay.hpp).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "client/progress.hpp"
#include "client/replay.hpp"
#include "client/report.hpp"
#include "client/session.hpp"

namespace bg::client {

int RunSubmit(const SubmitFlags& flags) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(flags.file, ec)) {
    std::cerr << "batchgate submit: cannot read " << flags.file << "\n";
    return 2;
  }
  Result<std::unique_ptr<ClientSession>> session = ClientSession::Open(flags.gw);
  if (!session.ok()) {
    std::cerr << "batchgate submit: " << session.status().message() << "\n";
    return 2;
  }
  JobRunOptions options = (*session)->RunOptions();
  options.keep_results = !flags.output.empty();
  ArchivedJob job;
  job.name = flags.file;
  job.upload = flags.file;
  // Like replay: without --customer, an account of its own (the summary names it).
  if (flags.gw.customer.empty()) job.customer = FormatCustomerId(RandomCustomerId());
  ProgressBoard board(IsTerminal(stderr), 1, 1);
  board.Begin(0, job.name, 0);
  JobReport r = RunJob(
      job, options, [&](std::string_view p, uint64_t d, uint64_t t) { board.Update(0, p, d, t); });
  board.End(0, r.passed(), r.Outcome());
  board.Finish();

  std::ostringstream s;
  s << JobText(r, 1, false);
  if (!r.summary.by_error().empty()) {
    s << "   errors by type:\n";
    for (const auto& [k, v] : r.summary.by_error()) s << "     " << v << "  " << k << "\n";
    s << "   first failing operations:\n";
    for (const FailedOperation& f : r.summary.first_failures()) {
      s << "     operation " << f.index << ": " << f.errors << "\n";
    }
  }
  if (options.keep_results && !r.replayed_results.empty()) {
    fs::rename(r.replayed_results, flags.output, ec);
    if (ec) {  // another file system: copy instead
      ec.clear();
      fs::copy_file(r.replayed_results, flags.output, fs::copy_options::overwrite_existing, ec);
    }
    if (ec) {
      std::cerr << "batchgate submit: cannot write " << flags.output << ": " << ec.message()
                << "\n";
      return 2;
    }
    s << "   results: " << flags.output << "\n";
  }
  std::cout << s.str();
  std::cout.flush();
  return r.passed() ? 0 : 1;
}

}  // namespace bg::client
