// DashboardService: the web dashboard the gateway serves at /ui (docs/dashboard.md): the page and
// its files (assets.hpp, compiled into the binary) and the JSON API under /ui/api/ (api.hpp),
// with the results indexer behind it (results_indexer.hpp).
//
//   GET|HEAD /ui            -> 308 to /ui/
//   GET|HEAD /ui/           -> the page (index.html)
//   GET|HEAD /ui/<file>     -> app.js, app.css, favicon.svg (ETag; If-None-Match -> 304)
//   /ui/api/...             -> DashboardApi
// The files are public (they hold no data); every API request carries the client's credentials.
// Every response forbids framing and sniffing and sends no Referer (a page's links carry signed
// download URLs); the page's Content-Security-Policy allows only its own origin.
//
// Owns the indexer (its thread stops with the service). Thread-safe: Route() may be called
// concurrently.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "common/signed_url.hpp"
#include "engine/scheduler.hpp"
#include "http/message.hpp"
#include "soap/auth.hpp"
#include "store/job_store.hpp"
#include "ui/api.hpp"
#include "ui/results_indexer.hpp"

namespace bg::ui {

struct DashboardOptions {
  // Who may see which customer's jobs: the server's policy, as for SOAP (must outlive the
  // service; null: open mode, any non-empty token).
  const soap::AccessPolicy* access = nullptr;
  // How long a results request waits for a results index being built before it answers that
  // the build is in progress (the page then polls).
  std::chrono::milliseconds index_wait{300};
  // Receives one line per internal failure of an API request (the app logs it); may be empty.
  std::function<void(const std::string&)> log;
};

class DashboardService {
 public:
  DashboardService(DashboardOptions options, store::JobStore* store, engine::Scheduler* scheduler,
                   const UrlSigner* signer);
  ~DashboardService();
  // An Exchange for /ui and /ui/... targets, or nullptr when the path is not ours.
  std::unique_ptr<http::Exchange> Route(const http::RequestHead& head);
  // Pure request -> response function (used by Route and by tests).
  http::Response Handle(const http::RequestHead& head);

 private:
  soap::AccessPolicy open_ = soap::AccessPolicy::Open();  // when no policy was given
  ResultsIndexer indexer_;
  DashboardApi api_;
};

}  // namespace bg::ui
