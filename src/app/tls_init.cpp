#include "app/tls_init.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace bg::app {
namespace {

struct Deleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter>;
using Cert = std::unique_ptr<X509, Deleter>;
using Bio = std::unique_ptr<BIO, Deleter>;

std::string OpenSslError(const std::string& what) {
  std::string out = what;
  unsigned long e = 0;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    out += ": ";
    out += buf;
  }
  return out;
}

bool IsIpAddress(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// A DNS name of letters, digits, '-', '.', and '*' as a whole first label.
bool IsDnsName(const std::string& host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.back() == '.') return false;
  for (size_t i = 0; i < host.size(); ++i) {
    char c = host[i];
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ||
              (c == '*' && i == 0 && host.size() > 2 && host[1] == '.');
    if (!ok) return false;
  }
  return host.find("..") == std::string::npos;
}

// Writes `pem` to `path` through a temporary file with `mode`, fsynced, then renamed.
Status WriteFileAtomically(const std::string& path, const std::string& pem, mode_t mode) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Internal("cannot create " + tmp + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, mode) == 0;
  size_t done = 0;
  while (ok && done < pem.size()) {
    ssize_t n = ::write(fd, pem.data() + done, pem.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Internal("cannot write " + path + ": " + err);
  }
  return Status::Ok();
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

Result<std::string> KeyPem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)) {
    return Internal(OpenSslError("PEM_write_bio_PrivateKey"));
  }
  return BioText(bio.get());
}

Result<std::string> CertPem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(bio.get(), cert)) return Internal(OpenSslError("PEM_write_bio_X509"));
  return BioText(bio.get());
}

Result<Key> GenerateKey(int bits) {
  Key key(EVP_RSA_gen(static_cast<unsigned int>(bits)));
  if (!key) return Internal(OpenSslError("RSA key generation failed"));
  return key;
}

// Adds one extension in openssl.cnf syntax, e.g. (NID_basic_constraints, "critical,CA:TRUE").
Status AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, Deleter> ext(
      X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || !X509_add_ext(cert, ext.get(), -1)) {
    return Internal(OpenSslError("certificate extension " + value));
  }
  return Status::Ok();
}

// A certificate for `key` named `cn`, valid from an hour ago for `days`, with a random serial.
Result<Cert> NewCertificate(EVP_PKEY* key, const std::string& cn, int days) {
  Cert cert(X509_new());
  unsigned char serial[16];
  if (!cert || RAND_bytes(serial, sizeof(serial)) != 1) return Internal(OpenSslError("X509_new"));
  serial[0] &= 0x7f;  // positive
  std::unique_ptr<BIGNUM, Deleter> bn(BN_bin2bn(serial, sizeof(serial), nullptr));
  X509_NAME* name = X509_get_subject_name(cert.get());
  bool ok =
      X509_set_version(cert.get(), 2) && bn &&
      BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) != nullptr &&
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr &&
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * days) != nullptr &&
      X509_set_pubkey(cert.get(), key) &&
      X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("batchgate"), -1, -1, 0) &&
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  if (!ok) return Internal(OpenSslError("building certificate " + cn));
  return cert;
}

Result<std::pair<Key, Cert>> LoadCa(const std::string& key_path, const std::string& cert_path) {
  FILE* kf = std::fopen(key_path.c_str(), "r");
  if (kf == nullptr) return Internal("cannot read " + key_path + ": " + std::strerror(errno));
  Key key(PEM_read_PrivateKey(kf, nullptr, nullptr, nullptr));
  std::fclose(kf);
  FILE* cf = std::fopen(cert_path.c_str(), "r");
  if (cf == nullptr) return Internal("cannot read " + cert_path + ": " + std::strerror(errno));
  Cert cert(PEM_read_X509(cf, nullptr, nullptr, nullptr));
  std::fclose(cf);
  if (!key || !cert) return InvalidArgument(OpenSslError("cannot parse the existing CA files"));
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return InvalidArgument(key_path + " does not belong to " + cert_path);
  }
  return std::make_pair(std::move(key), std::move(cert));
}

Result<std::pair<Key, Cert>> CreateCa() {
  BG_ASSIGN_OR_RETURN(Key key, GenerateKey(3072));
  unsigned char tag[4];
  RAND_bytes(tag, sizeof(tag));
  char hex[9];
  std::snprintf(hex, sizeof(hex), "%02x%02x%02x%02x", tag[0], tag[1], tag[2], tag[3]);
  BG_ASSIGN_OR_RETURN(Cert cert,
                      NewCertificate(key.get(), std::string("batchgate CA ") + hex, 3650));
  X509* c = cert.get();
  X509_set_issuer_name(c, X509_get_subject_name(c));
  BG_RETURN_IF_ERROR(AddExtension(c, c, NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
  BG_RETURN_IF_ERROR(AddExtension(c, c, NID_key_usage, "critical,keyCertSign,cRLSign"));
  BG_RETURN_IF_ERROR(AddExtension(c, c, NID_subject_key_identifier, "hash"));
  BG_RETURN_IF_ERROR(AddExtension(c, c, NID_authority_key_identifier, "keyid:always"));
  if (!X509_sign(c, key.get(), EVP_sha256())) return Internal(OpenSslError("signing the CA"));
  return std::make_pair(std::move(key), std::move(cert));
}

std::string Fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha256(), md, &len);
  std::string out;
  char byte[4];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(byte, sizeof(byte), i == 0 ? "%02X" : ":%02X", md[i]);
    out += byte;
  }
  return out;
}

}  // namespace

