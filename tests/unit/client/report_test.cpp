#include "client/report.hpp"

#include <gtest/gtest.h>

#include <boost/json/src.hpp>  // header-only Boost.JSON, for parsing the JSON report
#include <filesystem>
#include <pugixml.hpp>

#include "client/resumable_upload.hpp"
#include "support/temp_dir.hpp"

namespace bg::client {
namespace {

JobReport Passed() {
  JobReport r;
  r.ordinal = 0;
  r.name = "archive/ok";
  r.job_id = 7;
  r.status = "DONE";
  r.compared = true;
  r.seconds = 0.25;
  return r;
}

JobReport Differs() {
  JobReport r = Passed();
  r.ordinal = 1;
  r.name = "archive/<differs> & co";
  r.differences = 3;
  r.listed = {{2, "result.Budget.name", "a", "b", ""},
              {4, "", "Campaign", "errors X.Y", "outcome differs"}};
  return r;
}

JobReport Failed() {
  JobReport r;
  r.ordinal = 2;
  r.name = "archive/broken";
  r.failure = "upload: HTTP 403";
  return r;
}

TEST(ReportTest, OutcomesAndTotals) {
  EXPECT_TRUE(Passed().passed());
  EXPECT_EQ(Passed().Outcome(), "ok");
  EXPECT_FALSE(Differs().passed());
  EXPECT_EQ(Differs().Outcome(), "DIFFERS: 3 differences");
  EXPECT_EQ(Failed().Outcome(), "FAILED: upload: HTTP 403");
  JobReport canceled = Passed();
  canceled.status = "CANCELED";
  EXPECT_FALSE(canceled.passed());
  JobReport bare = Passed();
  bare.compared = false;
  EXPECT_TRUE(bare.passed());
  RunTotals t;
  for (const JobReport& r : {Passed(), Differs(), Failed(), canceled}) t.Add(r);
  EXPECT_EQ(t.jobs, 4);
  EXPECT_EQ(t.passed, 1);
  EXPECT_EQ(t.differ, 1);
  EXPECT_EQ(t.failed, 2);
  EXPECT_EQ(t.differences, 3);
}

TEST(ReportTest, DifferenceText) {
  EXPECT_EQ(DifferenceText({2, "result.Budget.name", "a", "b", ""}),
            "operation 2 result.Budget.name: archived 'a', replayed 'b'");
  EXPECT_EQ(DifferenceText({4, "", "Campaign", "errors X.Y", "outcome differs"}),
            "operation 4: archived Campaign, replayed errors X.Y");
  EXPECT_EQ(DifferenceText({5, "result.Budget", "<x>1</x>", "", "missing in the replay"}),
            "operation 5 result.Budget: missing in the replay (<x>1</x>)");
}

TEST(ReportTest, JsonReportIsOneDocument) {
  std::string out;
  auto sink = MakeJsonReport([&](const std::string& s) { out += s; });
  sink->Job(Passed());
  sink->Job(Differs());
  RunTotals t;
  t.gateway = "http://127.0.0.1:1";
  t.jobs = 2;
  ASSERT_TRUE(sink->Finish(t).ok());
  boost::json::value v = boost::json::parse(out);
  const auto& jobs = v.at("jobs").as_array();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[1].at("name").as_string(), "archive/<differs> & co");
  EXPECT_EQ(jobs[1].at("differences").as_int64(), 3);
  EXPECT_EQ(jobs[1].at("listedDifferences").as_array()[0].at("path").as_string(),
            "result.Budget.name");
  EXPECT_EQ(v.at("summary").at("jobs").as_int64(), 2);

  std::string empty;
  auto none = MakeJsonReport([&](const std::string& s) { empty += s; });
  ASSERT_TRUE(none->Finish(t).ok());
  EXPECT_TRUE(boost::json::parse(empty).at("jobs").as_array().empty());
}

TEST(ReportTest, JUnitReportCountsFailuresAndErrors) {
  testing::TempDir dir("bg_junit_");
  const std::string path = dir.Join("replay.xml");
  auto sink = MakeJUnitReport(path);
  ASSERT_TRUE(sink.ok());
  (*sink)->Job(Passed());
  (*sink)->Job(Differs());
  (*sink)->Job(Failed());
  RunTotals t;
  t.gateway = "http://127.0.0.1:1";
  t.seconds = 1.5;
  ASSERT_TRUE((*sink)->Finish(t).ok());
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(path.c_str()));
  pugi::xml_node suite = doc.child("testsuites").child("testsuite");
  EXPECT_STREQ(suite.attribute("tests").value(), "3");
  EXPECT_STREQ(suite.attribute("failures").value(), "1");
  EXPECT_STREQ(suite.attribute("errors").value(), "1");
  std::vector<pugi::xml_node> cases;
  for (pugi::xml_node c : suite.children("testcase")) cases.push_back(c);
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_FALSE(cases[0].child("failure"));
  EXPECT_STREQ(cases[1].attribute("name").value(), "archive/<differs> & co");
  EXPECT_STREQ(cases[1].child("failure").attribute("type").value(), "diff");
  EXPECT_NE(std::string(cases[1].child("failure").text().get()).find("result.Budget.name"),
            std::string::npos);
  EXPECT_STREQ(cases[2].child("error").attribute("message").value(), "FAILED: upload: HTTP 403");
  EXPECT_FALSE(std::filesystem::exists(path + ".part"));
}

TEST(ResumableUploadTest, StoredBytesReadsTheRangeHeader) {
  HttpResponse r;
  EXPECT_EQ(StoredBytes(r), 0u);
  r.headers = {{"Range", "bytes=0-262143"}};
  EXPECT_EQ(StoredBytes(r), 262144u);
  r.headers = {{"range", "bytes=5-9"}};
  EXPECT_EQ(StoredBytes(r), 0u);
}

}  // namespace
}  // namespace bg::client
