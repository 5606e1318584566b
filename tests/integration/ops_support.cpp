#include "integration/ops_support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

extern char** environ;

namespace bg::testing {

int RunBatchgate(const std::vector<std::string>& args, std::string* output,
                 const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> argv_s = {BG_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<std::string> env_s;
  for (char** e = environ; *e != nullptr; ++e) env_s.emplace_back(*e);
  for (const auto& [k, v] : env) env_s.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return -1;
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(fds[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (output != nullptr) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

JobView RunSampleJob(const AdWordsClient& client) {
  JobView job = client.Create();
  if (!job.fault.empty()) return job;
  const std::string doc =
      ReadFile(std::string(BG_FIXTURES_DIR) + "/uploads/" + DialectFixture(Dialect::kJavaAxis));
  if (doc.empty()) {
    job.fault = "cannot read the java_axis fixture";
    return job;
  }
  if (std::string e = Upload(job.upload_url, DialectRequests(Dialect::kJavaAxis, doc));
      !e.empty()) {
    job.fault = "upload: " + e;
    return job;
  }
  JobView done = client.WaitTerminal(job.id, std::chrono::seconds(60));
  if (done.fault.empty() && done.status != "DONE") done.fault = "ended " + done.status;
  return done;
}

}  // namespace bg::testing