Result<TlsInitResult> CreateTlsMaterial(const TlsInitOptions& o) {
  if (o.hosts.empty()) return InvalidArgument("--host is required (e.g. adwords.google.com)");
  std::vector<std::string> sans;
  auto add_san = [&sans](const std::string& san) {
    for (const std::string& s : sans) {
      if (s == san) return;
    }
    sans.push_back(san);
  };
  for (const std::string& h : o.hosts) {
    if (IsIpAddress(h)) {
      add_san("IP:" + h);
    } else if (IsDnsName(h)) {
      add_san("DNS:" + h);
    } else {
      return InvalidArgument("'" + h + "' is neither a DNS name nor an IP address");
    }
  }
  for (const char* san : {"DNS:localhost", "IP:127.0.0.1", "IP:::1"}) add_san(san);
  if (o.server_days < 1 || o.server_days > 3650) {
    return InvalidArgument("--days must be between 1 and 3650");
  }

  TlsInitResult r;
  r.ca_key = o.dir + "/ca.key";
  r.ca_cert = o.dir + "/ca.crt";
  r.server_key = o.dir + "/server.key";
  r.server_cert = o.dir + "/server.crt";
  r.subject_alt_names = sans;
  std::error_code ec;
  if (!std::filesystem::exists(o.dir, ec)) {
    std::filesystem::create_directories(o.dir, ec);
    if (ec) return Internal("cannot create " + o.dir + ": " + ec.message());
    ::chmod(o.dir.c_str(), 0700);
  }
  if (!o.force &&
      (std::filesystem::exists(r.server_cert, ec) || std::filesystem::exists(r.server_key, ec))) {
    return FailedPrecondition(r.server_cert +
                              " already exists (--force replaces it; the CA is "
                              "kept either way)");
  }

  std::pair<Key, Cert> ca;
  const bool have_ca =
      std::filesystem::exists(r.ca_key, ec) && std::filesystem::exists(r.ca_cert, ec);
  if (have_ca) {
    BG_ASSIGN_OR_RETURN(ca, LoadCa(r.ca_key, r.ca_cert));
    r.ca_reused = true;
  } else {
    BG_ASSIGN_OR_RETURN(ca, CreateCa());
    BG_ASSIGN_OR_RETURN(std::string ca_key_pem, KeyPem(ca.first.get()));
    BG_ASSIGN_OR_RETURN(std::string ca_cert_pem, CertPem(ca.second.get()));
    BG_RETURN_IF_ERROR(WriteFileAtomically(r.ca_key, ca_key_pem, 0600));
    BG_RETURN_IF_ERROR(WriteFileAtomically(r.ca_cert, ca_cert_pem, 0644));
  }
  r.ca_sha256 = Fingerprint(ca.second.get());

  BG_ASSIGN_OR_RETURN(Key key, GenerateKey(2048));
  const std::string cn = o.hosts.front();
  BG_ASSIGN_OR_RETURN(Cert cert, NewCertificate(key.get(), cn, o.server_days));
  X509* c = cert.get();
  X509* issuer = ca.second.get();
  X509_set_issuer_name(c, X509_get_subject_name(issuer));
  std::string san_list;
  for (const std::string& s : sans) san_list += (san_list.empty() ? "" : ",") + s;
  BG_RETURN_IF_ERROR(AddExtension(c, issuer, NID_basic_constraints, "critical,CA:FALSE"));
  BG_RETURN_IF_ERROR(
      AddExtension(c, issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment"));
  BG_RETURN_IF_ERROR(AddExtension(c, issuer, NID_ext_key_usage, "serverAuth"));
  BG_RETURN_IF_ERROR(AddExtension(c, issuer, NID_subject_alt_name, san_list));
  BG_RETURN_IF_ERROR(AddExtension(c, issuer, NID_subject_key_identifier, "hash"));
  BG_RETURN_IF_ERROR(AddExtension(c, issuer, NID_authority_key_identifier, "keyid:always"));
  if (!X509_sign(c, ca.first.get(), EVP_sha256())) {
    return Internal(OpenSslError("signing the server certificate"));
  }
  BG_ASSIGN_OR_RETURN(std::string key_pem, KeyPem(key.get()));
  BG_ASSIGN_OR_RETURN(std::string cert_pem, CertPem(c));
  BG_RETURN_IF_ERROR(WriteFileAtomically(r.server_key, key_pem, 0600));
  BG_RETURN_IF_ERROR(WriteFileAtomically(r.server_cert, cert_pem, 0644));
  return r;
}

}  // namespace bg::app
