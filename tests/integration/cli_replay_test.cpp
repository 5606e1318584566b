// `batchgate replay` as a user runs it: the real binary, the archive of fixtures/archive/, an
// embedded gateway it starts itself or a running `batchgate serve` on 127.0.0.1:0.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/src.hpp>  // header-only Boost.JSON (this TU only) for the JSON report
#include <filesystem>
#include <pugixml.hpp>
#include <regex>

#include "integration/adwords_client.hpp"
#include "integration/test_server.hpp"
#include "support/command.hpp"
#include "support/temp_dir.hpp"

namespace bg::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const std::string kArchive = std::string(BG_FIXTURES_DIR) + "/archive";

// The JUnit test cases by name.
std::map<std::string, pugi::xml_node> Cases(const pugi::xml_document& doc) {
  std::map<std::string, pugi::xml_node> out;
  for (pugi::xml_node c : doc.child("testsuites").child("testsuite").children("testcase")) {
    out[fs::path(c.attribute("name").value()).filename().string()] = c;
  }
  return out;
}

TEST(CliReplayTest, TheArchiveAgainstAnEmbeddedGateway) {
  TempDir dir("bg_replay_");
  const std::string junit = dir.Join("replay.xml");
  CommandResult r =
      RunBatchgate({"replay", kArchive, "--junit", junit, "--progress", "lines", "-j", "3"});
  // differs_sneakers differs on purpose: exit status 1.
  ASSERT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.out.find("replayed 6 jobs through http://127.0.0.1:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(embedded): 5 ok, 1 differ, 0 failed"), std::string::npos) << r.out;
  // Plain progress lines (stderr is no terminal): one per start and end of each job.
  EXPECT_NE(r.err.find("[1/6] " + kArchive + "/differs_sneakers: started"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("differs_sneakers: DIFFERS: 3 differences"), std::string::npos) << r.err;

  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(junit.c_str())) << junit;
  pugi::xml_node suite = doc.child("testsuites").child("testsuite");
  EXPECT_STREQ(suite.attribute("tests").value(), "6");
  EXPECT_STREQ(suite.attribute("failures").value(), "1");
  EXPECT_STREQ(suite.attribute("errors").value(), "0");
  auto cases = Cases(doc);
  ASSERT_EQ(cases.size(), 6u);
  for (const char* ok : {"python_search_campaign", "php_ad_groups", "java_axis_v201809",
                         "dotnet_file_format_error", "ruby_socks.xml"}) {
    ASSERT_TRUE(cases.count(ok)) << ok;
    EXPECT_FALSE(cases[ok].child("failure"))
        << ok << ": " << cases[ok].child("failure").text().get();
    EXPECT_FALSE(cases[ok].child("error")) << ok;
  }
  pugi::xml_node failure = cases["differs_sneakers"].child("failure");
  ASSERT_TRUE(failure);
  EXPECT_STREQ(failure.attribute("type").value(), "diff");
  EXPECT_STREQ(failure.attribute("message").value(), "DIFFERS: 3 differences");
  const std::string text = failure.text().get();
  EXPECT_NE(text.find("operation 0 result.Budget.amount.microAmount: archived '55000000', "
                      "replayed '50000000'"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("operation 3 result.AdGroup.campaignId: archived '931682952'"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("stood for archived 931682951 before, here for 931682952"), std::string::npos)
      << text;
  EXPECT_NE(text.find("operation 5: archived AdGroupCriterion BiddableAdGroupCriterion, "
                      "replayed errors CriterionError.KEYWORD_HAS_INVALID_CHARS"),
            std::string::npos)
      << text;
  // The archived ids differ from the sandbox's: they were mapped, not reported.
  const std::string ok_out = cases["python_search_campaign"].child("system-out").text().get();
  EXPECT_NE(ok_out.find("7 ids mapped"), std::string::npos) << ok_out;
}

class CliReplayServerTest : public ServerTest {};

TEST_F(CliReplayServerTest, AgainstARunningServeWithJsonReport) {
  CommandResult r = RunBatchgate({"replay", "--gateway", base(), "--format", "json",
                                  kArchive + "/python_search_campaign",
                                  kArchive + "/java_axis_v201809", kArchive + "/uploads"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  json::value v = json::parse(r.out);
  const json::array& jobs = v.at("jobs").as_array();
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(v.at("summary").at("gateway").as_string(), base());
  EXPECT_EQ(v.at("summary").at("passed").as_int64(), 3);
  const std::vector<std::pair<std::string, int64_t>> expect = {
      {"python_search_campaign", 7}, {"java_axis_v201809", 7}, {"ruby_socks.xml", 2}};
  for (size_t i = 0; i < jobs.size(); ++i) {
    const json::object& j = jobs[i].as_object();
    EXPECT_EQ(fs::path(std::string(j.at("name").as_string())).filename(), expect[i].first);
    EXPECT_TRUE(j.at("passed").as_bool()) << json::serialize(j);
    EXPECT_EQ(j.at("operations").at("results").as_int64(), expect[i].second);
    // Python's protocol: every request padded to a multiple of 262144 bytes.
    EXPECT_EQ(j.at("bytesUploaded").as_int64() % 262144, 0);
    // The job exists on that server, for that customer, DONE.
    Credentials creds;
    creds.customer_id = std::string(j.at("customer").as_string());
    AdWordsClient client(base(), creds, std::string(j.at("version").as_string()));
    JobView job = client.Get(j.at("jobId").as_int64());
    EXPECT_EQ(job.status, "DONE") << job.fault;
    EXPECT_EQ(job.executed, expect[i].second);
  }
  EXPECT_EQ(jobs[0].at("idsMapped").as_int64(), 7);
  EXPECT_EQ(jobs[1].at("version").as_string(), "v201809");  // from the upload's namespace
}

TEST_F(CliReplayServerTest, ADifferenceIsReportedAndFailsTheRun) {
  TempDir dir("bg_replay_diff_");
  fs::copy(kArchive + "/python_search_campaign", dir.Join("job"));
  // The archive says the second keyword had another match type.
  std::string results = ReadFile(dir.Join("job/results.xml"));
  size_t at = results.find("<matchType>PHRASE</matchType>");
  ASSERT_NE(at, std::string::npos);
  results.replace(at, 29, "<matchType>BROAD</matchType>");
  ASSERT_TRUE(WriteFile(dir.Join("job/results.xml"), results));
  const std::string junit = dir.Join("junit.xml");
  CommandResult r = RunBatchgate(
      {"replay", "--gateway", base(), dir.Join("job"), "--junit", junit, "--progress", "none"});
  ASSERT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.out.find("DIFFERS: 1 difference"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("operation 4 result.AdGroupCriterion.criterion.matchType: archived "
                       "'BROAD', replayed 'PHRASE'"),
            std::string::npos)
      << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;  // --progress none
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(junit.c_str()));
  EXPECT_STREQ(doc.child("testsuites").attribute("failures").value(), "1");
}

TEST_F(CliReplayServerTest, ManyJobsInFlightReportInArchiveOrder) {
  TempDir dir("bg_replay_many_");
  const int kJobs = 24;
  const std::string upload = ReadFile(kArchive + "/uploads/ruby_socks.xml");
  for (int i = 0; i < kJobs; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "job%02d.xml", i);
    ASSERT_TRUE(WriteFile(dir.Join(name), upload));
  }
  CommandResult r =
      RunBatchgate({"replay", "--gateway", base(), dir.path(), "-j", "6", "--progress", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  std::regex header(R"(== \[(\d+)/24\] \S+/job(\d\d)\.xml: ok)");
  int expected = 0;
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), header);
       it != std::sregex_iterator(); ++it, ++expected) {
    EXPECT_EQ(std::stoi((*it)[1]), expected + 1);
    EXPECT_EQ(std::stoi((*it)[2]), expected);
  }
  EXPECT_EQ(expected, kJobs) << r.out;
  EXPECT_NE(r.out.find("24 ok, 0 differ, 0 failed; 48 operations"), std::string::npos) << r.out;
}

