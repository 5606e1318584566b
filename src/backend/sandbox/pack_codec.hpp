// PackCodec: the body of one sandbox_packs row (tables.hpp): the entities of one kind under one
// scope that one transaction added, one after another, in the order of their ids.
//
//   body  := entry*
//   entry := varint(id) varint(parent_id) str(name) str(status) str(node)
//   str   := varint(length) bytes          (node: the NodeCodec bytes of the entity)
//
// Ids and parent ids are not negative (real ids). PackReader reads a body without copying (its
// entries point into it) and stops at the first entry that is cut short or runs past the end:
// ok() tells a complete body from a corrupt one. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bg::backend::sandbox {

struct PackEntry {
  int64_t id = 0;
  int64_t parent_id = 0;
  std::string_view name, status, node;
};

void AppendPackEntry(const PackEntry& e, std::string* body);

class PackReader {
 public:
  explicit PackReader(std::string_view body) : rest_(body) {}
  // The next entry; nullopt at the end of the body or at a corrupt entry (see ok()).
  std::optional<PackEntry> Next();
  bool ok() const { return ok_; }

 private:
  std::string_view rest_;
  bool ok_ = true;
};

// The entry of `id` in `body`; nullopt when it has none. *corrupt (when given) says whether the
// body was cut short before the entry was found.
std::optional<PackEntry> FindPackEntry(std::string_view body, int64_t id, bool* corrupt = nullptr);

}  // namespace bg::backend::sandbox
