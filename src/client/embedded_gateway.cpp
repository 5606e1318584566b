#include "client/embedded_gateway.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace bg::client {
namespace fs = std::filesystem;

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(30);
constexpr auto kStopTimeout = std::chrono::seconds(10);

Result<std::string> MakeTempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/batchgate-client-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return Internal("cannot create a temporary directory: " + std::string(std::strerror(errno)));
  }
  return tmpl;
}

// Reads the first line of `fd` within the deadline; "" on EOF or timeout.
std::string ReadFirstLine(int fd) {
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  std::string text;
  for (;;) {
    if (size_t nl = text.find('\n'); nl != std::string::npos) return text.substr(0, nl);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "";
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buf[512];
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return "";
    text.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

Result<std::unique_ptr<EmbeddedGateway>> EmbeddedGateway::Start(
    const EmbeddedGatewayOptions& options) {
  std::unique_ptr<EmbeddedGateway> gw(new EmbeddedGateway());
  if (options.data_dir.empty()) {
    BG_ASSIGN_OR_RETURN(gw->data_dir_, MakeTempDir());
    gw->remove_dir_ = true;
  } else {
    gw->data_dir_ = options.data_dir;
    std::error_code ec;
    fs::create_directories(gw->data_dir_, ec);
  }
  std::string binary = options.binary;
  if (binary.empty()) {
    std::error_code ec;
    binary = fs::read_symlink("/proc/self/exe", ec).string();
    if (ec) return Internal("cannot find the batchgate binary: " + ec.message());
  }
  std::vector<std::string> args = {binary,        "serve",  "--listen",
                                   "127.0.0.1:0", "--data", gw->data_dir_};
  if (!options.config_file.empty()) {
    args.push_back("--config");
    args.push_back(options.config_file);
  }
  std::vector<std::pair<std::string, std::string>> overrides;
  if (!options.seed_files.empty()) {
    std::string joined;
    for (const auto& f : options.seed_files) joined += (joined.empty() ? "" : ",") + f;
    overrides.emplace_back("BATCHGATE_SANDBOX_SEED_FILES", joined);
  }
  if (!options.fixed_date.empty()) {
    overrides.emplace_back("BATCHGATE_SANDBOX_FIXED_DATE", options.fixed_date);
  }
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    bool replaced = false;
    for (const auto& [k, v] : overrides) replaced |= entry.rfind(k + "=", 0) == 0;
    if (!replaced) env.push_back(std::move(entry));
  }
  for (const auto& [k, v] : overrides) env.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  const std::string log = gw->data_dir_ + "/serve.log";
  int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return Internal("cannot create " + log + ": " + std::strerror(errno));
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    ::close(log_fd);
    return Internal("pipe: " + std::string(std::strerror(errno)));
  }
  sigset_t no_signals;  // the child starts with no signal blocked, whatever this thread blocks
  sigemptyset(&no_signals);
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {  // only async-signal-safe calls from here on
    ::sigprocmask(SIG_SETMASK, &no_signals, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);
    if (::dup2(fds[1], STDOUT_FILENO) < 0 || ::dup2(log_fd, STDERR_FILENO) < 0) ::_exit(125);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  ::close(log_fd);
  if (pid < 0) {
    ::close(fds[0]);
    return Internal("fork: " + std::string(std::strerror(errno)));
  }
  gw->pid_ = pid;
  std::string first = ReadFirstLine(fds[0]);
  ::close(fds[0]);  // serve prints nothing else on stdout
  if (first.rfind("http", 0) != 0) {
    std::string tail = gw->LogTail();
    return Internal("the embedded gateway did not start" +
                    (tail.empty() ? std::string() : ":\n" + tail));
  }
  gw->base_url_ = first;
  return gw;
}

EmbeddedGateway::~EmbeddedGateway() {
  Stop();
  if (remove_dir_) {
    std::error_code ec;
    fs::remove_all(data_dir_, ec);
  }
}

void EmbeddedGateway::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(pause);  // waiting for the child to exit; bounded above
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
  pid_ = -1;
}

std::string EmbeddedGateway::LogTail() const {
  std::ifstream in(data_dir_ + "/serve.log");
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) {
    lines.push_back(line);
    if (lines.size() > 20) lines.erase(lines.begin());
  }
  std::ostringstream out;
  for (const auto& l : lines) out << "  " << l << "\n";
  return out.str();
}

}  // namespace bg::client
