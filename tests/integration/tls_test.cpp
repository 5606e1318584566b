// `batchgate tls init` and `serve` over HTTPS, through the real binary: the files and their
// modes, the certificate's names and chain, HTTPS with the private CA as the only trust anchor
// (reaching the gateway as adwords.google.com, as a hosts entry would), the refusals (TLS 1.1,
// an untrusting client, plain HTTP), and a whole batch job over TLS.
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <string>

#include "integration/ops_support.hpp"
#include "support/prometheus_text.hpp"
#include "support/server_process.hpp"
#include "support/tls_client.hpp"

namespace bg::testing {
namespace {

constexpr char kHost[] = "adwords.google.com";

int Mode(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
using Cert = std::unique_ptr<X509, X509Deleter>;

Cert LoadCert(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  Cert c(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return c;
}

// "" when `leaf` chains to `ca` and is valid for `host` as a TLS server; else OpenSSL's reason.
std::string VerifyServerCert(X509* ca, X509* leaf, const std::string& host) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf, nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT);
  std::string out;
  if (X509_verify_cert(ctx) != 1) {
    out = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
  }
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return out;
}

class TlsInitTest : public ::testing::Test {
 protected:
  TempDir dir_{"bg_tls_"};
  std::string tls_dir() const { return dir_.Join("data/tls"); }
};

TEST_F(TlsInitTest, WritesCaAndServerCertificateWithSafeModes) {
  std::string out;
  ASSERT_EQ(RunBatchgate({"tls", "init", "--host", kHost, "--data", dir_.Join("data")}, &out), 0)
      << out;
  EXPECT_NE(out.find(tls_dir() + "/ca.crt"), std::string::npos) << out;
  EXPECT_NE(out.find("DNS:adwords.google.com, DNS:localhost, IP:127.0.0.1, IP:::1"),
            std::string::npos)
      << out;
  EXPECT_EQ(Mode(tls_dir()), 0700);
  EXPECT_EQ(Mode(tls_dir() + "/ca.key"), 0600);
  EXPECT_EQ(Mode(tls_dir() + "/server.key"), 0600);
  EXPECT_EQ(Mode(tls_dir() + "/ca.crt"), 0644);
  EXPECT_EQ(Mode(tls_dir() + "/server.crt"), 0644);

  Cert ca = LoadCert(tls_dir() + "/ca.crt");
  Cert leaf = LoadCert(tls_dir() + "/server.crt");
  ASSERT_TRUE(ca && leaf);
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_EQ(X509_check_ca(leaf.get()), 0);
  for (const char* host : {kHost, "localhost"}) {
    EXPECT_EQ(VerifyServerCert(ca.get(), leaf.get(), host), "") << host;
  }
  EXPECT_NE(VerifyServerCert(ca.get(), leaf.get(), "www.google.com"), "");
  EXPECT_EQ(X509_check_ip_asc(leaf.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(leaf.get(), "::1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(leaf.get(), "10.0.0.1", 0), 0);

  // A second run keeps everything unless --force; --force keeps the CA and re-issues the server
  // certificate, which still chains to it.
  const std::string ca_pem = ReadFile(tls_dir() + "/ca.crt");
  const std::string leaf_pem = ReadFile(tls_dir() + "/server.crt");
  EXPECT_EQ(RunBatchgate({"tls", "init", "--host", kHost, "--dir", tls_dir()}, &out), 1);
  EXPECT_NE(out.find("already exists"), std::string::npos) << out;
  EXPECT_EQ(ReadFile(tls_dir() + "/server.crt"), leaf_pem);
  ASSERT_EQ(RunBatchgate({"tls", "init", "--host", "gw.example", "--host", "10.1.2.3", "--dir",
                          tls_dir(), "--force"},
                         &out),
            0)
      << out;
  EXPECT_NE(out.find("existing CA reused"), std::string::npos) << out;
  EXPECT_EQ(ReadFile(tls_dir() + "/ca.crt"), ca_pem);
  EXPECT_NE(ReadFile(tls_dir() + "/server.crt"), leaf_pem);
  leaf = LoadCert(tls_dir() + "/server.crt");
  EXPECT_EQ(VerifyServerCert(ca.get(), leaf.get(), "gw.example"), "");
  EXPECT_EQ(X509_check_ip_asc(leaf.get(), "10.1.2.3", 0), 1);
  EXPECT_NE(VerifyServerCert(ca.get(), leaf.get(), kHost), "");
}

TEST_F(TlsInitTest, BadInput) {
  std::string out;
  EXPECT_NE(RunBatchgate({"tls", "init", "--dir", tls_dir()}, &out), 0);  // --host is required
  EXPECT_EQ(RunBatchgate({"tls", "init", "--host", "not a host!", "--dir", tls_dir()}, &out), 1);
  EXPECT_NE(out.find("neither a DNS name nor an IP address"), std::string::npos) << out;
  EXPECT_EQ(Mode(tls_dir() + "/server.key"), -1);
}

// A TLS server on 127.0.0.1:0 whose clients trust only its private CA and reach it as
// adwords.google.com:PORT.
class TlsServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string out;
    ASSERT_EQ(RunBatchgate({"tls", "init", "--host", kHost, "--data", data_dir()}, &out), 0) << out;
    ServerProcessOptions o;
    o.data_dir = data_dir();
    o.env = {{"BATCHGATE_TLS_ENABLED", "true"}};
    o.stderr_path = dir_.Join("server.log");
    server_ = std::make_unique<ServerProcess>(o);
    ASSERT_TRUE(server_->Start());
    auto url = ParseHttpUrl(server_->base_url());
    ASSERT_TRUE(url && url->tls) << server_->base_url();
    port_ = url->port;
    trusted_.ca_file = data_dir() + "/tls/ca.crt";
    trusted_.resolve = {{kHost, "127.0.0.1"}};
    SetTlsClientOptions(trusted_);
  }
  void TearDown() override { SetTlsClientOptions({}); }

  std::string data_dir() const { return dir_.Join("data"); }
  std::string host_base() const { return std::string("https://") + kHost + ":" + port_; }

  TempDir dir_{"bg_tls_"};
  std::unique_ptr<ServerProcess> server_;
  std::string port_;
  TlsClientOptions trusted_;
};

TEST_F(TlsServeTest, HttpsWithThePrivateCaAsTheOnlyTrustAnchor) {
  EXPECT_EQ(server_->base_url(), "https://127.0.0.1:" + port_);
  HttpResponse r = Fetch("GET", host_base() + "/healthz");
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "ok\n");
  r = Fetch("GET", server_->base_url() + "/readyz");  // SAN 127.0.0.1
  EXPECT_EQ(r.status, 200) << r.error;

  // The same server without the CA: the certificate is not trusted.
  TlsClientOptions untrusting = trusted_;
  untrusting.ca_file.clear();
  EXPECT_NE(TlsHandshakeError(kHost, port_, untrusting).find("certificate verify failed"),
            std::string::npos);
  // A name the certificate does not carry.
  TlsClientOptions other_name = trusted_;
  other_name.resolve = {{"www.google.com", "127.0.0.1"}};
  EXPECT_NE(TlsHandshakeError("www.google.com", port_, other_name), "");

  // TLS 1.1 (offered for real: security level 0 lets OpenSSL send it) is refused by the server
  // with a protocol_version alert, while the same client settings up to TLS 1.2 get in.
  TlsClientOptions legacy = trusted_;
  legacy.allow_legacy = true;
  legacy.min_version = TLS1_1_VERSION;
  legacy.max_version = TLS1_1_VERSION;
  EXPECT_NE(TlsHandshakeError(kHost, port_, legacy).find("alert protocol version"),
            std::string::npos)
      << TlsHandshakeError(kHost, port_, legacy);
  legacy.max_version = TLS1_2_VERSION;
  EXPECT_EQ(TlsHandshakeError(kHost, port_, legacy), "");

  // Plain HTTP on the TLS port gets no HTTP answer.
  HttpResponse plain =
      Fetch("GET", "http://127.0.0.1:" + port_ + "/healthz", {}, "", std::chrono::seconds(5));
  EXPECT_EQ(plain.status, 0);

  // The refusals are counted (by the server once it gave up on them: poll).
  double failures = 0;
  std::string error;
  EXPECT_TRUE(PollUntil(std::chrono::seconds(10),
                        [&] {
                          HttpResponse m = Fetch("GET", host_base() + "/metrics");
                          PromExposition e;
                          if (m.status != 200 || !ParsePrometheusText(m.body, &e, &error))
                            return false;
                          failures = e.Value("batchgate_tls_handshake_failures_total").value_or(0);
                          return failures >= 3;
                        }))
      << failures << " " << error;
}

TEST_F(TlsServeTest, WholeJobOverTlsAsAdwordsGoogleCom) {
  // The WSDL's soap:address points back at the host the client used, over https.
  HttpResponse wsdl = Fetch("GET", host_base() + "/api/adwords/cm/v201702/BatchJobService?wsdl");
  ASSERT_EQ(wsdl.status, 200) << wsdl.error;
  EXPECT_NE(
      wsdl.body.find("location=\"" + host_base() + "/api/adwords/cm/v201702/BatchJobService\""),
      std::string::npos);

  AdWordsClient client(host_base(), Credentials{});
  JobView created = client.Create();
  ASSERT_TRUE(created.fault.empty()) << created.fault;
  EXPECT_EQ(created.upload_url.rfind(host_base() + "/batchjob/upload/", 0), 0u)
      << created.upload_url;
  JobView done = RunSampleJob(client);
  ASSERT_TRUE(done.fault.empty()) << done.fault;
  EXPECT_EQ(done.executed, 6);
  EXPECT_EQ(done.succeeded, 5);
  EXPECT_EQ(done.download_url.rfind(host_base() + "/batchjob/results/", 0), 0u)
      << done.download_url;
  HttpResponse results = Fetch("GET", done.download_url);
  ASSERT_EQ(results.status, 200) << results.error;
  std::string error;
  std::vector<Rval> rvals = ParseResults(results.body, "v201702", &error);
  EXPECT_EQ(error, "");
  ASSERT_EQ(rvals.size(), 6u);
  EXPECT_EQ(rvals[5].reason, "KEYWORD_HAS_INVALID_CHARS");
}

TEST(TlsStartTest, MissingCertificateFailsAtStartNamingTheKeys) {
  TempDir dir("bg_tls_");
  std::string out;
  int rc = RunBatchgate(
      {"serve", "--listen", "127.0.0.1:0", "--data", dir.Join("data"), "--set", "tls.enabled=true"},
      &out);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("'tls.cert_file'"), std::string::npos) << out;
  EXPECT_NE(out.find("tls init"), std::string::npos) << out;
}

}  // namespace
}  // namespace bg::testing
