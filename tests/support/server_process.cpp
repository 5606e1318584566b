#include "support/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace bg::testing {
namespace {

int ExitCode(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return -1;
}

}  // namespace

ServerProcess::ServerProcess(ServerProcessOptions options) : options_(std::move(options)) {}

ServerProcess::~ServerProcess() { Kill(); }

::testing::AssertionResult ServerProcess::Start() {
  if (pid_ > 0) return ::testing::AssertionFailure() << "server already running";
  if (options_.data_dir.empty()) return ::testing::AssertionFailure() << "data_dir not set";

  std::vector<std::string> args = {options_.binary, "serve",  "--listen",
                                   "127.0.0.1:0",   "--data", options_.data_dir};
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    bool overridden = false;
    for (const auto& [k, v] : options_.env) {
      if (entry.compare(0, k.size() + 1, k + "=") == 0) overridden = true;
    }
    if (!overridden) env.push_back(std::move(entry));
  }
  for (const auto& [k, v] : options_.env) env.push_back(k + "=" + v);
  // Everything the child needs is built before fork (only async-signal-safe calls after it).
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  int err_fd = -1;
  if (!options_.stderr_path.empty()) {
    err_fd = ::open(options_.stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (err_fd < 0) {
      return ::testing::AssertionFailure()
             << "open " << options_.stderr_path << ": " << std::strerror(errno);
    }
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    if (err_fd >= 0) ::close(err_fd);
    return ::testing::AssertionFailure() << "pipe2: " << std::strerror(errno);
  }
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    if (err_fd >= 0) ::close(err_fd);
    return ::testing::AssertionFailure() << "fork: " << std::strerror(errno);
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);
    if (::dup2(fds[1], STDOUT_FILENO) < 0) ::_exit(125);
    if (err_fd >= 0 && ::dup2(err_fd, STDERR_FILENO) < 0) ::_exit(124);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  if (err_fd >= 0) ::close(err_fd);
  pid_ = pid;
  stdout_fd_ = fds[0];
  {
    std::lock_guard<std::mutex> lock(mu_);
    stdout_.clear();
  }
  base_url_.clear();

  // Read until the first newline, with a deadline.
  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  std::string first;
  for (;;) {
    std::string text = stdout_text();
    if (size_t nl = text.find('\n'); nl != std::string::npos) {
      first = text.substr(0, nl);
      if (!first.empty() && first.back() == '\r') first.pop_back();
      break;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      Kill();
      return ::testing::AssertionFailure()
             << "no base URL on stdout within " << options_.start_timeout.count() << " ms";
    }
    pollfd p{stdout_fd_, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(stdout_fd_, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {  // EOF: the child exited before printing its URL
      int code = Reap(/*block=*/true);
      ::close(stdout_fd_);
      stdout_fd_ = -1;
      return ::testing::AssertionFailure()
             << options_.binary << " exited (status " << code << ") before printing its URL";
    }
    std::lock_guard<std::mutex> lock(mu_);
    stdout_.append(buf, static_cast<size_t>(n));
  }
  if (first.rfind("http://", 0) != 0 && first.rfind("https://", 0) != 0) {
    Kill();
    return ::testing::AssertionFailure() << "first stdout line is not a URL: '" << first << "'";
  }
  base_url_ = first;
  // Keep draining stdout so that the child can never block on a full pipe.
  reader_ = std::thread([this, fd = stdout_fd_] {
    char buf[4096];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      std::lock_guard<std::mutex> lock(mu_);
      stdout_.append(buf, static_cast<size_t>(n));
    }
  });
  return ::testing::AssertionSuccess();
}

int ServerProcess::Reap(bool block) {
  if (pid_ <= 0) return -1;
  int wstatus = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &wstatus, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    pid_ = -1;
    return ExitCode(wstatus);
  }
  if (r < 0) pid_ = -1;  // not our child any more
  return -1;
}

void ServerProcess::StopReader() {
  if (reader_.joinable()) reader_.join();  // the child is gone: EOF ends the reader
  if (stdout_fd_ >= 0) {
    ::close(stdout_fd_);
    stdout_fd_ = -1;
  }
}

void ServerProcess::Kill() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    Reap(/*block=*/true);
  }
  StopReader();
}

int ServerProcess::Terminate(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int code = -1;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0) {
    code = Reap(/*block=*/false);
    if (pid_ <= 0) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      code = Reap(/*block=*/true);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  StopReader();
  return code;
}

::testing::AssertionResult ServerProcess::Restart() {
  Kill();
  return Start();
}

std::string ServerProcess::stdout_text() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stdout_;
}

}  // namespace bg::testing
