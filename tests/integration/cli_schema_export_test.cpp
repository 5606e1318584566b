// `batchgate schema export --version V DIR --base-url URL` writes exactly the WSDLs a running
// gateway serves at URL/api/adwords/cm/V/<Service>?wsdl.
#include <gtest/gtest.h>

#include <filesystem>

#include "integration/test_server.hpp"
#include "support/command.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace bg::testing {
namespace {

namespace fs = std::filesystem;

class CliSchemaExportTest : public ServerTest {};

TEST_F(CliSchemaExportTest, ExportedWsdlsAreWhatTheServerServes) {
  for (const std::string version : {"v201702", "v201809"}) {
    const std::string out = dir_.Join("wsdl_" + version);
    CommandResult r =
        RunBatchgate({"schema", "export", "--version", version, out, "--base-url", base()});
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    size_t files = 0;
    for (const fs::directory_entry& e : fs::directory_iterator(out)) {
      ASSERT_EQ(e.path().extension(), ".wsdl") << e.path();
      const std::string service = e.path().stem().string();
      HttpResponse served =
          Fetch("GET", base() + "/api/adwords/cm/" + version + "/" + service + "?wsdl");
      ASSERT_EQ(served.status, 200) << service;
      EXPECT_EQ(ReadFile(e.path().string()), served.body) << version << " " << service;
      ++files;
    }
    EXPECT_GT(files, 10u) << version;
    EXPECT_TRUE(fs::exists(out + "/BatchJobService.wsdl"));
    EXPECT_NE(
        ReadFile(out + "/BatchJobService.wsdl")
            .find("location=\"" + base() + "/api/adwords/cm/" + version + "/BatchJobService\""),
        std::string::npos);
  }
}

TEST(CliSchemaExportUsageTest, UnknownVersionAndHelp) {
  TempDir dir("bg_export_");
  CommandResult r = RunBatchgate({"schema", "export", "--version", "v201509", dir.Join("x")});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.err.find("unsupported version v201509"), std::string::npos);
  CommandResult help = RunBatchgate({"schema", "export", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--base-url"), std::string::npos);
}

}  // namespace
}  // namespace bg::testing
