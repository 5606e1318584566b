#include "upload/content_range.hpp"

#include <charconv>

namespace bg::upload {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Decimal digits only, at most 18 of them (no overflow, no sign, no spaces).
std::optional<int64_t> Number(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

Status Bad(std::string_view value) {
  return InvalidArgument("Failed to parse Content-Range header: '" +
                         std::string(value.substr(0, 100)) + "'");
}

}  // namespace

Result<ContentRange> ParseContentRange(std::string_view value) {
  std::string_view s = Trim(value);
  constexpr std::string_view kUnit = "bytes";
  if (s.size() < kUnit.size()) return Bad(value);
  for (size_t i = 0; i < kUnit.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kUnit[i]) return Bad(value);
  }
  s = Trim(s.substr(kUnit.size()));

  size_t slash = s.find('/');
  if (slash == std::string_view::npos) return Bad(value);
  std::string_view range = s.substr(0, slash);
  std::string_view total = s.substr(slash + 1);

  ContentRange out;
  if (total != "*") {
    out.total = Number(total);
    if (!out.total) return Bad(value);
  }
  if (range != "*") {
    size_t dash = range.find('-');
    if (dash == std::string_view::npos) return Bad(value);
    out.first = Number(range.substr(0, dash));
    out.last = Number(range.substr(dash + 1));
    if (!out.first || !out.last || *out.first > *out.last) return Bad(value);
    if (out.total && *out.last >= *out.total) return Bad(value);
  }
  return out;
}

}  // namespace bg::upload
