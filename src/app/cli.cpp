// The command line. Each subcommand is a pair of functions: Add<Name>Command registers its flags
// on the CLI11 app, and the callback it installs runs it. Adding a subcommand = adding a pair.
#include "app/cli.hpp"

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <optional>
#include <string>

#include "app/app.hpp"
#include "app/config.hpp"

namespace bg::app {
namespace {

using Runner = std::function<int()>;

struct ServeFlags {
  std::string config_file;
  std::string listen;
  std::string data_dir;
};

int RunServeCommand(const ServeFlags& flags) {
  ConfigSources sources;
  if (!flags.config_file.empty()) sources.config_file = flags.config_file;
  sources.env = ProcessEnvironment();
  if (!flags.listen.empty()) sources.flags.emplace_back("listen", flags.listen);
  if (!flags.data_dir.empty()) sources.flags.emplace_back("data_dir", flags.data_dir);
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
  cmd->callback([flags, runner] { *runner = [flags] { return RunServeCommand(*flags); }; });
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App cli("batchgate: the legacy AdWords API BatchJobService, served locally", "batchgate");
  cli.require_subcommand(1);
  Runner runner;
  AddServeCommand(cli, &runner);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  return runner ? runner() : 2;
}

}  // namespace bg::app
