// `batchgate sandbox seed` and `batchgate sandbox dump` (docs/sandbox.md), run as the real binary:
// a fixtures/accounts/ file seeded into a temp data dir, dumped and checked, the dump re-seeded
// elsewhere to the same account, and a batch job on the seeded data dir that links a seeded
// label.
#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <string>
#include <vector>

#include "integration/adwords_client.hpp"
#include "support/run_process.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace bg::testing {
namespace {

const std::string kSeed = BG_FIXTURES_DIR "/accounts/golden.xml";

ProcessResult Batchgate(std::vector<std::string> args) {
  args.insert(args.begin(), BG_BINARY);
  return RunProcess(args);
}

std::vector<std::string> Texts(pugi::xml_node account, const char* element, const char* field) {
  std::vector<std::string> out;
  for (pugi::xml_node n : account.children(element)) out.push_back(n.child_value(field));
  return out;
}

TEST(SandboxCliTest, SeedDumpAndUseTheAccount) {
  TempDir dir("bg_cli_");
  const std::string data = dir.Join("data");

  // seed, with --data after the subcommand as docs/sandbox.md writes it.
  ProcessResult seed = Batchgate({"sandbox", "seed", "--data", data, kSeed});
  ASSERT_EQ(seed.exit_code, 0) << seed.err;
  EXPECT_EQ(seed.out, kSeed + ": 3 entities\n");

  // dump: a seed document of the account, in schema order.
  ProcessResult dump = Batchgate({"sandbox", "dump", "--data", data, "123-456-7890"});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_EQ(dump.out.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u) << dump.out;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(dump.out.c_str())) << dump.out;
  pugi::xml_node accounts = doc.child("accounts");
  EXPECT_STREQ(accounts.attribute("xmlns").value(),
               "https://adwords.google.com/api/adwords/cm/v201809");
  pugi::xml_node account = accounts.child("account");
  EXPECT_STREQ(account.attribute("customerId").value(), "1234567890");
  EXPECT_FALSE(account.next_sibling("account"));
  EXPECT_EQ(Texts(account, "Label", "id"), (std::vector<std::string>{"2870001", "2870002"}));
  EXPECT_EQ(Texts(account, "Label", "name"), (std::vector<std::string>{"Summer sale", "Brand"}));
  for (pugi::xml_node label : account.children("Label")) {
    EXPECT_STREQ(label.attribute("xsi:type").value(), "TextLabel");
    EXPECT_STREQ(label.child_value("status"), "ENABLED");
  }
  pugi::xml_node feed = account.child("Feed");
  EXPECT_STREQ(feed.child_value("id"), "51230001");
  EXPECT_STREQ(feed.child_value("name"), "Destinations");
  EXPECT_EQ(Texts(feed, "attributes", "name"), (std::vector<std::string>{"Name", "Final URL"}));
  EXPECT_EQ(Texts(feed, "attributes", "type"), (std::vector<std::string>{"STRING", "URL"}));

  // --version orders and namespaces the dump by another schema; --data may also come first.
  ProcessResult old =
      Batchgate({"sandbox", "--data", data, "dump", "--version", "v201702", "1234567890"});
  ASSERT_EQ(old.exit_code, 0) << old.err;
  EXPECT_NE(old.out.find("xmlns=\"https://adwords.google.com/api/adwords/cm/v201702\""),
            std::string::npos)
      << old.out;

  // The dump is a seed file: loaded into a fresh data dir it dumps identically.
  const std::string dump_file = dir.Join("dump.xml");
  ASSERT_TRUE(WriteFile(dump_file, dump.out));
  const std::string copy = dir.Join("copy");
  ProcessResult reseed = Batchgate({"sandbox", "--data", copy, "seed", dump_file});
  ASSERT_EQ(reseed.exit_code, 0) << reseed.err;
  EXPECT_EQ(reseed.out, dump_file + ": 3 entities\n");
  ProcessResult again = Batchgate({"sandbox", "dump", "--data", copy, "123-456-7890"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, dump.out);

  // Errors: an unknown account, a missing seed file, a missing argument.
  ProcessResult nobody = Batchgate({"sandbox", "dump", "--data", data, "999-999-9999"});
  EXPECT_EQ(nobody.exit_code, 1);
  EXPECT_NE(nobody.err.find("no sandbox account"), std::string::npos) << nobody.err;
  EXPECT_EQ(nobody.out, "");
  ProcessResult missing = Batchgate({"sandbox", "seed", "--data", data, dir.Join("nope.xml")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nope.xml"), std::string::npos) << missing.err;
  EXPECT_NE(Batchgate({"sandbox", "dump", "--data", data}).exit_code, 0);

  // A job on the seeded data dir: linking the seeded label succeeds, an unknown one does not.
  ServerProcessOptions o;
  o.data_dir = data;
  ServerProcess server(o);
  ASSERT_TRUE(server.Start());
  AdWordsClient client(server.base_url(), Credentials{});
  JobView job = client.Create();
  ASSERT_TRUE(job.fault.empty()) << job.fault;
  const std::string upload =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><mutate "
      "xmlns=\"https://adwords.google.com/api/adwords/cm/v201702\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
      "<operations xsi:type=\"BudgetOperation\"><operator>ADD</operator><operand><budgetId>-1"
      "</budgetId><name>cli budget</name><amount><microAmount>50000000</microAmount></amount>"
      "</operand></operations>"
      "<operations xsi:type=\"CampaignOperation\"><operator>ADD</operator><operand><id>-2</id>"
      "<name>cli campaign</name><budget><budgetId>-1</budgetId></budget>"
      "<advertisingChannelType>SEARCH</advertisingChannelType><biddingStrategyConfiguration>"
      "<biddingStrategyType>MANUAL_CPC</biddingStrategyType></biddingStrategyConfiguration>"
      "</operand></operations>"
      "<operations xsi:type=\"CampaignLabelOperation\"><operator>ADD</operator><operand>"
      "<campaignId>-2</campaignId><labelId>2870002</labelId></operand></operations>"
      "<operations xsi:type=\"CampaignLabelOperation\"><operator>ADD</operator><operand>"
      "<campaignId>-2</campaignId><labelId>2870099</labelId></operand></operations>"
      "</mutate>";
  ASSERT_EQ(Upload(job.upload_url, DialectRequests(Dialect::kPython, upload)), "");
  JobView done = client.WaitTerminal(job.id, std::chrono::seconds(60));
  ASSERT_EQ(done.status, "DONE") << done.fault;
  std::string error;
  std::vector<Rval> rvals = ParseResults(Fetch("GET", done.download_url).body, "v201702", &error);
  ASSERT_EQ(error, "");
  ASSERT_EQ(rvals.size(), 4u);
  EXPECT_EQ(rvals[2].result_element, "CampaignLabel") << rvals[2].error_type << rvals[2].reason;
  EXPECT_NE(rvals[2].result_xml.find("<labelId>2870002</labelId>"), std::string::npos)
      << rvals[2].result_xml;
  EXPECT_EQ(rvals[3].error_type, "EntityNotFound");
  EXPECT_EQ(rvals[3].reason, "INVALID_ID");
  EXPECT_EQ(rvals[3].field_path, "operations[3].operand.labelId");
  EXPECT_EQ(server.Terminate(), 0);

  // The job's entities are in the account now: dump shows the campaign next to the seeds.
  ProcessResult after = Batchgate({"sandbox", "dump", "--data", data, "1234567890"});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_NE(after.out.find("<name>cli campaign</name>"), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("<name>Summer sale</name>"), std::string::npos);
}

}  // namespace
}  // namespace bg::testing
