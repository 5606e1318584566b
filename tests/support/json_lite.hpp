// A small strict JSON reader for tests (RFC 8259 syntax: objects, arrays, strings with every
// escape, numbers, true/false/null; nothing may follow the value). Used to check that every log
// line is one JSON object and to read its top-level fields.
#pragma once

#include <map>
#include <string>

namespace bg::testing {

// Parses one JSON object. Top-level members go to *fields: strings unescaped (\uXXXX as UTF-8),
// numbers/true/false/null as their text, nested objects and arrays as their raw text.
// false (and *error) when `text` is not exactly one valid JSON object.
bool ParseJsonObject(const std::string& text, std::map<std::string, std::string>* fields,
                     std::string* error);

}  // namespace bg::testing
