#include "client/upload_version.hpp"

#include <cctype>
#include <fstream>

namespace bg::client {

std::string DetectUploadVersion(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(64 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  constexpr std::string_view kMarker = "/api/adwords/cm/v";
  for (size_t at = head.find(kMarker); at != std::string::npos; at = head.find(kMarker, at + 1)) {
    size_t v = at + kMarker.size() - 1;
    size_t end = v + 1;
    while (end < head.size() && std::isdigit(static_cast<unsigned char>(head[end]))) ++end;
    if (end - v == 7) return head.substr(v, 7);
  }
  return "";
}

std::string ChooseVersion(const std::string& explicit_version, const std::string& path) {
  if (!explicit_version.empty()) return explicit_version;
  std::string detected = DetectUploadVersion(path);
  return detected.empty() ? kDefaultVersion : detected;
}

}  // namespace bg::client
