// JSON output: the escaping of a JSON string and a small streaming writer of JSON documents
// (the dashboard's API in ui/, the client's machine-readable reports, Cloud Storage's JSON error
// bodies). Output only: the gateway never parses JSON.
//
// Strings are written as given, with '"', '\\' and control characters escaped (the bytes of
// invalid UTF-8 pass through unchanged). JsonWriter appends to a caller-owned string and places
// the commas; it does not check that the calls form a valid document. Not thread-safe (one
// writer per document); the free functions are pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bg {

// Appends `s` as a JSON string literal, quotes included.
void AppendJsonString(std::string_view s, std::string* out);
// `s` as a JSON string literal, quotes included.
std::string JsonString(std::string_view s);

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // The name of the next member of the object being written.
  JsonWriter& Key(std::string_view name);

  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  // Key(name) followed by the value.
  JsonWriter& Field(std::string_view name, std::string_view value) {
    return Key(name).String(value);
  }
  JsonWriter& Field(std::string_view name, const char* value) { return Key(name).String(value); }
  JsonWriter& Field(std::string_view name, int64_t value) { return Key(name).Int(value); }
  JsonWriter& Field(std::string_view name, int value) { return Key(name).Int(value); }
  JsonWriter& Field(std::string_view name, bool value) { return Key(name).Bool(value); }

 private:
  void BeforeValue();
  std::string* out_;
  std::vector<bool> first_;  // per open container: no member written yet
  bool after_key_ = false;
};

}  // namespace bg
