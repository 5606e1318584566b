#include "backend/sandbox/pack_codec.hpp"

#include "common/varint.hpp"

namespace bg::backend::sandbox {
namespace {

using varint::PutString;
using varint::PutVarint;

std::optional<std::string_view> GetString(std::string_view* in) {
  std::string_view s;
  if (!varint::GetString(in, &s)) return std::nullopt;
  return s;
}

std::optional<int64_t> GetId(std::string_view* in) {
  uint64_t v = 0;
  if (!varint::GetVarint(in, &v) || v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(v);
}

}  // namespace

void AppendPackEntry(const PackEntry& e, std::string* body) {
  PutVarint(static_cast<uint64_t>(e.id), body);
  PutVarint(static_cast<uint64_t>(e.parent_id), body);
  PutString(e.name, body);
  PutString(e.status, body);
  PutString(e.node, body);
}

std::optional<PackEntry> PackReader::Next() {
  if (rest_.empty() || !ok_) return std::nullopt;
  std::string_view in = rest_;
  PackEntry e;
  std::optional<int64_t> id = GetId(&in);
  std::optional<int64_t> parent = id ? GetId(&in) : std::nullopt;
  std::optional<std::string_view> name = parent ? GetString(&in) : std::nullopt;
  std::optional<std::string_view> status = name ? GetString(&in) : std::nullopt;
  std::optional<std::string_view> node = status ? GetString(&in) : std::nullopt;
  if (!node) {
    ok_ = false;
    return std::nullopt;
  }
  e.id = *id;
  e.parent_id = *parent;
  e.name = *name;
  e.status = *status;
  e.node = *node;
  rest_ = in;
  return e;
}

std::optional<PackEntry> FindPackEntry(std::string_view body, int64_t id, bool* corrupt) {
  PackReader r(body);
  while (std::optional<PackEntry> e = r.Next()) {
    if (e->id == id) {
      if (corrupt != nullptr) *corrupt = false;
      return e;
    }
  }
  if (corrupt != nullptr) *corrupt = !r.ok();
  return std::nullopt;
}

}  // namespace bg::backend::sandbox
