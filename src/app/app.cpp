#include "app/app.hpp"

#include <spdlog/spdlog.h>

#include <atomic>

#include "app/access_guard.hpp"
#include "app/logging.hpp"
#include "app/metrics.hpp"
#include "app/observability.hpp"
#include "app/router.hpp"
#include "backend/backend.hpp"
#include "backend/fault_injection.hpp"
#include "common/clock.hpp"
#include "common/signed_url.hpp"
#include "engine/executor.hpp"
#include "engine/scheduler.hpp"
#include "http/server.hpp"
#include "results/download_service.hpp"
#include "soap/soap_service.hpp"
#include "store/job_store.hpp"
#include "store/retention.hpp"
#include "ui/dashboard_service.hpp"
#include "upload/upload_service.hpp"

namespace bg::app {
namespace {

Result<std::shared_ptr<const soap::AccessPolicy>> MakeAccessPolicy(const Config& c) {
  if (c.auth_mode != "tokens") {
    return std::make_shared<const soap::AccessPolicy>(soap::AccessPolicy::Open());
  }
  BG_ASSIGN_OR_RETURN(soap::AccessPolicy policy,
                      soap::AccessPolicy::Tokens(c.auth_developer_tokens, c.auth_bearer_tokens));
  return std::make_shared<const soap::AccessPolicy>(std::move(policy));
}

// The request line: one event per exchange, with the request id the SOAP ResponseHeader carries.
void LogRequest(const http::AccessRecord& r, std::string_view route) {
  const double ms = static_cast<double>(r.duration.count()) / 1000.0;
  const std::string target = RedactTarget(r.head.target);
  LogEvent(spdlog::level::info, "request",
           {{"request_id", r.head.request_id},
            {"remote", r.head.remote_address},
            {"method", r.head.method},
            {"target", target},
            {"route", route},
            {"status", static_cast<int64_t>(r.status)},
            {"bytes_in", static_cast<int64_t>(r.request_body_bytes)},
            {"bytes_out", static_cast<int64_t>(r.response_body_bytes)},
            {"duration_ms", ms},
            {"tls", r.head.secure}});
}

}  // namespace

// Members in construction order; destroyed in reverse.
struct App::Parts {
  std::shared_ptr<const soap::AccessPolicy> access;
  Metrics metrics;
  std::atomic<bool> ready{false};
  double start_time_seconds = 0;
  std::unique_ptr<store::JobStore> store;
  std::unique_ptr<UrlSigner> signer;
  std::unique_ptr<backend::Backend> backend;
  std::unique_ptr<engine::Executor> executor;
  std::unique_ptr<engine::Scheduler> scheduler;
  std::unique_ptr<soap::SoapService> soap;
  std::unique_ptr<upload::UploadService> upload;
  std::unique_ptr<results::DownloadService> download;
  std::unique_ptr<ui::DashboardService> dashboard;
  std::unique_ptr<store::RetentionSweeper> sweeper;
  PrefixRouter router;
  std::unique_ptr<http::Server> server;
  bool scheduler_started = false;

