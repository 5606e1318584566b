// LoadConfig: the layers (defaults < file < environment < flags), TOML type checks, misspelt
// environment variables, and the checks that span several keys. The keys themselves are in
// config_keys.cpp.
#include "app/config.hpp"

#include <arpa/inet.h>
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <set>
#include <sstream>

#include "app/config_keys.hpp"
#include "soap/auth.hpp"

extern char** environ;

namespace bg::app {
namespace {

using internal::FindKey;
using internal::KeyDef;
using internal::KeyKind;

constexpr std::string_view kEnvPrefix = "BATCHGATE_";

Status Apply(Config& c, const std::string& key, const std::string& value,
             const std::string& origin) {
  const KeyDef* def = FindKey(key);
  if (def == nullptr) return InvalidArgument("unknown config key '" + key + "' (" + origin + ")");
  if (auto expected = def->set(c, value)) {
    return InvalidArgument("config key '" + key + "' (" + origin + "): expected " + *expected +
                           (def->secret ? "" : ", got '" + value + "'"));
  }
  return Status::Ok();
}

std::string TomlTypeName(const toml::node& node) {
  std::ostringstream os;
  os << node.type();
  return os.str();
}

// The text form of a TOML value for `def`, or an error when its TOML type is not the key's.
Result<std::string> TomlText(const KeyDef& def, const toml::node& node, const std::string& origin) {
  auto wrong = [&] {
    return InvalidArgument("config key '" + def.key + "' (" + origin + "): expected " +
                           internal::KindName(def.kind) + ", got " + TomlTypeName(node));
  };
  switch (def.kind) {
    case KeyKind::kString:
      if (!node.is_string()) return wrong();
      return node.as_string()->get();
    case KeyKind::kInt:
      if (!node.is_integer()) return wrong();
      return std::to_string(node.as_integer()->get());
    case KeyKind::kBool:
      if (!node.is_boolean()) return wrong();
      return std::string(node.as_boolean()->get() ? "true" : "false");
    case KeyKind::kNumber: {
      if (node.is_integer()) return std::to_string(node.as_integer()->get());
      if (!node.is_floating_point()) return wrong();
      std::ostringstream os;
      os << node.as_floating_point()->get();
      return os.str();
    }
    case KeyKind::kList: {
      if (node.is_string()) return node.as_string()->get();
      const toml::array* array = node.as_array();
      if (array == nullptr) return wrong();
      std::string joined;
      for (const toml::node& item : *array) {
        if (!item.is_string()) {
          return InvalidArgument("config key '" + def.key + "' (" + origin +
                                 "): expected an array of strings, got an array holding " +
                                 TomlTypeName(item));
        }
        joined += item.as_string()->get();
        joined += '\n';
      }
      return joined;
    }
  }
  return wrong();
}

// Flattens a TOML table into dotted keys and applies each value.
Status ApplyTable(Config& c, const toml::table& table, const std::string& prefix,
                  const std::string& file) {
  for (const auto& [k, node] : table) {
    const std::string key =
        prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    const std::string origin = "in " + file;
    const KeyDef* def = FindKey(key);
    if (def == nullptr) {
      if (const toml::table* sub = node.as_table()) {
        BG_RETURN_IF_ERROR(ApplyTable(c, *sub, key, file));
        continue;
      }
      return InvalidArgument("unknown config key '" + key + "' (" + origin + ")");
    }
    BG_ASSIGN_OR_RETURN(std::string text, TomlText(*def, node, origin));
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

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// A BATCHGATE_* variable that is no key's: an error when it looks like a misspelt key (inside a
// known section such as BATCHGATE_HTTP_, or within two edits of a key's variable); other
// BATCHGATE_* variables are left to whoever set them.
Status CheckUnknownVariable(const std::string& name) {
  std::set<std::string> sections;
  std::string closest;
  size_t best = SIZE_MAX;
  for (const KeyDef& def : internal::Keys()) {
    const std::string env = internal::EnvName(def.key);
    if (env == name) return Status::Ok();
    if (size_t dot = def.key.find('.'); dot != std::string::npos) {
      sections.insert(internal::EnvName(def.key.substr(0, dot)) + "_");
    }
    size_t d = EditDistance(name, env);
    if (d < best) {
      best = d;
      closest = def.key;
    }
  }
  bool in_section = false;
  for (const std::string& s : sections) in_section |= name.rfind(s, 0) == 0;
  if (!in_section && best > 2) return Status::Ok();
  return InvalidArgument("unknown config key in environment variable " + name + " (did you mean " +
                         internal::EnvName(closest) + ", key '" + closest + "'?)");
}

// Checks that span several keys, after every layer was applied.
Status CheckCombinations(Config& c) {
  if (c.auth_mode == "open" && !IsLoopbackHost(c.listen_host)) {
    return InvalidArgument(
        "config key 'auth.mode' = \"open\" accepts any token, so it only serves loopback "
        "addresses, but 'listen' is " +
        c.listen_host + ":" + std::to_string(c.listen_port) +
        ": set auth.mode = \"tokens\" (with auth.developer_tokens and auth.bearer_tokens) or "
        "listen on 127.0.0.1");
  }
  if (c.auth_mode == "tokens") {
    if (c.auth_developer_tokens.empty()) {
      return InvalidArgument(
          "config key 'auth.developer_tokens': auth.mode = \"tokens\" needs at least one "
          "allowed developer token");
    }
    if (c.auth_bearer_tokens.empty()) {
      return InvalidArgument(
          "config key 'auth.bearer_tokens': auth.mode = \"tokens\" needs at least one bearer "
          "token with the customer ids it may act for");
    }
    Status s = soap::AccessPolicy::ValidateDeveloperTokens(c.auth_developer_tokens);
    if (!s.ok()) return InvalidArgument("config key 'auth.developer_tokens': " + s.message());
    s = soap::AccessPolicy::ValidateBearerEntries(c.auth_bearer_tokens);
    if (!s.ok()) return InvalidArgument("config key 'auth.bearer_tokens': " + s.message());
  }
  if (c.tls_cert_file.empty()) c.tls_cert_file = c.data_dir + "/tls/server.crt";
  if (c.tls_key_file.empty()) c.tls_key_file = c.data_dir + "/tls/server.key";
  return Status::Ok();
}

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    static const in6_addr kLoopback = IN6ADDR_LOOPBACK_INIT;
    return std::equal(std::begin(v6.s6_addr), std::end(v6.s6_addr), std::begin(kLoopback.s6_addr));
  }
  return false;
}

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
  for (const KeyDef& k : internal::Keys()) out.push_back(k.key);
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
  for (const auto& [name, value] : sources.env) {
    if (name.rfind(kEnvPrefix, 0) != 0 || name == "BATCHGATE_CONFIG") continue;
    BG_RETURN_IF_ERROR(CheckUnknownVariable(name));
  }
  // Environment in key order (a key set twice: the last one wins).
  for (const KeyDef& def : internal::Keys()) {
    const std::string name = internal::EnvName(def.key);
    for (const auto& [n, value] : sources.env) {
      if (n == name) BG_RETURN_IF_ERROR(Apply(c, def.key, value, "environment " + name));
    }
  }
  for (const auto& [key, value] : sources.flags) {
    BG_RETURN_IF_ERROR(Apply(c, key, value, "command line"));
  }
  c.soap_disk_quota_kb = c.upload_quota_bytes / 1024;
  BG_RETURN_IF_ERROR(CheckCombinations(c));
  return c;
}

}  // namespace bg::app
