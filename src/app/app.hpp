// App: the composition root of `batchgate serve`. Builds every component from a Config and
// owns them all, in dependency order:
//   AccessPolicy, Metrics -> JobStore -> UrlSigner -> Backend (sandbox) -> Executor -> Scheduler
//   -> SoapService, UploadService, DownloadService, DashboardService (/ui) -> PrefixRouter
//   -> http::Server
// The router serves /healthz, /readyz and /metrics (app/observability.hpp) besides the services,
// and puts the access policy in front of the signed upload/download URLs (app/access_guard.hpp).
// and tears them down in reverse (server first, so no request reaches a stopped component).
//
// RunServe() is the whole serve lifecycle: logging, Start, the base URL as the FIRST stdout line,
// wait for SIGTERM/SIGINT, graceful Stop, exit status.
//
// Threading: Start/Stop from one controlling thread; the components are thread-safe themselves.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "app/config.hpp"
#include "common/status.hpp"

namespace bg::app {

class App {
 public:
  explicit App(Config config);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Opens the store, recovers runnable jobs, starts the scheduler and the HTTP server.
  Status Start();
  // Stops the server (in-flight exchanges finish), then the scheduler. Idempotent.
  void Stop();

  // The bound port and "http://HOST:PORT" ("https://" with TLS; valid after Start).
  uint16_t port() const;
  std::string base_url() const;

 private:
  struct Parts;
  void AddRoutes(Parts& parts);
  Config config_;
  std::unique_ptr<Parts> parts_;
};

// `batchgate serve`: returns the process exit status (0 after a signal-driven stop).
int RunServe(const Config& config);

// "http://HOST:PORT" (https:// when `tls`) for a listen host: wildcard hosts become loopback,
// IPv6 gets brackets.
std::string BaseUrlFor(const std::string& host, uint16_t port, bool tls = false);

}  // namespace bg::app
