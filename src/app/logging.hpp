// Logging set-up (spdlog to stderr; stdout is reserved for the base URL line) and redaction of
// secrets in request targets before they reach a log line (DESIGN.md decision 7).
// Thread-safe after SetUpLogging.
#pragma once

#include <string>
#include <string_view>

namespace bg::app {

// Installs a stderr logger as spdlog's default at `level` (a valid Config log level).
void SetUpLogging(const std::string& level);

// The target with the values of `sig` and `upload_id` query parameters replaced by "REDACTED".
std::string RedactTarget(std::string_view target);

}  // namespace bg::app
