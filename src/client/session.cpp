#include "client/session.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

namespace bg::client {

std::string FormatCustomerId(uint64_t digits) {
  std::string d = std::to_string(digits % 10000000000ULL);
  d.insert(0, 10 - d.size(), '0');
  return d.substr(0, 3) + "-" + d.substr(3, 3) + "-" + d.substr(6);
}

uint64_t RandomCustomerId() {
  std::random_device rd;
  std::uniform_int_distribution<uint64_t> d(1000000000ULL, 8999999999ULL);
  return d(rd);
}

namespace {

sigset_t WatchedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);  // the destructor's "stop watching"
  return set;
}

}  // namespace

void ClientSession::WatchSignals() {
  sigset_t set = WatchedSignals();
  pthread_sigmask(SIG_BLOCK, &set, &old_mask_);
  signal_thread_ = std::thread([this, set] {
    int sig = 0;
    while (sigwait(&set, &sig) != 0) {
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (closing_ || sig == SIGUSR1) return;
    std::fprintf(stderr, "\nbatchgate: interrupted; cleaning up\n");
    std::fflush(nullptr);
    // Jobs still running fail as the gateway goes away: nothing of that is a report.
    int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd >= 0) {
      ::dup2(null_fd, STDOUT_FILENO);
      ::dup2(null_fd, STDERR_FILENO);
    }
    Cleanup();
    std::_Exit(128 + sig);
  });
}

void ClientSession::Cleanup() {
  embedded_.reset();  // stops the child, removes its temporary data directory
  std::error_code ec;
  if (!scratch_.empty()) std::filesystem::remove_all(scratch_, ec);
  scratch_.clear();
}

Result<std::unique_ptr<ClientSession>> ClientSession::Open(const GatewayFlags& flags) {
  std::unique_ptr<ClientSession> s(new ClientSession());
  s->flags_ = flags;
  s->WatchSignals();
  if (flags.gateway.empty()) {
    EmbeddedGatewayOptions o;
    o.data_dir = flags.data_dir;
    o.config_file = flags.config_file;
    o.seed_files = flags.seed_files;
    o.fixed_date = flags.sandbox_date;
    BG_ASSIGN_OR_RETURN(s->embedded_, EmbeddedGateway::Start(o));
    s->gateway_ = s->embedded_->base_url();
  } else {
    BG_RETURN_IF_ERROR(ParseUrl(flags.gateway).status());
    s->gateway_ = flags.gateway;
    while (!s->gateway_.empty() && s->gateway_.back() == '/') s->gateway_.pop_back();
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/batchgate-results-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return Internal("cannot create a temporary directory: " + std::string(std::strerror(errno)));
  }
  s->scratch_ = tmpl;
  return s;
}

ClientSession::~ClientSession() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  if (signal_thread_.joinable()) {
    pthread_kill(signal_thread_.native_handle(), SIGUSR1);
    signal_thread_.join();
  }
  std::lock_guard<std::mutex> lock(mu_);
  Cleanup();
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

JobRunOptions ClientSession::RunOptions() const {
  JobRunOptions o;
  o.gateway = gateway_;
  o.credentials.developer_token = flags_.developer_token;
  o.credentials.bearer = flags_.bearer;
  o.credentials.user_agent = "batchgate-client";
  if (!flags_.customer.empty()) o.credentials.customer_id = flags_.customer;
  o.version = flags_.version;
  o.http.ca_file = flags_.ca_file;
  o.chunk_bytes = flags_.chunk_bytes;
  o.timeout = std::chrono::seconds(flags_.timeout_seconds);
  o.results_dir = scratch_;
  return o;
}

}  // namespace bg::client
