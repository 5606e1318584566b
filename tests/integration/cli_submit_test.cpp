// `batchgate submit FILE`: one job through a running `batchgate serve`, or an embedded gateway.
#include <gtest/gtest.h>

#include "integration/test_server.hpp"
#include "support/command.hpp"
#include "support/temp_dir.hpp"

namespace bg::testing {
namespace {

const std::string kFixtures = BG_FIXTURES_DIR;

class CliSubmitTest : public ServerTest {};

TEST_F(CliSubmitTest, PrintsCountsGroupedErrorsAndFirstFailures) {
  const std::string results = dir_.Join("results.xml");
  CommandResult r =
      RunBatchgate({"submit", kFixtures + "/cases/budget_campaign_ad_group_v201702/upload.xml",
                    "--gateway", base(), "--customer", "222-333-4444", "-o", results});
  // Five operations of that case fail by design: exit status 1.
  ASSERT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.out.find("DONE for customer 222-333-4444 (v201702): 11 results, 6 succeeded, 5 "
                       "failed"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1  BudgetError.DUPLICATE_NAME"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1  OperatorError.OPERATOR_NOT_SUPPORTED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("operation 7: EntityNotFound.INVALID_ID @ operations[7].operand.campaignId"),
            std::string::npos)
      << r.out;
  // The results document is kept, exactly as the gateway served it.
  const std::string doc = ReadFile(results);
  EXPECT_EQ(doc.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?><mutateResponse", 0), 0u)
      << doc.substr(0, 200);
  EXPECT_NE(doc.find("<index>10</index></rval></mutateResponse>"), std::string::npos);
}

TEST_F(CliSubmitTest, ACleanUploadExitsZero) {
  CommandResult r =
      RunBatchgate({"submit", kFixtures + "/archive/uploads/ruby_socks.xml", "--gateway", base()});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find(": ok\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 results, 2 succeeded, 0 failed"), std::string::npos) << r.out;
}

TEST_F(CliSubmitTest, ABrokenUploadEndsCanceledWithFileFormatError) {
  CommandResult r = RunBatchgate(
      {"submit", kFixtures + "/archive/dotnet_file_format_error/upload.xml", "--gateway", base()});
  ASSERT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.out.find("CANCELED (expected DONE) BatchJobProcessingError.FILE_FORMAT_ERROR"),
            std::string::npos)
      << r.out;
}

TEST(CliSubmitEmbeddedTest, StartsItsOwnGateway) {
  CommandResult r =
      RunBatchgate({"submit", kFixtures + "/archive/java_axis_v201809/upload.xml", "--progress"});
  EXPECT_NE(r.exit_code, 0);  // --progress is no submit flag
  r = RunBatchgate({"submit", kFixtures + "/archive/java_axis_v201809/upload.xml"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("(v201809): 7 results, 7 succeeded, 0 failed"), std::string::npos) << r.out;
  CommandResult help = RunBatchgate({"submit", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--output"), std::string::npos);
  CommandResult missing = RunBatchgate({"submit", "/nonexistent/upload.xml"});
  EXPECT_EQ(missing.exit_code, 2) << missing.Describe();
}

}  // namespace
}  // namespace bg::testing
