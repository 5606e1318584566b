// ExpatFile: an expat parser over a file, for the client's streaming readers (upload_plan,
// results_reader, element_locator). Expat runs without namespace processing: callers reduce names
// to their local part with LocalName (any prefix, declared or not, is accepted, as the gateway's
// own reader does). Callers install their handlers, including one that stops at a DOCTYPE.
//
// Owns the file descriptor and the parser. Not thread-safe.
#pragma once

#include <expat.h>

#include <string>
#include <string_view>

#include "common/status.hpp"

namespace bg::client {

// "ns1:mutate" -> "mutate".
std::string_view LocalName(std::string_view qualified);

class ExpatFile {
 public:
  ExpatFile() = default;
  ~ExpatFile();
  ExpatFile(const ExpatFile&) = delete;
  ExpatFile& operator=(const ExpatFile&) = delete;

  // Opens `path` and creates the parser with `user_data` for its handlers.
  Status Open(const std::string& path, void* user_data);
  int fd() const { return fd_; }
  XML_Parser parser() const { return parser_; }

 private:
  int fd_ = -1;
  XML_Parser parser_ = nullptr;
};

}  // namespace bg::client
