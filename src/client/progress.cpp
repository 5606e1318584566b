#include "client/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace bg::client {
namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(100);
constexpr size_t kBarWidth = 20;

std::string Bar(uint64_t done, uint64_t total) {
  size_t filled = total == 0 ? 0 : static_cast<size_t>(kBarWidth * std::min(done, total) / total);
  std::string bar = "[";
  bar.append(filled, '#').append(kBarWidth - filled, '.').push_back(']');
  return bar;
}

std::string Bytes(uint64_t n) {
  char buf[32];
  if (n < 1024 * 1024) {
    std::snprintf(buf, sizeof(buf), "%.1f KiB", static_cast<double>(n) / 1024);
  } else {
    std::snprintf(buf, sizeof(buf), "%.1f MiB", static_cast<double>(n) / (1024 * 1024));
  }
  return buf;
}

size_t TerminalWidth(FILE* f) {
  winsize ws{};
  if (::ioctl(::fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) return ws.ws_col;
  return 80;
}

}  // namespace

bool IsTerminal(FILE* f) {
  const char* term = std::getenv("TERM");
  return ::isatty(::fileno(f)) == 1 && !(term != nullptr && std::strcmp(term, "dumb") == 0);
}

ProgressBoard::ProgressBoard(bool interactive, size_t slots, int64_t total_jobs, FILE* out)
    : interactive_(interactive), out_(out), slots_(slots), total_(total_jobs) {}

ProgressBoard::~ProgressBoard() { Finish(); }

std::string ProgressBoard::Line(const Slot& s, size_t width) const {
  std::string detail;
  if (s.phase == "upload" || s.phase == "download") {
    detail = Bytes(s.done) + " / " + Bytes(s.total);
  } else if (s.phase == "run") {
    detail = std::to_string(s.done) + " / " + std::to_string(s.total) + " operations";
  }
  std::string line = Bar(s.done, s.total) + " " + s.phase + " " + detail + "  " + s.name;
  if (line.size() >= width) line = line.substr(0, width - 1);
  return line;
}

void ProgressBoard::Erase() {
  for (size_t i = 0; i < drawn_lines_; ++i) std::fputs("\x1b[1A\x1b[2K", out_);
  drawn_lines_ = 0;
}

void ProgressBoard::Draw(bool force) {
  if (!interactive_ || closed_) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  const size_t width = TerminalWidth(out_);
  Erase();
  for (const Slot& s : slots_) {
    if (!s.active) continue;
    std::fprintf(out_, "%s\n", Line(s, width).c_str());
    ++drawn_lines_;
  }
  std::fprintf(out_, "%s %lld / %lld jobs done, %lld failed or differ\n",
               Bar(static_cast<uint64_t>(finished_), static_cast<uint64_t>(total_)).c_str(),
               static_cast<long long>(finished_), static_cast<long long>(total_),
               static_cast<long long>(failed_));
  ++drawn_lines_;
  std::fflush(out_);
}

void ProgressBoard::Begin(size_t slot, const std::string& name, int64_t ordinal) {
  std::lock_guard<std::mutex> lock(mu_);
  slots_[slot] = {true, name, ordinal, "start", 0, 0};
  if (!interactive_) {
    std::fprintf(out_, "[%lld/%lld] %s: started\n", static_cast<long long>(ordinal + 1),
                 static_cast<long long>(total_), name.c_str());
    std::fflush(out_);
  }
  Draw(true);
}

void ProgressBoard::Update(size_t slot, std::string_view phase, uint64_t done, uint64_t total) {
  std::lock_guard<std::mutex> lock(mu_);
  Slot& s = slots_[slot];
  s.phase.assign(phase);
  s.done = done;
  s.total = total;
  Draw(false);
}

void ProgressBoard::End(size_t slot, bool passed, const std::string& outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  Slot& s = slots_[slot];
  s.active = false;
  ++finished_;
  if (!passed) ++failed_;
  if (!interactive_) {
    std::fprintf(out_, "[%lld/%lld] %s: %s\n", static_cast<long long>(s.ordinal + 1),
                 static_cast<long long>(total_), s.name.c_str(), outcome.c_str());
    std::fflush(out_);
  }
  Draw(true);
}

void ProgressBoard::Print(FILE* stream, const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (interactive_) Erase();
  std::fwrite(text.data(), 1, text.size(), stream);
  std::fflush(stream);
  Draw(true);
}

void ProgressBoard::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (interactive_) {
    Erase();
    std::fflush(out_);
  }
  closed_ = true;
}

}  // namespace bg::client
