// The command line: `batchgate serve|...` subcommands (CLI11), each with --help.
#pragma once

namespace bg::app {

// Parses argv and runs the chosen subcommand; returns the process exit status.
int RunCli(int argc, char** argv);

}  // namespace bg::app
