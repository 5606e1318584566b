#include "soap/response_memo.hpp"

#include <unordered_map>
#include <utility>

namespace bg::soap {
namespace {

struct Kept {
  uint64_t owner = 0;
  store::StoreVersion version;
  int64_t valid_until_ms = 0;
  ResponseMemo::Entry entry;
};

thread_local std::unordered_map<std::string, Kept> kept;
thread_local size_t kept_bytes = 0;  // keys and payloads of `kept`, replaced ones included
thread_local uint64_t hit_count = 0;

// Appends `part` with its length first, so that no two different requests give the same key.
void AppendPart(std::string* key, std::string_view part) {
  key->append(std::to_string(part.size())).push_back(':');
  key->append(part);
}

}  // namespace

std::optional<std::string> ResponseMemo::Key(const http::RequestHead& head, std::string_view body) {
  const std::string_view host = head.Get("Host").value_or("");
  const std::string_view auth = head.Get("Authorization").value_or("");
  const size_t size = head.target.size() + host.size() + auth.size() + body.size();
  if (size > kMaxKeyBytes) return std::nullopt;
  std::string key;
  key.reserve(size + 32);
  key.push_back(head.secure ? 's' : 'p');
  AppendPart(&key, head.target);
  AppendPart(&key, host);
  AppendPart(&key, auth);
  AppendPart(&key, body);
  return key;
}

const ResponseMemo::Entry* ResponseMemo::Find(uint64_t owner, const std::string& key,
                                              store::StoreVersion version, int64_t now_ms) {
  auto it = kept.find(key);
  if (it == kept.end()) return nullptr;
  const Kept& k = it->second;
  if (k.owner != owner || k.version != version || now_ms >= k.valid_until_ms) return nullptr;
  ++hit_count;
  return &k.entry;
}

void ResponseMemo::Keep(uint64_t owner, std::string key, store::StoreVersion version,
                        int64_t valid_until_ms, Entry entry) {
  if (entry.payload.size() > kMaxPayloadBytes) return;
  const size_t bytes = key.size() + entry.payload.size();
  if (kept.size() >= kMaxEntries || kept_bytes + bytes > kMaxBytes) {
    kept.clear();
    kept_bytes = 0;
  }
  kept_bytes += bytes;
  kept.insert_or_assign(std::move(key), Kept{owner, version, valid_until_ms, std::move(entry)});
}

uint64_t ResponseMemo::hits() { return hit_count; }

}  // namespace bg::soap