TEST_F(CliReplayServerTest, ALargeUploadGoesInManyPaddedRequests) {
  TempDir dir("bg_replay_big_");
  std::string doc =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mutate xmlns=\"https://adwords.google.com/"
      "api/adwords/cm/v201702\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";
  const int kOps = 3000;  // ~700 KB
  for (int i = 1; i <= kOps; ++i) {
    doc += "<operations xsi:type=\"BudgetOperation\"><operator>ADD</operator><operand><budgetId>-" +
           std::to_string(i) + "</budgetId><name>Budget number " + std::to_string(i) +
           " of the large upload test</name><amount><microAmount>1000000</microAmount>"
           "</amount></operand></operations>";
  }
  doc += "</mutate>";
  ASSERT_TRUE(WriteFile(dir.Join("big.xml"), doc));
  CommandResult r = RunBatchgate({"replay", "--gateway", base(), "--format", "json",
                                  dir.Join("big.xml"), "--progress", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  json::value v = json::parse(r.out);
  const json::object& job = v.at("jobs").as_array()[0].as_object();
  EXPECT_EQ(job.at("operations").at("results").as_int64(), kOps);
  EXPECT_EQ(job.at("operations").at("succeeded").as_int64(), kOps);
  const int64_t bytes = job.at("bytesUploaded").as_int64();
  EXPECT_EQ(bytes % 262144, 0);
  EXPECT_GT(bytes, static_cast<int64_t>(doc.size()));
  // The start POST plus one PUT per 256 KiB piece at least.
  EXPECT_GE(job.at("requests").as_int64(), 1 + static_cast<int64_t>(doc.size() / 262144) + 1);
}

// A document of `ops` budget operations (about 230 bytes each).
std::string Budgets(int ops, const std::string& tag) {
  std::string doc =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mutate xmlns=\"https://adwords.google.com/"
      "api/adwords/cm/v201702\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";
  for (int i = 1; i <= ops; ++i) {
    doc += "<operations xsi:type=\"BudgetOperation\"><operator>ADD</operator><operand><budgetId>-" +
           std::to_string(i) + "</budgetId><name>Budget " + tag + " " + std::to_string(i) +
           " of a multi-chunk upload</name><amount><microAmount>1000000</microAmount>"
           "</amount></operand></operations>";
  }
  return doc + "</mutate>";
}

// A server (not started yet) on a data dir in `dir`, with one setting from the environment.
ServerProcessOptions ServerWith(const TempDir& dir, const std::string& key,
                                const std::string& value) {
  ServerProcessOptions o;
  o.data_dir = dir.Join("data");
  o.env = {{key, value}};
  return o;
}

TEST(CliReplayLimitsTest, ChunksRefusedWith503AreResumed) {
  // One chunk in flight per customer: parallel uploads into one account get 503 + Retry-After,
  // which the client answers with a status query and a resumed upload.
  TempDir dir("bg_replay_503_");
  ServerProcess server(ServerWith(dir, "BATCHGATE_UPLOAD_MAX_CONCURRENT_PER_CUSTOMER", "1"));
  ASSERT_TRUE(server.Start());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(WriteFile(dir.Join("j" + std::to_string(i) + ".xml"),
                          Budgets(2500, "j" + std::to_string(i))));
  }
  CommandResult r = RunBatchgate({"replay", "--gateway", server.base_url(), "--customer",
                                  "555-000-1111", "-j", "3", "--progress", "none",
                                  dir.Join("j0.xml"), dir.Join("j1.xml"), dir.Join("j2.xml")});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("3 ok, 0 differ, 0 failed; 7500 operations (7500 succeeded"),
            std::string::npos)
      << r.out;
}

