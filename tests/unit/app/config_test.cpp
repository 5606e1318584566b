#include "app/config.hpp"

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

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
                        "listen = \"127.0.0.2:9000\"\n"
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
  EXPECT_EQ(c->listen_host, "127.0.0.2");
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
  EXPECT_EQ(a.log_format, b.log_format);
  EXPECT_EQ(a.tls_enabled, b.tls_enabled);
  EXPECT_EQ(a.tls_cert_file, b.tls_cert_file);
  EXPECT_EQ(a.tls_key_file, b.tls_key_file);
  EXPECT_EQ(a.tls_min_version, b.tls_min_version);
  EXPECT_EQ(a.auth_mode, b.auth_mode);
  EXPECT_EQ(a.auth_developer_tokens, b.auth_developer_tokens);
  EXPECT_EQ(a.auth_bearer_tokens, b.auth_bearer_tokens);
  EXPECT_EQ(a.metrics_enabled, b.metrics_enabled);
  EXPECT_EQ(a.sandbox_seed_files, b.sandbox_seed_files);

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

// Loads `toml` as a config file; the error message ("" when it loaded).
std::string FileError(const std::string& toml) {
  TempDir dir;
  const std::string file = dir.Join("c.toml");
  EXPECT_TRUE(WriteFile(file, toml));
  Result<Config> r = LoadConfig(ConfigSources{file, {}, {}});
  return r.ok() ? "" : r.status().message();
}

TEST(ConfigTest, TomlTypeMustMatchTheKey) {
  struct Case {
    std::string toml, key, expected;
  };
  const Case cases[] = {
      {"data_dir = 5\n", "data_dir", "expected a string, got integer"},
      {"listen = 8080\n", "listen", "expected a string"},
      {"[upload]\nstrict = 1\n", "upload.strict", "expected a boolean"},
      {"[http]\nthreads = \"4\"\n", "http.threads", "expected an integer, got string"},
      {"[faults]\nerror_rate = \"0.5\"\n", "faults.error_rate", "expected a number"},
      {"[auth]\ndeveloper_tokens = [1, 2]\n", "auth.developer_tokens", "array of strings"},
      {"[tls]\nenabled = [true]\n", "tls.enabled", "expected a boolean"},
      {"http = 5\n", "http", "unknown config key"},
      {"[log]\nformat = \"xml\"\n", "log.format", "one of text, json"},
      {"[tls]\nmin_version = \"1.1\"\n", "tls.min_version", "one of 1.2, 1.3"},
  };
  for (const Case& c : cases) {
    const std::string error = FileError(c.toml);
    EXPECT_NE(error.find("'" + c.key + "'"), std::string::npos) << c.toml << " -> " << error;
    EXPECT_NE(error.find(c.expected), std::string::npos) << c.toml << " -> " << error;
  }
  // Numbers: an integer is a fine rate; lists take an array or one string.
  EXPECT_EQ(FileError("[faults]\nerror_rate = 1\n"), "");
  EXPECT_EQ(FileError("[sandbox]\nseed_files = [\"a.xml\", \"b.xml\"]\n"), "");
  EXPECT_EQ(FileError("[sandbox]\nseed_files = \"a.xml, b.xml\"\n"), "");
}

TEST(ConfigTest, ListsFromArraysAndFromText) {
  TempDir dir;
  const std::string file = dir.Join("c.toml");
  ASSERT_TRUE(WriteFile(file,
                        "listen = \"0.0.0.0:9000\"\n"
                        "[auth]\nmode = \"tokens\"\n"
                        "developer_tokens = [\"dev-a\", \"dev-b\"]\n"
                        "bearer_tokens = [\"tok-a 123-456-7890 111\", \"tok-b *\"]\n"
                        "[sandbox]\nseed_files = [\"x.xml\"]\n"));
  Result<Config> c = LoadConfig(ConfigSources{file, {}, {}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->auth_developer_tokens, (std::vector<std::string>{"dev-a", "dev-b"}));
  EXPECT_EQ(c->auth_bearer_tokens, (std::vector<std::string>{"tok-a 123-456-7890 111", "tok-b *"}));
  EXPECT_EQ(c->sandbox_seed_files, std::vector<std::string>{"x.xml"});

  ConfigSources env;
  env.env = {{"BATCHGATE_LISTEN", "[::]:1"},
             {"BATCHGATE_AUTH_MODE", "tokens"},
             {"BATCHGATE_AUTH_DEVELOPER_TOKENS", "d1, d2"},
             {"BATCHGATE_AUTH_BEARER_TOKENS", "t1 1-2-3 4; t2 *"}};
  c = LoadConfig(env);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->auth_developer_tokens, (std::vector<std::string>{"d1", "d2"}));
  EXPECT_EQ(c->auth_bearer_tokens, (std::vector<std::string>{"t1 1-2-3 4", "t2 *"}));
}

