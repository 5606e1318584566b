// Golden cases (fixtures/cases/<name>/, see its README.md): each case's upload.xml runs as one
// batch job through a real server on a fresh data dir (seeded with fixtures/accounts/golden.xml,
// sandbox.fixed_date 20170308), and the downloaded results must equal expected.xml byte for byte.
// BG_UPDATE_GOLDEN=1 rewrites expected.xml from the actual results instead of comparing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "integration/adwords_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace bg::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(BG_FIXTURES_DIR "/cases")) {
    if (e.is_directory() && fs::exists(e.path() / "upload.xml")) {
      names.push_back(e.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The API version of an upload: the cm namespace it declares (".../api/adwords/cm/<version>"),
// whatever versions schema/ holds.
std::string VersionOf(const std::string& upload) {
  constexpr std::string_view kCm = "/api/adwords/cm/";
  size_t at = upload.find(kCm);
  if (at == std::string::npos) return "";
  at += kCm.size();
  size_t end = upload.find_first_not_of("v0123456789", at);
  return upload.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, ResultsMatchExpected) {
  const fs::path dir = fs::path(BG_FIXTURES_DIR) / "cases" / GetParam();
  const std::string upload = ReadAll(dir / "upload.xml");
  ASSERT_FALSE(upload.empty());
  const std::string version = VersionOf(upload);
  ASSERT_FALSE(version.empty()) << "upload.xml declares no cm namespace";
  // A case's name ends in its version (fixtures/cases/README.md).
  EXPECT_TRUE(GetParam().ends_with("_" + version))
      << GetParam() << " holds a " << version << " upload";
  TempDir tmp("bg_golden_");
  ServerProcessOptions o;
  o.data_dir = tmp.Join("data");
  o.env = {{"BATCHGATE_SANDBOX_FIXED_DATE", "20170308"},
           {"BATCHGATE_SANDBOX_SEED_FILES", BG_FIXTURES_DIR "/accounts/golden.xml"}};
  ServerProcess server(o);
  ASSERT_TRUE(server.Start());

  AdWordsClient client(server.base_url(), Credentials{}, version);
  JobView job = client.Create();
  ASSERT_TRUE(job.fault.empty()) << job.fault;
  UploadRequest put;
  put.body = PadToUnit(upload);
  put.content_range =
      "bytes 0-" + std::to_string(put.body.size() - 1) + "/" + std::to_string(put.body.size());
  ASSERT_EQ(Upload(job.upload_url, {put}), "");
  JobView done = client.WaitTerminal(job.id, std::chrono::seconds(120));
  ASSERT_EQ(done.status, "DONE") << done.fault;
  HttpResponse got = Fetch("GET", done.download_url);
  ASSERT_EQ(got.status, 200);

  const fs::path expected_path = dir / "expected.xml";
  const char* update = std::getenv("BG_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(expected_path, std::ios::binary) << got.body;
    GTEST_SKIP() << "rewrote " << expected_path;
  }
  ASSERT_TRUE(fs::exists(expected_path))
      << expected_path << " missing: run with BG_UPDATE_GOLDEN=1";
  const std::string expected = ReadAll(expected_path);
  if (got.body != expected) {
    size_t at = 0;
    while (at < got.body.size() && at < expected.size() && got.body[at] == expected[at]) ++at;
    size_t from = at > 200 ? at - 200 : 0;
    FAIL() << "results differ from " << expected_path << " at byte " << at << "\n  expected: ..."
           << expected.substr(from, 400) << "\n  actual:   ..." << got.body.substr(from, 400)
           << "\n(BG_UPDATE_GOLDEN=1 rewrites the expected file)";
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenTest, ::testing::ValuesIn(CaseNames()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace bg::testing
