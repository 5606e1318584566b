#include "client/archive.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/temp_dir.hpp"

namespace bg::client {
namespace {

namespace fs = std::filesystem;

class ArchiveTest : public ::testing::Test {
 protected:
  void File(const std::string& rel, const std::string& text = "<mutate/>") {
    fs::path p = fs::path(dir_.path()) / rel;
    fs::create_directories(p.parent_path());
    ASSERT_TRUE(testing::WriteFile(p.string(), text));
  }
  std::vector<ArchivedJob> Walk(std::vector<std::string> paths) {
    ArchiveWalker w(std::move(paths));
    std::vector<ArchivedJob> out;
    while (auto j = w.Next()) out.push_back(*j);
    return out;
  }
  std::string P(const std::string& rel) { return dir_.Join(rel); }
  testing::TempDir dir_{"bg_arch_"};
};

TEST_F(ArchiveTest, WalksFoldersAndBareUploadsInNameOrder) {
  File("b_job/upload.xml");
  File("b_job/results.xml");
  File("b_job/job.toml",
       "version = \"v201702\"\ncustomer = \"111-222-3333\"\nstatus = \"CANCELED\"\n"
       "ignore = [\"startDate\", \"Campaign.endDate\"]\ndescription = \"d\"\n");
  File("a_loose.xml");
  File("notes.txt", "not an upload");
  File("deeper/c_job/upload.xml");  // no results: upload only
  File("deeper/d.xml");
  auto jobs = Walk({dir_.path()});
  ASSERT_EQ(jobs.size(), 4u);
  EXPECT_EQ(jobs[0].upload, P("a_loose.xml"));
  EXPECT_EQ(jobs[0].results, "");
  EXPECT_EQ(jobs[1].name, P("b_job"));
  EXPECT_EQ(jobs[1].upload, P("b_job/upload.xml"));
  EXPECT_EQ(jobs[1].results, P("b_job/results.xml"));
  EXPECT_EQ(jobs[1].version, "v201702");
  EXPECT_EQ(jobs[1].customer, "111-222-3333");
  EXPECT_EQ(jobs[1].expected_status, "CANCELED");
  EXPECT_EQ(jobs[1].ignore, (std::vector<std::string>{"startDate", "Campaign.endDate"}));
  EXPECT_EQ(jobs[1].description, "d");
  EXPECT_EQ(jobs[2].upload, P("deeper/c_job/upload.xml"));
  EXPECT_EQ(jobs[2].results, "");
  EXPECT_EQ(jobs[3].upload, P("deeper/d.xml"));
  for (size_t i = 0; i < jobs.size(); ++i) {
    EXPECT_EQ(jobs[i].ordinal, static_cast<int64_t>(i));
    EXPECT_EQ(jobs[i].problem, "");
  }
}

TEST_F(ArchiveTest, FilesNamedOnTheCommandLineAreUploadsWhateverTheirName) {
  File("upload.data");
  auto jobs = Walk({P("upload.data"), P("missing.xml")});
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].upload, P("upload.data"));
  EXPECT_EQ(jobs[1].problem, "no such file or directory");
}

TEST_F(ArchiveTest, BadJobTomlIsAProblemOfThatJob) {
  File("j1/upload.xml");
  File("j1/job.toml", "colour = \"red\"\n");
  File("j2/upload.xml");
  File("j2/job.toml", "status = \"RUNNING\"\n");
  File("j3/upload.xml");
  File("j3/job.toml", "ignore = \"startDate\"\n");
  File("j4/upload.xml");
  File("j4/job.toml", "version = [\n");
  auto jobs = Walk({dir_.path()});
  ASSERT_EQ(jobs.size(), 4u);
  EXPECT_NE(jobs[0].problem.find("unknown key 'colour'"), std::string::npos) << jobs[0].problem;
  EXPECT_NE(jobs[1].problem.find("'status'"), std::string::npos) << jobs[1].problem;
  EXPECT_NE(jobs[2].problem.find("'ignore'"), std::string::npos) << jobs[2].problem;
  EXPECT_NE(jobs[3].problem.find("job.toml"), std::string::npos) << jobs[3].problem;
}

}  // namespace
}  // namespace bg::client
