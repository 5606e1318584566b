// RunServe: the lifecycle of `batchgate serve` around App.
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "app/app.hpp"
#include "app/logging.hpp"

namespace bg::app {

int RunServe(const Config& config) {
  SetUpLogging(config.log_level, config.log_format);
  // Block the stop signals before any thread exists, so that every thread inherits the mask and
  // only sigwait() below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  App app(config);
  Status s = app.Start();
  if (!s.ok()) {
    spdlog::critical("start-up failed: {}", s.ToString());
    return 1;
  }
  // The first stdout line is the base URL (tests and scripts read it); nothing else goes to
  // stdout.
  std::printf("%s\n", app.base_url().c_str());
  std::fflush(stdout);
  spdlog::info("batchgate listening on {} (data dir {}, auth mode {}{})", app.base_url(),
               config.data_dir, config.auth_mode, config.tls_enabled ? ", TLS" : "");

  int sig = 0;
  while (sigwait(&stop_signals, &sig) != 0) {
  }
  spdlog::info("signal {} received: stopping", sig);
  app.Stop();
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
  return 0;
}

}  // namespace bg::app
