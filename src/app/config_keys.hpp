// Internal to app/config: the table of config keys. Each key has a kind (the TOML type a file
// must use for it), a setter that parses and range-checks its text form (environment variables
// and flags are text; TOML values are checked for their type first, then rendered as text), and
// whether its value is a secret that error messages must not echo.
//
// The table is built once and immutable; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.hpp"

namespace bg::app::internal {

enum class KeyKind {
  kString,  // TOML string
  kInt,     // TOML integer
  kBool,    // TOML boolean
  kNumber,  // TOML integer or float
  kList,    // TOML array of strings, or one string holding the items (see KeyDef::separator)
};

// Returns a description of what was expected, or nullopt when `text` was accepted.
using Setter = std::function<std::optional<std::string>(Config&, const std::string& text)>;

struct KeyDef {
  std::string key;
  KeyKind kind = KeyKind::kString;
  Setter set;
  bool secret = false;  // never echo the value
  // kList: the item separator of the text form (newlines always separate items too); a TOML
  // array's items are joined with '\n'.
  char separator = ',';
};

const std::vector<KeyDef>& Keys();
const KeyDef* FindKey(std::string_view key);
// "a string", "an integer", ...
std::string KindName(KeyKind kind);
// The environment variable of a key: BATCHGATE_ + upper case, dots to underscores.
std::string EnvName(const std::string& key);

}  // namespace bg::app::internal
