#include "app/config.hpp"

#include <toml++/toml.h>

#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <sstream>

extern char** environ;

namespace bg::app {
namespace {

constexpr std::string_view kEnvPrefix = "BATCHGATE_";

using Setter = std::function<std::optional<std::string>(Config&, const std::string&)>;

struct KeyDef {
  std::string key;
  Setter set;  // returns an error description (what was expected), or nullopt
};

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

template <typename T>
Setter IntKey(T Config::*field, int64_t min, int64_t max) {
  return [field, min, max](Config& c, const std::string& text) -> std::optional<std::string> {
    std::string t = Trim(text);
    int64_t v = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size() || v < min || v > max) {
      return "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
    }
    c.*field = static_cast<T>(v);
    return std::nullopt;
  };
}

Setter RateKey(double Config::*field) {
  return [field](Config& c, const std::string& text) -> std::optional<std::string> {
    std::string t = Trim(text);
    char* end = nullptr;
    double v = t.empty() ? -1 : std::strtod(t.c_str(), &end);
    if (t.empty() || end != t.c_str() + t.size() || !(v >= 0.0 && v <= 1.0)) {
      return "a number in [0, 1]";
    }
    c.*field = v;
    return std::nullopt;
  };
}

Setter StringKey(std::string Config::*field, bool allow_empty) {
  return [field, allow_empty](Config& c, const std::string& text) -> std::optional<std::string> {
    if (!allow_empty && text.empty()) return "a non-empty string";
    c.*field = text;
    return std::nullopt;
  };
}

Setter BoolKey(bool Config::*field) {
  return [field](Config& c, const std::string& text) -> std::optional<std::string> {
    std::string t = Trim(text);
    for (char& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (t == "true" || t == "1") {
      c.*field = true;
    } else if (t == "false" || t == "0") {
      c.*field = false;
    } else {
      return "true or false";
    }
    return std::nullopt;
  };
}

std::optional<std::string> SetListen(Config& c, const std::string& text) {
  auto hp = ParseHostPort(Trim(text));
  if (!hp) return "HOST:PORT (port 0-65535; IPv6 as [addr]:port)";
  c.listen_host = hp->first;
  c.listen_port = hp->second;
  return std::nullopt;
}

std::optional<std::string> SetBaseUrl(Config& c, const std::string& text) {
  std::string t = Trim(text);
  if (!t.empty() && t.rfind("http://", 0) != 0 && t.rfind("https://", 0) != 0) {
    return "empty or an absolute http:// or https:// URL";
  }
  if (t.find_first_of("?# ") != std::string::npos) return "a base URL without query or fragment";
  while (!t.empty() && t.back() == '/') t.pop_back();
  c.public_base_url = t;
  return std::nullopt;
}

std::optional<std::string> SetSandboxFixedDate(Config& c, const std::string& text) {
  std::string t = Trim(text);
  bool ok = t.empty() || (t.size() == 8 && t.find_first_not_of("0123456789") == std::string::npos);
  if (!ok) return "empty or a date as yyyyMMdd";
  c.sandbox_fixed_date = t;
  return std::nullopt;
}

std::optional<std::string> SetSandboxSeedFiles(Config& c, const std::string& text) {
  c.sandbox_seed_files.clear();
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string path = Trim(text.substr(start, comma - start));
    if (!path.empty()) c.sandbox_seed_files.push_back(path);
    start = comma + 1;
  }
  return std::nullopt;
}

std::optional<std::string> SetLogLevel(Config& c, const std::string& text) {
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  std::string t = Trim(text);
  for (const char* l : kLevels) {
    if (t == l) {
      c.log_level = t;
      return std::nullopt;
    }
  }
  return "one of trace, debug, info, warn, error, critical, off";
}

const std::vector<KeyDef>& Keys() {
  static const std::vector<KeyDef> keys = {
      {"listen", SetListen},
      {"data_dir", StringKey(&Config::data_dir, false)},
      {"public_base_url", SetBaseUrl},
      {"http.threads", IntKey(&Config::http_threads, 1, 256)},
      {"http.header_limit_bytes", IntKey(&Config::http_header_limit_bytes, 1024, 1 << 20)},
      {"http.idle_timeout_seconds", IntKey(&Config::http_idle_timeout_seconds, 1, 86400)},
      {"http.read_timeout_seconds", IntKey(&Config::http_read_timeout_seconds, 1, 86400)},
      {"http.min_body_rate_bytes_per_second",
       IntKey(&Config::http_min_body_rate_bytes_per_second, 0, 1LL << 40)},
      {"http.max_connections", IntKey(&Config::http_max_connections, 1, 1000000)},
      {"http.shutdown_grace_seconds", IntKey(&Config::http_shutdown_grace_seconds, 0, 3600)},
      {"soap.max_request_bytes", IntKey(&Config::soap_max_request_bytes, 1024, 1LL << 32)},
      {"upload.ttl_seconds", IntKey(&Config::upload_ttl_seconds, 1, 365LL * 24 * 3600)},
      {"upload.quota_bytes", IntKey(&Config::upload_quota_bytes, 1024, 1LL << 50)},
      {"upload.strict", BoolKey(&Config::upload_strict)},
      {"upload.max_chunk_bytes", IntKey(&Config::upload_max_chunk_bytes, 1024, 1LL << 50)},
      {"upload.max_concurrent_per_customer",
       IntKey(&Config::upload_max_concurrent_per_customer, 1, 100000)},
      {"results.ttl_seconds", IntKey(&Config::results_ttl_seconds, 1, 365LL * 24 * 3600)},
      {"retention.sweep_interval_seconds",
       IntKey(&Config::retention_sweep_interval_seconds, 1, 86400)},
      {"executor.batch_size", IntKey(&Config::executor_batch_size, 1, 100000)},
      {"executor.workers", IntKey(&Config::executor_workers, 1, 64)},
      {"executor.max_batch_ms", IntKey(&Config::executor_max_batch_ms, 1, 600'000)},
      {"executor.retry_limit", IntKey(&Config::executor_retry_limit, 0, 100)},
      {"executor.retry_base_ms", IntKey(&Config::executor_retry_base_ms, 0, 600'000)},
      {"executor.retry_max_ms", IntKey(&Config::executor_retry_max_ms, 0, 3'600'000)},
      {"faults.latency_us", IntKey(&Config::faults_latency_us, 0, 10'000'000)},
      {"faults.error_rate", RateKey(&Config::faults_error_rate)},
      {"faults.seed", IntKey(&Config::faults_seed, 0, INT64_MAX)},
      {"sandbox.fixed_date", SetSandboxFixedDate},
      {"sandbox.seed_files", SetSandboxSeedFiles},
      {"log.level", SetLogLevel},
  };
  return keys;
}

const KeyDef* FindKey(std::string_view key) {
  for (const KeyDef& k : Keys()) {
    if (k.key == key) return &k;
  }
  return nullptr;
}

std::string EnvName(const std::string& key) {
  std::string name(kEnvPrefix);
  for (char c : key) {
    name.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return name;
}

Status Apply(Config& c, const std::string& key, const std::string& value,
             const std::string& origin) {
  const KeyDef* def = FindKey(key);
  if (def == nullptr) return InvalidArgument("unknown config key '" + key + "' (" + origin + ")");
  if (auto expected = def->set(c, value)) {
    return InvalidArgument("config key '" + key + "' (" + origin + "): expected " + *expected +
                           ", got '" + value + "'");
  }
  return Status::Ok();
}

// Flattens a TOML table into dotted keys and applies each value.
Status ApplyTable(Config& c, const toml::table& table, const std::string& prefix,
                  const std::string& file) {
  for (const auto& [k, node] : table) {
    const std::string key =
        prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    const std::string origin = "in " + file;
    if (const toml::table* sub = node.as_table()) {
      BG_RETURN_IF_ERROR(ApplyTable(c, *sub, key, file));
      continue;
    }
    std::string text;
    if (node.is_string()) {
      text = node.as_string()->get();
    } else if (node.is_integer()) {
      text = std::to_string(node.as_integer()->get());
    } else if (node.is_boolean()) {
      text = node.as_boolean()->get() ? "true" : "false";
    } else if (node.is_floating_point()) {
      std::ostringstream os;
      os << node.as_floating_point()->get();
      text = os.str();
    } else {
      if (FindKey(key) == nullptr) {
        return InvalidArgument("unknown config key '" + key + "' (" + origin + ")");
      }
      return InvalidArgument("config key '" + key + "' (" + origin +
                             "): expected a string or an integer");
    }
    BG_RETURN_IF_ERROR(Apply(c, key, text, origin));
  }
  return Status::Ok();
}

Status ApplyFile(Config& c, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::string where;
    if (e.source().begin) {
      where = ":" + std::to_string(e.source().begin.line) + ":" +
              std::to_string(e.source().begin.column);
    }
    return InvalidArgument("config file " + path + where + ": " + std::string(e.description()));
  }
  return ApplyTable(c, table, "", path);
}

}  // namespace

std::optional<std::pair<std::string, uint16_t>> ParseHostPort(const std::string& text) {
  std::string host;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string::npos) return std::nullopt;  // bare IPv6 needs brackets
  }
  if (host.empty() || port.empty()) return std::nullopt;
  unsigned v = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
  if (ec != std::errc() || end != port.data() + port.size() || v > 65535) return std::nullopt;
  return std::make_pair(host, static_cast<uint16_t>(v));
}

std::vector<std::string> ConfigKeys() {
  std::vector<std::string> out;
  for (const KeyDef& k : Keys()) out.push_back(k.key);
  return out;
}

KeyValues ProcessEnvironment() {
  KeyValues out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    if (entry.substr(0, kEnvPrefix.size()) != kEnvPrefix) continue;
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return out;
}

Result<Config> LoadConfig(const ConfigSources& sources) {
  Config c;
  std::optional<std::string> file = sources.config_file;
  if (!file) {
    for (const auto& [name, value] : sources.env) {
      if (name == "BATCHGATE_CONFIG" && !value.empty()) file = value;
    }
  }
  if (file) BG_RETURN_IF_ERROR(ApplyFile(c, *file));
  // Environment: only names that map to a key; other BATCHGATE_* variables are not ours.
  for (const KeyDef& def : Keys()) {
    const std::string name = EnvName(def.key);
    for (const auto& [n, value] : sources.env) {
      if (n == name) BG_RETURN_IF_ERROR(Apply(c, def.key, value, "environment " + name));
    }
  }
  for (const auto& [key, value] : sources.flags) {
    BG_RETURN_IF_ERROR(Apply(c, key, value, "command line"));
  }
  c.soap_disk_quota_kb = c.upload_quota_bytes / 1024;
  return c;
}

}  // namespace bg::app
