// `batchgate serve` as a process: the URL line, /healthz, graceful SIGTERM, restart on the same
// data dir, start-up failures. Needs the batchgate binary (BG_BINARY).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace bg::app {
namespace {

using bg::testing::Fetch;
using bg::testing::ServerProcess;
using bg::testing::ServerProcessOptions;
using bg::testing::TempDir;

// Runs the binary with `args` to completion; returns its exit status (stdout/stderr discarded).
int RunBinary(std::vector<std::string> args) {
  args.insert(args.begin(), BG_BINARY);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(BG_BINARY)) << "build the batchgate target first";
  }
  TempDir dir_;
};

TEST_F(ServeTest, PrintsUrlServesHealthzAndStopsOnSigterm) {
  ServerProcessOptions o;
  o.data_dir = dir_.Join("data");
  ServerProcess server(o);
  ASSERT_TRUE(server.Start());
  EXPECT_EQ(server.base_url().rfind("http://127.0.0.1:", 0), 0u) << server.base_url();
  auto r = Fetch("GET", server.base_url() + "/healthz");
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "ok\n");
  EXPECT_EQ(Fetch("GET", server.base_url() + "/nope").status, 404);
  EXPECT_EQ(server.Terminate(), 0);
  EXPECT_TRUE(std::filesystem::exists(o.data_dir));
}

TEST_F(ServeTest, RestartsOnTheSameDataDir) {
  ServerProcessOptions o;
  o.data_dir = dir_.Join("data");
  ServerProcess server(o);
  ASSERT_TRUE(server.Start());
  server.Kill();
  ASSERT_TRUE(server.Restart());
  EXPECT_EQ(Fetch("GET", server.base_url() + "/healthz").status, 200);
}

TEST_F(ServeTest, BadConfigFailsAtStart) {
  ServerProcessOptions o;
  o.data_dir = dir_.Join("data");
  o.env = {{"BATCHGATE_HTTP_THREADS", "zero"}};
  o.start_timeout = std::chrono::seconds(10);
  ServerProcess server(o);
  EXPECT_FALSE(server.Start());
  EXPECT_EQ(RunBinary({"serve", "--listen", "nonsense", "--data", dir_.Join("d2")}), 2);
}

TEST_F(ServeTest, HelpWorks) {
  EXPECT_EQ(RunBinary({"--help"}), 0);
  EXPECT_EQ(RunBinary({"serve", "--help"}), 0);
  EXPECT_EQ(RunBinary({"tls", "init", "--help"}), 0);
  EXPECT_NE(RunBinary({"serve", "--set", "nonsense"}), 0);
  EXPECT_NE(RunBinary({"no-such-command"}), 0);
}

}  // namespace
}  // namespace bg::app
