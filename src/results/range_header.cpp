#include "results/range_header.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

namespace bg::results {
namespace {

std::optional<uint64_t> Digits(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

RangeKind ParseRange(std::string_view v, uint64_t size, ByteRange* out) {
  if (!v.starts_with("bytes=")) return RangeKind::kNone;
  v.remove_prefix(6);
  size_t dash = v.find('-');
  if (dash == std::string_view::npos || v.find(',') != std::string_view::npos) {
    return RangeKind::kNone;
  }
  std::string_view a = v.substr(0, dash), b = v.substr(dash + 1);
  if (a.empty()) {  // suffix range
    auto n = Digits(b);
    if (!n) return RangeKind::kNone;
    if (*n == 0 || size == 0) return RangeKind::kUnsatisfiable;
    out->first = *n >= size ? 0 : size - *n;
    out->last = size - 1;
    return RangeKind::kSatisfiable;
  }
  auto first = Digits(a);
  if (!first) return RangeKind::kNone;
  std::optional<uint64_t> last = b.empty() ? std::optional<uint64_t>(UINT64_MAX) : Digits(b);
  if (!last || *last < *first) return RangeKind::kNone;
  if (*first >= size) return RangeKind::kUnsatisfiable;
  out->first = *first;
  out->last = std::min(*last, size - 1);
  return RangeKind::kSatisfiable;
}

}  // namespace bg::results