TEST(ConfigTest, MisspeltEnvironmentVariablesFail) {
  for (const std::string name :
       {"BATCHGATE_HTTP_THREAD", "BATCHGATE_DATADIR", "BATCHGATE_TLS_ENABLE", "BATCHGATE_AUTH_X"}) {
    Result<Config> r = LoadConfig(ConfigSources{{}, {{name, "1"}}, {}});
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_NE(r.status().message().find(name), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("did you mean"), std::string::npos);
  }
  Result<Config> r = LoadConfig(ConfigSources{{}, {{"BATCHGATE_HTTP_THREAD", "1"}}, {}});
  EXPECT_NE(r.status().message().find("BATCHGATE_HTTP_THREADS"), std::string::npos);
  // Unlike any key: not ours, left alone.
  EXPECT_TRUE(LoadConfig(ConfigSources{{}, {{"BATCHGATE_REPLAY_JOBS", "4"}}, {}}).ok());
}

TEST(ConfigTest, OpenModeOnlyOnLoopback) {
  for (const std::string listen : {"127.0.0.1:0", "127.9.9.9:1", "[::1]:2", "localhost:3"}) {
    EXPECT_TRUE(LoadConfig(ConfigSources{{}, {}, {{"listen", listen}}}).ok()) << listen;
  }
  for (const std::string listen : {"0.0.0.0:8080", "[::]:8080", "10.1.2.3:80", "gw.example:80"}) {
    Result<Config> r = LoadConfig(ConfigSources{{}, {}, {{"listen", listen}}});
    ASSERT_FALSE(r.ok()) << listen;
    EXPECT_NE(r.status().message().find("'auth.mode'"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("'listen'"), std::string::npos);
  }
  Result<Config> tokens = LoadConfig(ConfigSources{{},
                                                   {{"BATCHGATE_AUTH_MODE", "tokens"},
                                                    {"BATCHGATE_AUTH_DEVELOPER_TOKENS", "d"},
                                                    {"BATCHGATE_AUTH_BEARER_TOKENS", "t 1"}},
                                                   {{"listen", "0.0.0.0:8080"}}});
  EXPECT_TRUE(tokens.ok()) << tokens.status().ToString();
}

TEST(ConfigTest, TokensModeNeedsValidTokensAndNeverEchoesThem) {
  auto load = [](KeyValues env) {
    env.emplace_back("BATCHGATE_AUTH_MODE", "tokens");
    return LoadConfig(ConfigSources{{}, env, {}});
  };
  Result<Config> r = load({{"BATCHGATE_AUTH_BEARER_TOKENS", "t 1"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'auth.developer_tokens'"), std::string::npos);
  r = load({{"BATCHGATE_AUTH_DEVELOPER_TOKENS", "d"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'auth.bearer_tokens'"), std::string::npos);
  r = load({{"BATCHGATE_AUTH_DEVELOPER_TOKENS", "d"},
            {"BATCHGATE_AUTH_BEARER_TOKENS", "good 1; very-secret-token"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'auth.bearer_tokens'"), std::string::npos);
  EXPECT_NE(r.status().message().find("#2"), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().message().find("very-secret-token"), std::string::npos);
  r = load(
      {{"BATCHGATE_AUTH_DEVELOPER_TOKENS", "sha256:abc"}, {"BATCHGATE_AUTH_BEARER_TOKENS", "t 1"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'auth.developer_tokens'"), std::string::npos);
  EXPECT_EQ(r.status().message().find("sha256:abc"), std::string::npos);
}

TEST(ConfigTest, TlsFilesDefaultToTheDataDir) {
  Result<Config> c = LoadConfig(ConfigSources{{}, {}, {{"data_dir", "/srv/bg"}}});
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->tls_enabled);
  EXPECT_EQ(c->tls_cert_file, "/srv/bg/tls/server.crt");
  EXPECT_EQ(c->tls_key_file, "/srv/bg/tls/server.key");
  c = LoadConfig(ConfigSources{
      {}, {}, {{"tls.enabled", "true"}, {"tls.cert_file", "/c.pem"}, {"tls.key_file", "/k.pem"}}});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->tls_enabled);
  EXPECT_EQ(c->tls_cert_file, "/c.pem");
  EXPECT_EQ(c->tls_key_file, "/k.pem");
}

// The image's config (Dockerfile) is valid once tokens are given, and refuses to start without.
TEST(ConfigTest, DockerConfigNeedsTokens) {
  const std::string path = std::string(BG_SOURCE_DIR) + "/config/docker.toml";
  Result<Config> r = LoadConfig(ConfigSources{path, {}, {}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'auth.developer_tokens'"), std::string::npos);
  r = LoadConfig(ConfigSources{path,
                               {{"BATCHGATE_AUTH_DEVELOPER_TOKENS", "d"},
                                {"BATCHGATE_AUTH_BEARER_TOKENS", "t 1"}},
                               {}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->listen_host, "0.0.0.0");
  EXPECT_EQ(r->listen_port, 8080);
  EXPECT_EQ(r->data_dir, "/var/lib/batchgate");
  EXPECT_EQ(r->tls_cert_file, "/var/lib/batchgate/tls/server.crt");
  EXPECT_EQ(r->log_format, "json");
}

// docs/configuration.md documents every key with its environment variable.
TEST(ConfigTest, ConfigurationDocNamesEveryKey) {
  const std::string doc = bg::testing::ReadFile(std::string(BG_SOURCE_DIR) +
                                                "/docs/configuration.md");
  ASSERT_FALSE(doc.empty());
  for (const std::string& key : ConfigKeys()) {
    EXPECT_NE(doc.find("`" + key + "`"), std::string::npos) << key;
    std::string env = "BATCHGATE_";
    for (char c : key) env += c == '.' ? '_' : static_cast<char>(std::toupper(c));
    EXPECT_NE(doc.find(env), std::string::npos) << env;
  }
}

TEST(ConfigTest, IsLoopbackHost) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.255.0.3"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_TRUE(IsLoopbackHost("0:0:0:0:0:0:0:1"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("::"));
  EXPECT_FALSE(IsLoopbackHost("128.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("localhost.example"));
}

}  // namespace
}  // namespace bg::app

namespace bg::app {
namespace {

// docs/configuration.md's tables give every key's default; they must say what the shipped
// config/batchgate.toml sets (which the test above ties to the code's defaults).
TEST(ConfigTest, ConfigurationDocDefaultsEqualTheShippedFile) {
  std::map<std::string, std::string> shipped;  // "section.key" -> the value as written
  {
    std::ifstream in(std::string(BG_SOURCE_DIR) + "/config/batchgate.toml");
    std::string line, section;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      if (line[0] == '[') {
        section = line.substr(1, line.find(']') - 1) + ".";
        continue;
      }
      const size_t eq = line.find(" = ");
      if (eq == std::string::npos) continue;
      std::string value = line.substr(eq + 3);
      if (size_t hash = value.find("  #"); hash != std::string::npos) value.resize(hash);
      while (!value.empty() && value.back() == ' ') value.pop_back();
      shipped[section + line.substr(0, eq)] = value;
    }
  }
  ASSERT_GT(shipped.size(), 30u);
  std::ifstream doc(std::string(BG_SOURCE_DIR) + "/docs/configuration.md");
  std::string line;
  int rows = 0;
  while (std::getline(doc, line)) {
    // | `key` | `ENV` | `default` ... |
    if (line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> ticks;
    for (size_t p = line.find('`'); p != std::string::npos && ticks.size() < 3;) {
      size_t q = line.find('`', p + 1);
      if (q == std::string::npos) break;
      ticks.push_back(line.substr(p + 1, q - p - 1));
      p = line.find('`', q + 1);
    }
    if (ticks.size() < 3 || ticks[1].rfind("BATCHGATE_", 0) != 0) continue;
    ++rows;
    auto it = shipped.find(ticks[0]);
    ASSERT_NE(it, shipped.end()) << ticks[0] << " is documented but not in the shipped file";
    EXPECT_EQ(ticks[2], it->second) << ticks[0];
  }
  EXPECT_EQ(rows, static_cast<int>(shipped.size())) << "a key of the shipped file is undocumented";
}

}  // namespace
}  // namespace bg::app
