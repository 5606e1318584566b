#include "client/expat_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bg::client {

std::string_view LocalName(std::string_view qualified) {
  size_t colon = qualified.rfind(':');
  return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

ExpatFile::~ExpatFile() {
  if (parser_ != nullptr) XML_ParserFree(parser_);
  if (fd_ >= 0) ::close(fd_);
}

Status ExpatFile::Open(const std::string& path, void* user_data) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return NotFound("cannot open " + path + ": " + std::strerror(errno));
  parser_ = XML_ParserCreate(nullptr);
  if (parser_ == nullptr) return Internal("out of memory");
  XML_SetUserData(parser_, user_data);
  return Status::Ok();
}

}  // namespace bg::client
