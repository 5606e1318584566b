#include "backend/sandbox/pack_codec.hpp"

namespace bg::backend::sandbox {
namespace {

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutString(std::string_view s, std::string* out) {
  PutVarint(s.size(), out);
  out->append(s);
}

std::optional<uint64_t> GetVarint(std::string_view* in) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return v;
  }
  return std::nullopt;  // cut short, or longer than 64 bits
}

std::optional<std::string_view> GetString(std::string_view* in) {
  std::optional<uint64_t> n = GetVarint(in);
  if (!n || *n > in->size()) return std::nullopt;
  std::string_view s = in->substr(0, *n);
  in->remove_prefix(*n);
  return s;
}

std::optional<int64_t> GetId(std::string_view* in) {
  std::optional<uint64_t> v = GetVarint(in);
  if (!v || *v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(*v);
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