  // /readyz: OK once started (store open, recovery queued, scheduler running) and the store
  // answers; Unavailable while starting, stopping or when the store does not answer.
  Status Readiness();
  std::string RenderMetrics();
};

App::App(Config config) : config_(std::move(config)) {}

App::~App() { Stop(); }

Status App::Start() {
  if (parts_) return FailedPrecondition("app already started");
  auto p = std::make_unique<Parts>();
  const Config& c = config_;
  BG_ASSIGN_OR_RETURN(p->access, MakeAccessPolicy(c));
  p->start_time_seconds = static_cast<double>(NowMs()) / 1000.0;

  store::StoreOptions store_options;
  store_options.data_dir = c.data_dir;
  store_options.upload_ttl_ms = c.upload_ttl_seconds * 1000;
  store_options.results_ttl_ms = c.results_ttl_seconds * 1000;
  store_options.upload_quota_bytes = c.upload_quota_bytes;
  BG_ASSIGN_OR_RETURN(p->store, store::JobStore::Open(store_options));
  BG_ASSIGN_OR_RETURN(UrlSigner signer, UrlSigner::LoadOrCreate(c.data_dir));
  p->signer = std::make_unique<UrlSigner>(std::move(signer));

  backend::SandboxOptions sandbox_options;
  sandbox_options.fixed_date = c.sandbox_fixed_date;
  sandbox_options.seed_files = c.sandbox_seed_files;
  p->backend = backend::MakeSandboxBackend(std::move(sandbox_options));
  backend::FaultInjectionOptions faults;
  faults.latency_us = c.faults_latency_us;
  faults.error_rate = c.faults_error_rate;
  faults.seed = c.faults_seed;
  if (faults.enabled()) {
    p->backend = backend::MakeFaultInjectingBackend(std::move(p->backend), faults);
  }
  BG_RETURN_IF_ERROR(p->backend->Init(p->store->db()));
  engine::ExecutorOptions exec_options;
  exec_options.batch_size = c.executor_batch_size;
  exec_options.max_batch_ms = c.executor_max_batch_ms;
  exec_options.retry_limit = c.executor_retry_limit;
  exec_options.retry_base_ms = c.executor_retry_base_ms;
  exec_options.retry_max_ms = c.executor_retry_max_ms;
  exec_options.log = [](const std::string& line) { spdlog::warn("executor: {}", line); };
  p->executor = std::make_unique<engine::Executor>(p->store.get(), p->backend.get(), exec_options);
  p->scheduler =
      std::make_unique<engine::Scheduler>(p->store.get(), p->executor.get(), c.executor_workers);
  p->scheduler->Start();  // also resumes jobs left ACTIVE/CANCELING by a previous run
  p->scheduler_started = true;

  soap::SoapOptions soap_options;
  soap_options.public_base_url = c.public_base_url;
  soap_options.max_request_bytes = c.soap_max_request_bytes;
  soap_options.disk_quota_kb = c.soap_disk_quota_kb;
  soap_options.access = p->access;
  p->soap = std::make_unique<soap::SoapService>(soap_options, p->store.get(), p->scheduler.get(),
                                                p->signer.get());
  upload::UploadOptions upload_options;
  upload_options.public_base_url = c.public_base_url;
  upload_options.strict = c.upload_strict;
  upload_options.max_chunk_bytes = c.upload_max_chunk_bytes;
  upload_options.max_concurrent_per_customer = c.upload_max_concurrent_per_customer;
  p->upload = std::make_unique<upload::UploadService>(upload_options, p->store.get(),
                                                      p->scheduler.get(), p->signer.get());
  p->download = std::make_unique<results::DownloadService>(p->store.get(), p->signer.get());
  ui::DashboardOptions dashboard_options;
  dashboard_options.log = [](const std::string& line) { spdlog::error("{}", line); };
  dashboard_options.access = p->access.get();
  p->dashboard = std::make_unique<ui::DashboardService>(std::move(dashboard_options),
                                                        p->store.get(), p->scheduler.get(),
                                                        p->signer.get());
  // Jobs whose uploadUrl expired become CANCELING in the sweep: the scheduler finishes them
  // (the sweeper stops before the scheduler, see Stop()).
  engine::Scheduler* scheduler = p->scheduler.get();
  p->sweeper = std::make_unique<store::RetentionSweeper>(
      p->store.get(), std::chrono::seconds(c.retention_sweep_interval_seconds),
      [scheduler](const Result<store::SweepStats>& r) {
        if (!r.ok()) {
          spdlog::warn("retention sweep failed: {}", r.status().ToString());
          return;
        }
        for (int64_t job_id : r->canceled_jobs) scheduler->Notify(job_id);
        if (r->expired_uploads > 0 || r->expired_results > 0) {
          spdlog::info(
              "retention sweep: {} expired uploads deleted (jobs canceled), {} expired results "
              "deleted",
              r->expired_uploads, r->expired_results);
        }
      });
  p->sweeper->Start();

  AddRoutes(*p);

  http::ServerOptions server_options;
  server_options.host = c.listen_host;
  server_options.port = c.listen_port;
  server_options.threads = c.http_threads;
  server_options.header_limit = c.http_header_limit_bytes;
  server_options.idle_timeout_seconds = c.http_idle_timeout_seconds;
  server_options.read_timeout_seconds = c.http_read_timeout_seconds;
  server_options.min_body_rate_bytes_per_second = c.http_min_body_rate_bytes_per_second;
  server_options.max_connections = c.http_max_connections;
  server_options.shutdown_grace_seconds = c.http_shutdown_grace_seconds;
  server_options.tls.enabled = c.tls_enabled;
  server_options.tls.cert_file = c.tls_cert_file;
  server_options.tls.key_file = c.tls_key_file;
  server_options.tls.min_version = c.tls_min_version;
  Metrics* metrics = &p->metrics;
  server_options.access_log = [metrics](const http::AccessRecord& r) {
    const std::string_view route = RouteLabel(r.head);
    metrics->ObserveRequest(route, MethodLabel(r.head.method), r.status, r.duration);
    if (route == "upload" && (r.status == 200 || r.status == 201 || r.status == 308)) {
      metrics->AddUploadBytes(r.request_body_bytes);
    }
    LogRequest(r, route);
  };
  server_options.tls_error_log = [metrics](const std::string& remote, const std::string& what) {
    metrics->CountTlsHandshakeFailure();
    LogEvent(spdlog::level::info, "tls_handshake_failed", {{"remote", remote}, {"error", what}});
  };
  p->server = std::make_unique<http::Server>(server_options, &p->router);
  parts_ = std::move(p);
  Status s = parts_->server->Start();
  if (!s.ok()) {
    Stop();
    if (c.tls_enabled && s.code() == StatusCode::kInvalidArgument) {
      return InvalidArgument("config keys 'tls.cert_file' / 'tls.key_file': " + s.message() +
                             " (batchgate tls init creates them)");
    }
    return s;
  }
  parts_->ready.store(true);
  return Status::Ok();
}

void App::AddRoutes(Parts& p) {
  soap::SoapService* soap = p.soap.get();
  upload::UploadService* upload = p.upload.get();
  results::DownloadService* download = p.download.get();
  const soap::AccessPolicy* access = p.access.get();
  Parts* parts = &p;
  p.router.AddExact("/healthz", HealthzExchange);
  p.router.AddExact("/readyz", [parts](const http::RequestHead& h) {
    return ReadyzExchange(h, [parts] { return parts->Readiness(); });
  });
  if (config_.metrics_enabled) {
    p.router.AddExact("/metrics", [parts](const http::RequestHead& h) {
      return MetricsExchange(h, [parts] { return parts->RenderMetrics(); });
    });
  }
  p.router.AddPrefix("/api/adwords/",
                     [soap](const http::RequestHead& h) { return soap->Route(h); });
  p.router.AddPrefix("/batchjob/upload/", [upload, access](const http::RequestHead& h) {
    if (auto refused = GuardSignedUrl(*access, h)) return refused;
    return upload->Route(h);
  });
  p.router.AddPrefix("/batchjob/results/", [download, access](const http::RequestHead& h) {
    if (auto refused = GuardSignedUrl(*access, h)) return refused;
    return download->Route(h);
  });
  ui::DashboardService* dashboard = p.dashboard.get();  // docs/dashboard.md
  auto dashboard_route = [dashboard](const http::RequestHead& h) { return dashboard->Route(h); };
  p.router.AddExact("/ui", dashboard_route);
  p.router.AddPrefix("/ui/", dashboard_route);
}

Status App::Parts::Readiness() {
  if (!ready.load()) return Unavailable("starting or stopping");
  if (!scheduler_started) return Unavailable("scheduler not running");
  Status s = store->Ping();
  if (!s.ok()) return Unavailable("store: " + s.message());
  return Status::Ok();
}

std::string App::Parts::RenderMetrics() {
  MetricsSnapshot snap;
  snap.executor = executor->stats();
  Result<store::StoreStats> st = store->Stats(NowMs());
  snap.store_ok = st.ok();
  if (st.ok()) snap.store = std::move(st).value();
  snap.ready = Readiness().ok();
  snap.start_time_seconds = start_time_seconds;
  return metrics.Render(snap);
}

void App::Stop() {
  if (!parts_) return;
  parts_->ready.store(false);
  if (parts_->server) parts_->server->Stop();
  if (parts_->sweeper) parts_->sweeper->Stop();
  if (parts_->scheduler_started) parts_->scheduler->Stop();
  parts_->scheduler_started = false;
  parts_.reset();
}

uint16_t App::port() const { return parts_ && parts_->server ? parts_->server->port() : 0; }

std::string App::base_url() const {
  return BaseUrlFor(config_.listen_host, port(), config_.tls_enabled);
}

std::string BaseUrlFor(const std::string& host, uint16_t port, bool tls) {
  std::string h = host;
  if (h == "0.0.0.0") h = "127.0.0.1";
  if (h == "::") h = "::1";
  if (h.find(':') != std::string::npos) h = "[" + h + "]";
  return (tls ? "https://" : "http://") + h + ":" + std::to_string(port);
}

}  // namespace bg::app
