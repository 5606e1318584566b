#include "ui/assets.hpp"

#include <cstdio>
#include <vector>

namespace bg::ui {
namespace {

std::string_view ContentTypeOf(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  if (name.ends_with(".png")) return "image/png";
  return "application/octet-stream";
}

// FNV-1a, 64 bits: a validator, not a security measure.
std::string ETagOf(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[24];
  std::snprintf(buf, sizeof(buf), "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

const std::vector<Asset>& Assets() {
  static const std::vector<Asset> assets = [] {
    std::vector<Asset> v;
    for (const detail::EmbeddedAsset* a = detail::kEmbeddedAssets; a->name != nullptr; ++a) {
      std::string_view bytes(reinterpret_cast<const char*>(a->bytes), a->size);
      v.push_back(Asset{a->name, ContentTypeOf(a->name), bytes, ETagOf(bytes)});
    }
    return v;
  }();
  return assets;
}

}  // namespace

const Asset* FindAsset(std::string_view name) {
  for (const Asset& a : Assets()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

}  // namespace bg::ui
