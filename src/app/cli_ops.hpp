// The operator subcommands of issue 6, registered from app/cli.cpp: `tls init`.
// Each Add*Command registers its flags and, when chosen, sets *runner to the function that runs it
// (the pattern of cli.cpp).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace bg::app {

// `batchgate tls init --host H [--host H2...] [--dir DIR] [--days N] [--force]` (app/tls_init.hpp).
void AddTlsCommand(CLI::App& cli, std::function<int()>* runner);

}  // namespace bg::app
