#include "client/commands.hpp"

#include <memory>

#include "client/replay.hpp"
#include "client/validate.hpp"

namespace bg::client {
namespace {

// The flags of replay and submit that say which gateway to use and how to talk to it.
void AddGatewayFlags(CLI::App* cmd, GatewayFlags* gw) {
  cmd->add_option("--gateway", gw->gateway,
                  "Base URL of a running gateway (e.g. http://127.0.0.1:8080); without it an "
                  "embedded one is started: `batchgate serve --listen 127.0.0.1:0` on a "
                  "temporary data directory");
  cmd->add_option("--data", gw->data_dir,
                  "Embedded gateway: data directory to use (and keep) instead of a temporary one");
  cmd->add_option("--config", gw->config_file, "Embedded gateway: TOML configuration file");
  cmd->add_option("--seed", gw->seed_files,
                  "Embedded gateway: sandbox seed file (fixtures/accounts/ format); repeatable");
  cmd->add_option("--sandbox-date", gw->sandbox_date,
                  "Embedded gateway: the sandbox's today as yyyyMMdd (reproducible dates)");
  cmd->add_option("--version", gw->version,
                  "API version (default: the job's job.toml, else the cm namespace the upload "
                  "declares, else v201809)");
  cmd->add_option("--customer", gw->customer,
                  "clientCustomerId to act for (default: replay: job.toml's; else a new account "
                  "per job and run)");
  cmd->add_option("--developer-token", gw->developer_token, "developerToken header")
      ->envname("BATCHGATE_CLIENT_DEVELOPER_TOKEN")
      ->capture_default_str();
  cmd->add_option("--token", gw->bearer, "OAuth2 bearer token (Authorization header)")
      ->envname("BATCHGATE_CLIENT_TOKEN")
      ->capture_default_str();
  cmd->add_option("--ca-file", gw->ca_file, "PEM file of CAs trusted for an https:// gateway");
  cmd->add_option("--chunk-size", gw->chunk_bytes,
                  "Upload request size: operations per request fill up to this many bytes, "
                  "padded to a multiple of 262144")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 32));
  cmd->add_option("--timeout", gw->timeout_seconds,
                  "Seconds to wait for an uploaded job to end (DONE or CANCELED) before it "
                  "counts as failed")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

void AddReplayCommand(CLI::App& cli, std::function<int()>* runner) {
  auto flags = std::make_shared<ReplayFlags>();
  CLI::App* cmd = cli.add_subcommand(
      "replay",
      "Replay archived jobs (upload XML files, or folders with upload.xml, results.xml and "
      "job.toml; see docs/replay.md) through a gateway and compare the results with the archive");
  cmd->add_option("paths", flags->paths, "Upload files, job folders or directories of them")
      ->required();
  AddGatewayFlags(cmd, &flags->gw);
  cmd->add_option("-j,--jobs", flags->jobs, "Jobs in flight at once")->capture_default_str();
  cmd->add_option("--ignore", flags->ignore,
                  "Result field not compared, e.g. startDate or Campaign.*Date; repeatable");
  cmd->add_option("--max-diffs", flags->max_diffs, "Differences listed per job")
      ->capture_default_str();
  cmd->add_option("--format", flags->format, "Report on stdout: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--junit", flags->junit, "Also write a JUnit XML report to this file");
  cmd->add_option("--save-results", flags->save_results,
                  "Keep each job's downloaded results in this directory");
  cmd->add_option("--progress", flags->progress,
                  "auto (bars on a terminal, else lines), bars, lines or none (on stderr)")
      ->check(CLI::IsMember({"auto", "bars", "lines", "none"}))
      ->capture_default_str();
  cmd->callback([flags, runner] { *runner = [flags] { return RunReplay(*flags); }; });
}

void AddSubmitCommand(CLI::App& cli, std::function<int()>* runner) {
  auto flags = std::make_shared<SubmitFlags>();
  CLI::App* cmd = cli.add_subcommand(
      "submit",
      "Run one upload as a batch job through a gateway and print the results summary; exit 1 "
      "when the job or any operation failed");
  cmd->add_option("file", flags->file, "Upload XML file")->required();
  AddGatewayFlags(cmd, &flags->gw);
  cmd->add_option("-o,--output", flags->output, "Keep the results document in this file");
  cmd->callback([flags, runner] { *runner = [flags] { return RunSubmit(*flags); }; });
}

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
  AddReplayCommand(cli, runner);
  AddSubmitCommand(cli, runner);
  AddValidateCommand(cli, runner);
}

}  // namespace bg::client
