// The command line. Each subcommand is a pair of functions: Add<Name>Command registers its flags
// on the CLI11 app, and the callback it installs runs it. Adding a subcommand = adding a pair.
#include "app/cli.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "app/cli_ops.hpp"
#include "app/config.hpp"
#include "backend/sandbox/seed.hpp"
#include "client/commands.hpp"
#include "common/sqlite.hpp"
#include "schema/wsdl_import.hpp"
#include "schema/wsdl_writer.hpp"

namespace bg::app {
namespace {

using Runner = std::function<int()>;

struct ServeFlags {
  std::string config_file;
  std::string listen;
  std::string data_dir;
  std::vector<std::string> sets;  // --set KEY=VALUE
};

int RunServeCommand(const ServeFlags& flags) {
  ConfigSources sources;
  if (!flags.config_file.empty()) sources.config_file = flags.config_file;
  sources.env = ProcessEnvironment();
  if (!flags.listen.empty()) sources.flags.emplace_back("listen", flags.listen);
  if (!flags.data_dir.empty()) sources.flags.emplace_back("data_dir", flags.data_dir);
  for (const std::string& kv : flags.sets) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "batchgate: --set expects KEY=VALUE, got '" << kv << "'\n";
      return 2;
    }
    sources.flags.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  Result<Config> config = LoadConfig(sources);
  if (!config.ok()) {
    std::cerr << "batchgate: " << config.status().message() << "\n";
    return 2;
  }
  return RunServe(*config);
}

void AddServeCommand(CLI::App& cli, Runner* runner) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = cli.add_subcommand("serve", "Run the gateway (SOAP, upload, download) over HTTP");
  cmd->add_option("--config", flags->config_file, "TOML configuration file (see config/)");
  cmd->add_option("--listen", flags->listen, "HOST:PORT to listen on (port 0: any free port)");
  cmd->add_option("--data", flags->data_dir, "Data directory (jobs database, uploads, results)");
  cmd->add_option("--set", flags->sets,
                  "KEY=VALUE for any config key (e.g. tls.enabled=true); repeatable, beats the "
                  "file and the environment");
  cmd->callback([flags, runner] { *runner = [flags] { return RunServeCommand(*flags); }; });
}

struct SchemaFlags {
  std::vector<std::string> wsdls;
  std::string out = "-";
  std::string version;
  std::string dir;
  std::string base_url = "http://127.0.0.1:8080";
};

// `schema import WSDL... -o OUT` (schema/<version>/ from Google's WSDLs) and
// `schema export --version V DIR` (the WSDLs the gateway serves).
void AddSchemaCommand(CLI::App& cli, Runner* runner) {
  auto flags = std::make_shared<SchemaFlags>();
  CLI::App* cmd = cli.add_subcommand("schema", "Import WSDLs into schema/ or export served WSDLs");
  cmd->require_subcommand(1);
  CLI::App* import_cmd = cmd->add_subcommand(
      "import", "Extract the schema facts of WSDL files or directories (see schema/README.md)");
  import_cmd->add_option("wsdls", flags->wsdls, "WSDL files or directories holding them")
      ->required();
  import_cmd->add_option("-o,--output", flags->out,
                         "batchjob.schema output file ('-': stdout), or a directory that receives "
                         "batchjob.schema and services.schema");
  import_cmd->callback([flags, runner] {
    *runner = [flags] { return schema::RunSchemaImport(flags->wsdls, flags->out); };
  });
  CLI::App* exp = cmd->add_subcommand("export", "Write the WSDLs the gateway serves to DIR");
  exp->add_option("--version", flags->version, "API version, e.g. v201702")->required();
  exp->add_option("dir", flags->dir, "Output directory")->required();
  exp->add_option("--base-url", flags->base_url, "Base URL of the soap:address locations")
      ->capture_default_str();
  exp->callback([flags, runner] {
    *runner = [flags] {
      return schema::RunSchemaExport(flags->version, flags->dir, flags->base_url);
    };
  });
}

struct SandboxFlags {
  std::string config_file;
  std::string data_dir;
  std::vector<std::string> files;
  std::string customer;
  std::string version = "v201809";
};

// The data directory of `serve` with the same flags/config/environment.
Result<std::string> SandboxDataDir(const SandboxFlags& flags) {
  ConfigSources sources;
  if (!flags.config_file.empty()) sources.config_file = flags.config_file;
  sources.env = ProcessEnvironment();
  if (!flags.data_dir.empty()) sources.flags.emplace_back("data_dir", flags.data_dir);
  BG_ASSIGN_OR_RETURN(Config config, LoadConfig(sources));
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  return config.data_dir + "/batchgate.db";
}

int RunSandboxCommand(const SandboxFlags& flags, bool seed) {
  Result<std::string> path = SandboxDataDir(flags);
  if (!path.ok()) {
    std::cerr << "batchgate: " << path.status().message() << "\n";
    return 2;
  }
  auto db = sqlite::Db::Open(*path);
  if (!db.ok()) {
    std::cerr << "batchgate: " << db.status().message() << "\n";
    return 1;
  }
  if (seed) {
    for (const std::string& file : flags.files) {
      Result<int> n = backend::sandbox::SeedFile(**db, file);
      if (!n.ok()) {
        std::cerr << "batchgate: " << n.status().message() << "\n";
        return 1;
      }
      std::cout << file << ": " << *n << " entities\n";
    }
    return 0;
  }
  Result<std::string> xml = backend::sandbox::DumpAccount(**db, flags.customer, flags.version);
  if (!xml.ok()) {
    std::cerr << "batchgate: " << xml.status().message() << "\n";
    return 1;
  }
  std::cout << *xml;
  return 0;
}

// `sandbox seed FILE...` loads seed files (fixtures/accounts/) into the data directory;
// `sandbox dump CUSTOMER` prints an account in the same format.
void AddSandboxCommand(CLI::App& cli, Runner* runner) {
  auto flags = std::make_shared<SandboxFlags>();
  CLI::App* cmd = cli.add_subcommand("sandbox", "Seed or dump the embedded sandbox's accounts");
  cmd->require_subcommand(1);
  cmd->add_option("--config", flags->config_file, "TOML configuration file (for data_dir)");
  cmd->add_option("--data", flags->data_dir, "Data directory (as for serve)");
  // --data/--config may come before or after seed/dump (docs/sandbox.md writes them after).
  cmd->fallthrough();
  CLI::App* seed =
      cmd->add_subcommand("seed", "Load seed files (docs/sandbox.md) into the data dir");
  seed->add_option("files", flags->files, "Seed files")->required();
  seed->callback(
      [flags, runner] { *runner = [flags] { return RunSandboxCommand(*flags, true); }; });
  CLI::App* dump = cmd->add_subcommand("dump", "Print an account as a seed document");
  dump->add_option("customer", flags->customer, "Customer id (dashes allowed)")->required();
  dump->add_option("--version", flags->version, "API version whose schema orders the fields")
      ->capture_default_str();
  dump->callback(
      [flags, runner] { *runner = [flags] { return RunSandboxCommand(*flags, false); }; });
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App cli("batchgate: the legacy AdWords API BatchJobService, served locally", "batchgate");
  cli.require_subcommand(1);
  Runner runner;
  AddServeCommand(cli, &runner);
  AddSchemaCommand(cli, &runner);
  AddSandboxCommand(cli, &runner);
  AddTlsCommand(cli, &runner);
  client::AddClientCommands(cli, &runner);  // replay, submit, validate (src/client/)
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  return runner ? runner() : 2;
}

}  // namespace bg::app
