// Logging set-up (spdlog to stderr; stdout is reserved for the base URL line), structured event
// lines, and redaction of secrets before anything reaches a log line (DESIGN.md decision 7).
//
// Formats (config log.format):
//   text  "[2026-12-02 03:27:39.123] [info] message"; events as "request k=v k=v ..."
//   json  one JSON object per line: {"time":"2026-12-02T03:27:39.123Z","level":"info",
//         "msg":"...", <event fields>}; every string escaped, so a line always parses.
// Every message and every string field passes through RedactSecrets: signatures, upload session
// ids, OAuth tokens in a query (access_token=) and Bearer tokens become REDACTED.
// stderr is written in blocks: info lines wait in a 32 KiB buffer for at most a second;
// warnings and errors go out at once, and so does the buffer at exit.
//
// Thread-safe after SetUpLogging (which the serve lifecycle calls once, before any thread).
#pragma once

#include <spdlog/common.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace bg::app {

// Installs the stderr loggers at `level` (a valid Config log level) in `format` ("text"|"json").
void SetUpLogging(const std::string& level, const std::string& format = "text");

// One field of an event line. Strings are redacted and (in JSON) escaped.
struct LogField {
  std::string_view key;
  std::variant<std::string_view, int64_t, double, bool> value;
};

// A structured line: `event` ("request", ...) and its fields, at `level`.
void LogEvent(spdlog::level::level_enum level, std::string_view event,
              std::initializer_list<LogField> fields);

// The text of an event line (what LogEvent logs): `event`, then " key=value" per field (text) or
// the "msg" and one member per field (json, without the braces). String fields are redacted
// (RedactSecrets; a field named sig, upload_id or access_token entirely) and, in JSON, escaped.
std::string FormatEvent(bool json, std::string_view event, std::initializer_list<LogField> fields);

// The target with the values of its secret query parameters (sig, upload_id, access_token)
// replaced by "REDACTED".
std::string RedactTarget(std::string_view target);

// Any text: secret query parameter values (as in RedactTarget, wherever `name=` follows '?', '&',
// whitespace or a quote) and the token after "Bearer " become REDACTED.
std::string RedactSecrets(std::string_view text);

// `s` as the body of a JSON string (quotes, backslashes and control characters escaped; invalid
// UTF-8 bytes become U+FFFD).
std::string JsonEscape(std::string_view s);

}  // namespace bg::app
