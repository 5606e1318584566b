// HTTPS for the test HTTP client (support/http_client.hpp): Fetch() sends https:// URLs through
// here with the process-wide TlsClientOptions. The trust anchor is only the CA file given (never
// the system store), and `resolve` maps a host name to the address to connect to — the test's
// stand-in for a hosts entry, so that a client can talk to https://adwords.google.com:PORT on
// 127.0.0.1 and verify the certificate for adwords.google.com.
//
// Every step has a deadline. The options are read under a mutex; set them before starting
// client threads.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "support/http_client.hpp"

namespace bg::testing {

struct TlsClientOptions {
  std::string ca_file;  // PEM; empty: no certificate is trusted (every handshake fails)
  std::vector<std::pair<std::string, std::string>> resolve;  // host -> IP address
  int min_version = 0;        // e.g. TLS1_1_VERSION; 0: OpenSSL's default
  int max_version = 0;        // 0: the newest
  bool allow_legacy = false;  // OpenSSL security level 0, so that TLS 1.0/1.1 can be offered
  bool verify = true;         // false: accept any certificate (for handshake-only probes)
};

void SetTlsClientOptions(TlsClientOptions options);
TlsClientOptions GetTlsClientOptions();

// One request over a new TLS connection (what Fetch does for https:// URLs).
HttpResponse FetchTls(const std::string& method, const ParsedUrl& url, const HeaderList& headers,
                      const std::string& body, std::chrono::milliseconds timeout,
                      const TlsClientOptions& options);

// Connects and completes (or fails) a handshake only: "" on success, else what failed, with
// OpenSSL's reason (e.g. "tlsv1 alert protocol version").
std::string TlsHandshakeError(const std::string& host, const std::string& port,
                              const TlsClientOptions& options,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace bg::testing
