// Config: every setting of `batchgate serve`, typed and validated once at start-up.
//
// Layers, later wins: built-in defaults (embedded local mode) < TOML file (--config FILE or
// BATCHGATE_CONFIG) < environment BATCHGATE_<KEY> (dots become '_', upper case: http.threads ->
// BATCHGATE_HTTP_THREADS) < command-line flags (--listen, --data, --set KEY=VALUE). A bad value,
// a value of the wrong TOML type, an unknown key in the file, a BATCHGATE_* variable that looks
// like a misspelt key, an unreadable file or a bad combination of keys (auth.mode = "open" on a
// non-loopback address, auth.mode = "tokens" without tokens) fails LoadConfig with a message that
// names the key and where it came from. Values of secret keys (tokens) are never echoed.
// config/batchgate.toml documents every key with its default; docs/configuration.md explains them.
//
// Plain values; LoadConfig is a pure function of its inputs (thread-safe).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.hpp"

namespace bg::app {

struct Config {
  // Top level.
  std::string listen_host = "127.0.0.1";  // key: listen = "HOST:PORT"
  uint16_t listen_port = 8080;            // 0 picks a free port
  std::string data_dir = "./data";
  std::string public_base_url;  // empty: derive upload/download URLs from the Host header

  // [http]
  int http_threads = 2;
  uint64_t http_header_limit_bytes = 16 * 1024;
  int http_idle_timeout_seconds = 120;
  int http_read_timeout_seconds = 30;                   // a whole head; a body's grace period
  uint64_t http_min_body_rate_bytes_per_second = 1024;  // 0: off
  int http_max_connections = 1024;
  int http_shutdown_grace_seconds = 10;

  // [soap]
  uint64_t soap_max_request_bytes = 16 << 20;
  // Not a key of its own: upload_quota_bytes / 1024, set by LoadConfig (the quota that
  // diskUsageQuotaBalance is reported against).
  int64_t soap_disk_quota_kb = 1024 * 1024;

  // [upload] / [results]
  int64_t upload_ttl_seconds = 7LL * 24 * 3600;
  int64_t upload_quota_bytes = 1LL << 30;       // pending upload bytes per customer
  bool upload_strict = false;                   // Cloud Storage's exact 256 KiB chunk rules
  int64_t upload_max_chunk_bytes = 1LL << 30;   // largest body of one upload request
  int upload_max_concurrent_per_customer = 16;  // chunks in flight per customer, then 503
  int64_t results_ttl_seconds = 30LL * 24 * 3600;
  // [retention]
  int64_t retention_sweep_interval_seconds = 600;  // how often expired files are deleted

  // [executor]
  int executor_batch_size = 10000;
  int executor_workers = 2;
  int executor_max_batch_ms = 200;    // a batch also commits once it has run this long
  int executor_retry_limit = 5;       // retries of a transiently failing operation
  int executor_retry_base_ms = 100;   // first backoff; doubles per retry, with jitter
  int executor_retry_max_ms = 10000;  // backoff cap
  // [faults]
  int64_t faults_latency_us = 0;   // delay before every operation (testing)
  double faults_error_rate = 0.0;  // share of attempts failing transiently (testing)
  uint64_t faults_seed = 1;        // makes the injected failures reproducible

  // [sandbox] (docs/sandbox.md)
  std::string sandbox_fixed_date;               // "yyyyMMdd" the sandbox uses as today; "" = clock
  std::vector<std::string> sandbox_seed_files;  // key: seed_files = "a.xml,b.xml"; loaded at start

  // [tls] (docs/deployment.md): HTTPS on the listen address, TLS 1.2 or newer.
  bool tls_enabled = false;
  std::string tls_cert_file;            // PEM chain; "" -> <data_dir>/tls/server.crt
  std::string tls_key_file;             // PEM key;   "" -> <data_dir>/tls/server.key
  std::string tls_min_version = "1.2";  // "1.2" | "1.3"

  // [auth] (soap/auth.hpp AccessPolicy)
  std::string auth_mode = "open";                  // "open" | "tokens"
  std::vector<std::string> auth_developer_tokens;  // tokens mode: the allowed developer tokens
  std::vector<std::string> auth_bearer_tokens;     // tokens mode: "TOKEN CUSTOMER..." entries

  // [metrics]
  bool metrics_enabled = true;  // GET /metrics (Prometheus text format)

  // [log]
  std::string log_level = "info";   // trace, debug, info, warn, error, critical, off
  std::string log_format = "text";  // "text" | "json" (one JSON object per line)
};

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct ConfigSources {
  std::optional<std::string> config_file;  // TOML; when unset, BATCHGATE_CONFIG from `env`
  KeyValues env;                           // environment variables (only BATCHGATE_* are looked at)
  KeyValues flags;  // dotted key -> value, e.g. {"listen", "127.0.0.1:0"}, {"data_dir", "/x"}
};

// Builds the Config from the layers above. Errors are kInvalidArgument naming the key.
Result<Config> LoadConfig(const ConfigSources& sources);

// The BATCHGATE_* variables of this process's environment.
KeyValues ProcessEnvironment();

// Every dotted key LoadConfig accepts, in documentation order.
std::vector<std::string> ConfigKeys();

// True for an address that only this machine can reach: 127.0.0.0/8, ::1, "localhost".
bool IsLoopbackHost(const std::string& host);

// "host:port" (IPv6 as "[::1]:port") -> host and port; nullopt when malformed.
std::optional<std::pair<std::string, uint16_t>> ParseHostPort(const std::string& text);

}  // namespace bg::app
