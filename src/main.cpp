// batchgate: argv -> subcommand. Nothing else lives here (see app/).
#include "app/cli.hpp"

int main(int argc, char** argv) { return bg::app::RunCli(argc, argv); }
