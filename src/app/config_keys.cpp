// The config keys: one row per key (kind, setter, secrecy), in documentation order
// (config/batchgate.toml and docs/configuration.md follow the same order).
#include "app/config_keys.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdlib>

namespace bg::app::internal {
namespace {

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// Items of a list's text form: split on `sep` and newlines, trimmed, empty items dropped.
std::vector<std::string> SplitList(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(std::string{sep, '\n'}, start);
    if (end == std::string::npos) end = text.size();
    std::string item = Trim(std::string_view(text).substr(start, end - start));
    if (!item.empty()) out.push_back(std::move(item));
    start = end + 1;
  }
  return out;
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

Setter ListKey(std::vector<std::string> Config::*field, char sep) {
  return [field, sep](Config& c, const std::string& text) -> std::optional<std::string> {
    c.*field = SplitList(text, sep);
    return std::nullopt;
  };
}

// One of `choices` (exact, lower case).
Setter ChoiceKey(std::string Config::*field, std::vector<std::string> choices) {
  return [field, choices](Config& c, const std::string& text) -> std::optional<std::string> {
    std::string t = Trim(text);
    for (const std::string& choice : choices) {
      if (t == choice) {
        c.*field = t;
        return std::nullopt;
      }
    }
    std::string expected = "one of";
    for (size_t i = 0; i < choices.size(); ++i) {
      expected += (i == 0 ? " " : ", ") + choices[i];
    }
    return expected;
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

using K = KeyKind;

}  // namespace

const std::vector<KeyDef>& Keys() {
  static const std::vector<KeyDef> keys = {
      {"listen", K::kString, SetListen},
      {"data_dir", K::kString, StringKey(&Config::data_dir, false)},
      {"public_base_url", K::kString, SetBaseUrl},
      {"http.threads", K::kInt, IntKey(&Config::http_threads, 1, 256)},
      {"http.header_limit_bytes", K::kInt, IntKey(&Config::http_header_limit_bytes, 1024, 1 << 20)},
      {"http.idle_timeout_seconds", K::kInt, IntKey(&Config::http_idle_timeout_seconds, 1, 86400)},
      {"http.read_timeout_seconds", K::kInt, IntKey(&Config::http_read_timeout_seconds, 1, 86400)},
      {"http.min_body_rate_bytes_per_second", K::kInt,
       IntKey(&Config::http_min_body_rate_bytes_per_second, 0, 1LL << 40)},
      {"http.max_connections", K::kInt, IntKey(&Config::http_max_connections, 1, 1000000)},
      {"http.shutdown_grace_seconds", K::kInt,
       IntKey(&Config::http_shutdown_grace_seconds, 0, 3600)},
      {"tls.enabled", K::kBool, BoolKey(&Config::tls_enabled)},
      {"tls.cert_file", K::kString, StringKey(&Config::tls_cert_file, true)},
      {"tls.key_file", K::kString, StringKey(&Config::tls_key_file, true)},
      {"tls.min_version", K::kString, ChoiceKey(&Config::tls_min_version, {"1.2", "1.3"})},
      {"auth.mode", K::kString, ChoiceKey(&Config::auth_mode, {"open", "tokens"})},
      {"auth.developer_tokens", K::kList, ListKey(&Config::auth_developer_tokens, ','), true, ','},
      {"auth.bearer_tokens", K::kList, ListKey(&Config::auth_bearer_tokens, ';'), true, ';'},
      {"soap.max_request_bytes", K::kInt, IntKey(&Config::soap_max_request_bytes, 1024, 1LL << 32)},
      {"upload.ttl_seconds", K::kInt, IntKey(&Config::upload_ttl_seconds, 1, 365LL * 24 * 3600)},
      {"upload.quota_bytes", K::kInt, IntKey(&Config::upload_quota_bytes, 1024, 1LL << 50)},
      {"upload.strict", K::kBool, BoolKey(&Config::upload_strict)},
      {"upload.max_chunk_bytes", K::kInt, IntKey(&Config::upload_max_chunk_bytes, 1024, 1LL << 50)},
      {"upload.max_concurrent_per_customer", K::kInt,
       IntKey(&Config::upload_max_concurrent_per_customer, 1, 100000)},
      {"results.ttl_seconds", K::kInt, IntKey(&Config::results_ttl_seconds, 1, 365LL * 24 * 3600)},
      {"retention.sweep_interval_seconds", K::kInt,
       IntKey(&Config::retention_sweep_interval_seconds, 1, 86400)},
      {"executor.batch_size", K::kInt, IntKey(&Config::executor_batch_size, 1, 100000)},
      {"executor.workers", K::kInt, IntKey(&Config::executor_workers, 1, 64)},
      {"executor.max_batch_ms", K::kInt, IntKey(&Config::executor_max_batch_ms, 1, 600'000)},
      {"executor.retry_limit", K::kInt, IntKey(&Config::executor_retry_limit, 0, 100)},
      {"executor.retry_base_ms", K::kInt, IntKey(&Config::executor_retry_base_ms, 0, 600'000)},
      {"executor.retry_max_ms", K::kInt, IntKey(&Config::executor_retry_max_ms, 0, 3'600'000)},
      {"faults.latency_us", K::kInt, IntKey(&Config::faults_latency_us, 0, 10'000'000)},
      {"faults.error_rate", K::kNumber, RateKey(&Config::faults_error_rate)},
      {"faults.seed", K::kInt, IntKey(&Config::faults_seed, 0, INT64_MAX)},
      {"sandbox.fixed_date", K::kString, SetSandboxFixedDate},
      {"sandbox.seed_files", K::kList, ListKey(&Config::sandbox_seed_files, ','), false, ','},
      {"metrics.enabled", K::kBool, BoolKey(&Config::metrics_enabled)},
      {"log.level", K::kString,
       ChoiceKey(&Config::log_level,
                 {"trace", "debug", "info", "warn", "error", "critical", "off"})},
      {"log.format", K::kString, ChoiceKey(&Config::log_format, {"text", "json"})},
  };
  return keys;
}

const KeyDef* FindKey(std::string_view key) {
  for (const KeyDef& k : Keys()) {
    if (k.key == key) return &k;
  }
  return nullptr;
}

std::string KindName(KeyKind kind) {
  switch (kind) {
    case KeyKind::kString:
      return "a string";
    case KeyKind::kInt:
      return "an integer";
    case KeyKind::kBool:
      return "a boolean (true or false)";
    case KeyKind::kNumber:
      return "a number";
    case KeyKind::kList:
      return "an array of strings (or one string)";
  }
  return "a value";
}

std::string EnvName(const std::string& key) {
  std::string name = "BATCHGATE_";
  for (char c : key) {
    name.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return name;
}

}  // namespace bg::app::internal
