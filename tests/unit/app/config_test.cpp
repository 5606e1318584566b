#include "app/config.hpp"

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <set>

#include "support/temp_dir.hpp"

namespace bg::app {
namespace {

using bg::testing::TempDir;
using bg::testing::WriteFile;

TEST(ConfigTest, DefaultsWithoutAnySource) {
  Result<Config> c = LoadConfig({});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen_host, "127.0.0.1");
  EXPECT_EQ(c->listen_port, 8080);
  EXPECT_EQ(c->data_dir, "./data");
  EXPECT_EQ(c->public_base_url, "");
  EXPECT_EQ(c->executor_batch_size, 10000);
}

TEST(ConfigTest, LayersFileThenEnvThenFlags) {
  TempDir dir;
  const std::string file = dir.Join("c.toml");
  ASSERT_TRUE(WriteFile(file,
                        "listen = \"0.0.0.0:9000\"\n"
                        "data_dir = \"/from/file\"\n"
                        "[http]\nthreads = 3\nmax_connections = 7\n"
                        "[executor]\nbatch_size = 50\n"));
  ConfigSources s;
  s.config_file = file;
  s.env = {{"BATCHGATE_HTTP_THREADS", "5"},
           {"BATCHGATE_DATA_DIR", "/from/env"},
           {"BATCHGATE_UNRELATED", "x"},
           {"PATH", "/bin"}};
  s.flags = {{"data_dir", "/from/flag"}};
  Result<Config> c = LoadConfig(s);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen_host, "0.0.0.0");
  EXPECT_EQ(c->listen_port, 9000);
  EXPECT_EQ(c->http_threads, 5);          // env beats file
  EXPECT_EQ(c->http_max_connections, 7);  // file beats default
  EXPECT_EQ(c->data_dir, "/from/flag");   // flag beats env
  EXPECT_EQ(c->executor_batch_size, 50);
}

TEST(ConfigTest, ConfigFileFromEnvironment) {
  TempDir dir;
  const std::string file = dir.Join("c.toml");
  ASSERT_TRUE(WriteFile(file, "[log]\nlevel = \"debug\"\n"));
  ConfigSources s;
  s.env = {{"BATCHGATE_CONFIG", file}};
  Result<Config> c = LoadConfig(s);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->log_level, "debug");
}

TEST(ConfigTest, BadValuesNameTheKey) {
  struct Case {
    ConfigSources sources;
    std::string must_mention;
  };
  std::vector<Case> cases;
  cases.push_back({ConfigSources{{}, {{"BATCHGATE_HTTP_THREADS", "many"}}, {}}, "http.threads"});
  cases.push_back({ConfigSources{{}, {{"BATCHGATE_HTTP_THREADS", "0"}}, {}}, "http.threads"});
  cases.push_back({ConfigSources{{}, {}, {{"listen", "localhost"}}}, "listen"});
  cases.push_back({ConfigSources{{}, {}, {{"listen", "127.0.0.1:70000"}}}, "listen"});
  cases.push_back(
      {ConfigSources{{}, {{"BATCHGATE_PUBLIC_BASE_URL", "ftp://x"}}, {}}, "public_base_url"});
  cases.push_back({ConfigSources{{}, {{"BATCHGATE_LOG_LEVEL", "loud"}}, {}}, "log.level"});
  cases.push_back({ConfigSources{{}, {}, {{"data_dir", ""}}}, "data_dir"});
  for (const Case& c : cases) {
    Result<Config> r = LoadConfig(c.sources);
    ASSERT_FALSE(r.ok()) << c.must_mention;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("'" + c.must_mention + "'"), std::string::npos)
        << r.status().message();
  }
}

