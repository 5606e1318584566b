// `batchgate tls init`: a private certificate authority and a server certificate signed by it,
// so that unchanged client libraries can reach the gateway as https://adwords.google.com (a hosts
// entry plus the CA in the client's trust store; docs/deployment.md).
//
// Files in `dir` (created mode 0700 when missing):
//   ca.key      the CA's RSA-3072 private key, mode 0600 (keep it; it signs new server certs)
//   ca.crt      the CA certificate (10 years): what clients must trust, mode 0644
//   server.key  the server's RSA-2048 private key, mode 0600
//   server.crt  the server certificate (825 days), mode 0644: CN = the first host, SAN = every
//               host (DNS or IP), localhost, 127.0.0.1 and ::1; serverAuth; signed SHA-256
// An existing CA (ca.key + ca.crt) is reused, so clients that trust it keep working; an existing
// server certificate is replaced only with `force`. Files are written to a temporary name and
// renamed, so a crash never leaves half a key.
//
// Pure function of its inputs and the file system; not meant to run concurrently on one dir.
#pragma once

#include <string>
#include <vector>

#include "common/status.hpp"

namespace bg::app {

struct TlsInitOptions {
  std::vector<std::string> hosts;  // at least one; DNS names or IP addresses
  std::string dir;
  int server_days = 825;
  bool force = false;  // replace an existing server certificate and key
};

struct TlsInitResult {
  std::string ca_cert, ca_key, server_cert, server_key;  // paths
  bool ca_reused = false;
  std::string ca_sha256;                       // fingerprint of ca.crt, "AB:CD:..."
  std::vector<std::string> subject_alt_names;  // e.g. "DNS:adwords.google.com", "IP:127.0.0.1"
};

Result<TlsInitResult> CreateTlsMaterial(const TlsInitOptions& options);

}  // namespace bg::app
