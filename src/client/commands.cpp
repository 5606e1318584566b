#include "client/commands.hpp"

#include <memory>

#include "client/validate.hpp"

namespace bg::client {
namespace {

void AddValidateCommand(CLI::App& cli, std::function<int()>* runner) {
  auto flags = std::make_shared<ValidateFlags>();
  CLI::App* cmd = cli.add_subcommand(
      "validate",
      "Check an upload offline against the schema of a version (the gateway's own parser and "
      "validator); print every problem with line and column; exit 1 when there are problems");
  cmd->add_option("file", flags->file, "Upload XML file")->required();
  cmd->add_option("--version", flags->version,
                  "API version (default: the cm namespace the upload declares, else v201809)");
  cmd->add_option("--format", flags->format, "Output: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([flags, runner] { *runner = [flags] { return RunValidate(*flags); }; });
}

}  // namespace

void AddClientCommands(CLI::App& cli, std::function<int()>* runner) {
  AddValidateCommand(cli, runner);
}

}  // namespace bg::client
