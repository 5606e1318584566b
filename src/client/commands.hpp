// The client subcommands of `batchgate` (CLI11): replay, submit and validate. AddClientCommands
// registers their flags on the app; the callback of the chosen one stores what to run in
// *runner (the pattern of app/cli.cpp). Called once from app::RunCli.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace bg::client {

void AddClientCommands(CLI::App& cli, std::function<int()>* runner);

}  // namespace bg::client
