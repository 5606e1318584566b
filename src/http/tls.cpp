// The server's OpenSSL context: the certificate chain and key from PEM files, TLS 1.2 (or 1.3)
// as the floor, no renegotiation, OpenSSL's default cipher list (broad enough for the legacy
// client runtimes, without the ciphers OpenSSL 3 considers weak).
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <fstream>

#include "http/session.hpp"

namespace bg::http::internal {
namespace {

std::string OpenSslReason(const boost::system::error_code& ec) {
  std::string out = ec.message();
  unsigned long e = 0;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    out += "; ";
    out += buf;
  }
  return out;
}

bool Readable(const std::string& path) { return std::ifstream(path).good(); }

}  // namespace

Result<std::shared_ptr<asio::ssl::context>> MakeTlsContext(const TlsOptions& options) {
  int floor = 0;
  if (options.min_version == "1.2") {
    floor = TLS1_2_VERSION;
  } else if (options.min_version == "1.3") {
    floor = TLS1_3_VERSION;
  } else {
    return InvalidArgument("TLS minimum version must be 1.2 or 1.3, not '" + options.min_version +
                           "'");
  }
  if (options.cert_file.empty() || options.key_file.empty()) {
    return InvalidArgument("TLS needs a certificate file and a key file");
  }
  for (const std::string* f : {&options.cert_file, &options.key_file}) {
    if (!Readable(*f)) return InvalidArgument("cannot read " + *f);
  }
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use |
                   SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX* native = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(native, floor) != 1) {
    return Internal("cannot set the TLS protocol floor");
  }
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(options.cert_file, ec);
  if (ec) {
    return InvalidArgument("cannot load the certificate chain " + options.cert_file + ": " +
                           OpenSslReason(ec));
  }
  ctx->use_private_key_file(options.key_file, asio::ssl::context::pem, ec);
  if (ec) {
    return InvalidArgument("cannot load the private key " + options.key_file + ": " +
                           OpenSslReason(ec));
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return InvalidArgument("the private key " + options.key_file +
                           " does not belong to the certificate " + options.cert_file);
  }
  return ctx;
}

}  // namespace bg::http::internal