TEST(CliReplayLimitsTest, AQuotaRefusalFailsTheJobWithTheStorageError) {
  TempDir dir("bg_replay_quota_");
  ServerProcess server(ServerWith(dir, "BATCHGATE_UPLOAD_QUOTA_BYTES", "300000"));
  ASSERT_TRUE(server.Start());
  ASSERT_TRUE(WriteFile(dir.Join("big.xml"), Budgets(3000, "q")));
  CommandResult r = RunBatchgate(
      {"replay", "--gateway", server.base_url(), "--progress", "none", dir.Join("big.xml")});
  ASSERT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.out.find("FAILED: upload: upload of bytes 262144-: HTTP 403"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("QuotaExceeded"), std::string::npos) << r.out;
}

TEST(CliReplayLimitsTest, AnInterruptedReplayLeavesNothingBehind) {
  // Slow operations (20 ms each) keep the job running until the interrupt.
  TempDir tmp("bg_replay_int_");
  ASSERT_TRUE(WriteFile(tmp.Join("slow.xml"), Budgets(3000, "s")));
  const std::string scratch = tmp.Join("tmp");
  fs::create_directories(scratch);
  Command replay({BG_BINARY, "replay", tmp.Join("slow.xml"), "--progress", "lines"},
                 {{"TMPDIR", scratch}, {"BATCHGATE_FAULTS_LATENCY_US", "20000"}});
  // The embedded gateway's data directory and the download scratch directory appear...
  auto entries = [&] {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(scratch)) n += e.is_directory() ? 1 : 0;
    return n;
  };
  ASSERT_TRUE(PollUntil(std::chrono::seconds(20), [&] { return entries() == 2; }));
  ASSERT_TRUE(PollUntil(std::chrono::seconds(20), [&] {
    for (const auto& e : fs::directory_iterator(scratch)) {
      if (fs::exists(e.path() / "batchgate.db")) return true;
    }
    return false;
  }));
  replay.Signal(SIGINT);
  CommandResult r = replay.Wait(std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 128 + SIGINT) << r.Describe();
  EXPECT_NE(r.err.find("interrupted; cleaning up"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");  // no half report
  // ...and are gone, with the gateway.
  EXPECT_EQ(entries(), 0u);
}

// A loopback port nothing listens on: one the kernel handed out and that was closed again.
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(CliReplayErrorsTest, AnUnreachableGatewayFailsEveryJob) {
  TempDir dir("bg_replay_down_");
  const std::string junit = dir.Join("j.xml");
  const std::string url = "http://127.0.0.1:" + std::to_string(ClosedPort());
  CommandResult r = RunBatchgate(
      {"replay", "--gateway", url, kArchive + "/uploads", "--junit", junit, "--progress", "none"});
  ASSERT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.out.find("FAILED: mutate ADD: cannot connect"), std::string::npos) << r.out;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(junit.c_str()));
  EXPECT_STREQ(doc.child("testsuites").attribute("errors").value(), "1");
}

TEST(CliReplayErrorsTest, UsageErrors) {
  TempDir dir("bg_replay_empty_");
  CommandResult none = RunBatchgate({"replay", dir.path()});
  EXPECT_EQ(none.exit_code, 2) << none.Describe();
  EXPECT_NE(none.err.find("no uploads found"), std::string::npos);
  CommandResult bad = RunBatchgate({"replay", "--gateway", "ftp://x", kArchive + "/uploads"});
  EXPECT_EQ(bad.exit_code, 2) << bad.Describe();
  CommandResult help = RunBatchgate({"replay", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag : {"--gateway", "--jobs", "--junit", "--format", "--ignore"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace bg::testing