TEST(ConfigTest, FileErrorsNameKeyOrPosition) {
  TempDir dir;
  const std::string unknown = dir.Join("unknown.toml");
  ASSERT_TRUE(WriteFile(unknown, "[http]\nthread = 2\n"));
  Result<Config> r = LoadConfig(ConfigSources{unknown, {}, {}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'http.thread'"), std::string::npos);

  const std::string wrong_type = dir.Join("type.toml");
  ASSERT_TRUE(WriteFile(wrong_type, "[executor]\nbatch_size = 1.5\n"));
  r = LoadConfig(ConfigSources{wrong_type, {}, {}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'executor.batch_size'"), std::string::npos);

  const std::string broken = dir.Join("broken.toml");
  ASSERT_TRUE(WriteFile(broken, "listen = \n"));
  r = LoadConfig(ConfigSources{broken, {}, {}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(broken), std::string::npos);

  r = LoadConfig(ConfigSources{dir.Join("missing.toml"), {}, {}});
  EXPECT_FALSE(r.ok());
}

TEST(ConfigTest, PublicBaseUrlLosesTrailingSlash) {
  Result<Config> c =
      LoadConfig(ConfigSources{{}, {}, {{"public_base_url", "https://gw.example/"}}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->public_base_url, "https://gw.example");
}

TEST(ConfigTest, ParseHostPort) {
  EXPECT_EQ(ParseHostPort("127.0.0.1:0"), std::make_pair(std::string("127.0.0.1"), uint16_t{0}));
  EXPECT_EQ(ParseHostPort("[::1]:8080"), std::make_pair(std::string("::1"), uint16_t{8080}));
  EXPECT_FALSE(ParseHostPort("::1:8080").has_value());
  EXPECT_FALSE(ParseHostPort(":80").has_value());
  EXPECT_FALSE(ParseHostPort("host:").has_value());
  EXPECT_FALSE(ParseHostPort("host:-1").has_value());
}

// The shipped config/batchgate.toml documents exactly the accepted keys, with their defaults.
TEST(ConfigTest, ShippedConfigFileListsEveryKeyWithDefaults) {
  const std::string path = std::string(BG_SOURCE_DIR) + "/config/batchgate.toml";
  Result<Config> loaded = LoadConfig(ConfigSources{path, {}, {}});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  Result<Config> defaults = LoadConfig({});
  ASSERT_TRUE(defaults.ok());
  const Config& a = *loaded;
  const Config& b = *defaults;
  EXPECT_EQ(a.listen_host, b.listen_host);
  EXPECT_EQ(a.listen_port, b.listen_port);
  EXPECT_EQ(a.data_dir, b.data_dir);
  EXPECT_EQ(a.public_base_url, b.public_base_url);
  EXPECT_EQ(a.http_threads, b.http_threads);
  EXPECT_EQ(a.http_header_limit_bytes, b.http_header_limit_bytes);
  EXPECT_EQ(a.http_idle_timeout_seconds, b.http_idle_timeout_seconds);
  EXPECT_EQ(a.http_max_connections, b.http_max_connections);
  EXPECT_EQ(a.http_shutdown_grace_seconds, b.http_shutdown_grace_seconds);
  EXPECT_EQ(a.soap_max_request_bytes, b.soap_max_request_bytes);
  EXPECT_EQ(a.soap_disk_quota_kb, b.soap_disk_quota_kb);
  EXPECT_EQ(a.upload_ttl_seconds, b.upload_ttl_seconds);
  EXPECT_EQ(a.results_ttl_seconds, b.results_ttl_seconds);
  EXPECT_EQ(a.executor_batch_size, b.executor_batch_size);
  EXPECT_EQ(a.executor_workers, b.executor_workers);
  EXPECT_EQ(a.log_level, b.log_level);

  std::set<std::string> in_file;
  toml::table t = toml::parse_file(path);
  t.for_each([&](const toml::key& k, auto& node) {
    if constexpr (toml::is_table<decltype(node)>) {
      node.for_each([&](const toml::key& sub, auto&) {
        in_file.insert(std::string(k.str()) + "." + std::string(sub.str()));
      });
    } else {
      in_file.insert(std::string(k.str()));
    }
  });
  std::vector<std::string> keys = ConfigKeys();
  EXPECT_EQ(in_file, std::set<std::string>(keys.begin(), keys.end()));
}

}  // namespace
}  // namespace bg::app
