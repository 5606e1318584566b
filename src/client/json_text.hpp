// JSON text helpers for the machine-readable reports (replay --format json, validate --format
// json): a quoted, escaped JSON string. The reports are written as a stream of objects, so no
// document model is needed. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace bg::client {

// `s` as a JSON string literal, quotes included (control characters as \uXXXX; the bytes of
// invalid UTF-8 pass through unchanged).
std::string JsonString(std::string_view s);

}  // namespace bg::client
