#include "app/cli_ops.hpp"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/tls_init.hpp"

namespace bg::app {
namespace {

struct TlsFlags {
  std::string config_file;
  std::string data_dir;
  std::vector<std::string> hosts;
  std::string dir;
  int days = 825;
  bool force = false;
};

int RunTlsInit(const TlsFlags& flags) {
  TlsInitOptions o;
  o.hosts = flags.hosts;
  o.server_days = flags.days;
  o.force = flags.force;
  o.dir = flags.dir;
  if (o.dir.empty()) {  // <data_dir>/tls, where `serve` looks by default
    ConfigSources sources;
    if (!flags.config_file.empty()) sources.config_file = flags.config_file;
    sources.env = ProcessEnvironment();
    if (!flags.data_dir.empty()) sources.flags.emplace_back("data_dir", flags.data_dir);
    Result<Config> config = LoadConfig(sources);
    if (!config.ok()) {
      std::cerr << "batchgate: " << config.status().message() << "\n";
      return 2;
    }
    o.dir = config->data_dir + "/tls";
  }
  Result<TlsInitResult> r = CreateTlsMaterial(o);
  if (!r.ok()) {
    std::cerr << "batchgate: tls init: " << r.status().message() << "\n";
    return 1;
  }
  std::string sans;
  for (const std::string& s : r->subject_alt_names) sans += (sans.empty() ? "" : ", ") + s;
  std::cout << "CA certificate (install it in each client's trust store): " << r->ca_cert
            << (r->ca_reused ? " (existing CA reused)" : "") << "\n"
            << "  SHA-256 fingerprint " << r->ca_sha256 << "\n"
            << "CA key (keep private; signs new server certificates): " << r->ca_key << "\n"
            << "server certificate: " << r->server_cert << "\n"
            << "  names: " << sans << "\n"
            << "server key: " << r->server_key << "\n"
            << "Serve HTTPS with [tls] enabled = true in the config, BATCHGATE_TLS_ENABLED=true "
               "or `batchgate serve --set tls.enabled=true`";
  if (!flags.dir.empty()) {
    std::cout << ", plus tls.cert_file = \"" << r->server_cert << "\" and tls.key_file = \""
              << r->server_key << "\"";
  }
  std::cout << " (docs/deployment.md).\n";
  return 0;
}

}  // namespace

void AddTlsCommand(CLI::App& cli, std::function<int()>* runner) {
  auto flags = std::make_shared<TlsFlags>();
  CLI::App* cmd = cli.add_subcommand("tls", "TLS material for serving HTTPS (docs/deployment.md)");
  cmd->require_subcommand(1);
  CLI::App* init = cmd->add_subcommand(
      "init", "Create a private CA (or reuse the one in DIR) and a server certificate for HOST");
  init->add_option("--host", flags->hosts,
                   "Name (or IP) clients connect to, e.g. adwords.google.com; repeatable. "
                   "localhost, 127.0.0.1 and ::1 are always added")
      ->required();
  init->add_option("--dir", flags->dir, "Output directory (default: <data_dir>/tls)");
  init->add_option("--config", flags->config_file, "TOML configuration file (for data_dir)");
  init->add_option("--data", flags->data_dir, "Data directory (as for serve)");
  init->add_option("--days", flags->days, "Validity of the server certificate in days")
      ->capture_default_str();
  init->add_flag("--force", flags->force, "Replace an existing server certificate and key");
  init->callback([flags, runner] { *runner = [flags] { return RunTlsInit(*flags); }; });
}

}  // namespace bg::app
