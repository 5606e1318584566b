#include "backend/sandbox/markers.hpp"

#include <charconv>
#include <map>

namespace bg::backend::sandbox {
namespace {

struct Marker {
  std::string type, reason;
  int attempts = -1;  // -1: every attempt
};

bool ReasonOf(const schema::Registry& r, const std::string& type, std::string* reason) {
  const schema::TypeDef* def = r.Find(type);
  if (def == nullptr || def->abstract || !r.IsSubtypeOf(type, "ApiError")) return false;
  const schema::TypeDef* reasons = r.Find(type + ".Reason");
  if (reasons == nullptr || reasons->enum_values.empty()) return false;
  if (reason->empty()) {
    *reason = reasons->enum_values.front();
    return true;
  }
  for (const auto& v : reasons->enum_values) {
    if (v == *reason) return true;
  }
  return false;
}

// The first well-formed marker of `text`.
std::optional<Marker> Parse(const schema::Registry& r, std::string_view text) {
  size_t pos = 0;
  while ((pos = text.find("++", pos)) != std::string_view::npos) {
    size_t end = text.find("++", pos + 2);
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view body = text.substr(pos + 2, end - pos - 2);
    Marker m;
    if (auto hash = body.find('#'); hash != std::string_view::npos) {
      int n = 0;
      std::string_view digits = body.substr(hash + 1);
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (ec == std::errc() && p == digits.data() + digits.size() && !digits.empty()) {
        m.attempts = n;
      } else {
        m.attempts = -2;  // malformed
      }
      body = body.substr(0, hash);
    }
    auto dot = body.find('.');
    m.type = std::string(body.substr(0, dot));
    if (dot != std::string_view::npos) m.reason = std::string(body.substr(dot + 1));
    if (m.attempts != -2 && !m.type.empty() && ReasonOf(r, m.type, &m.reason)) return m;
    pos = end;  // "++a++b++": the second "++" may open a marker
  }
  return std::nullopt;
}

std::optional<ApiError> Scan(const schema::Registry& r, const model::Node& n,
                             const std::string& path, int attempt) {
  std::map<std::string_view, int> seen;
  for (const auto& f : n.fields()) {
    int k = seen[f.name]++;
    if (!f.child && f.text.find("++") == std::string::npos) continue;
    std::string p = path + "." + f.name;
    if (n.FindAll(f.name).size() > 1) p += "[" + std::to_string(k) + "]";
    if (f.child) {
      if (auto e = Scan(r, *f.child, p, attempt)) return e;
      continue;
    }
    std::optional<Marker> m = Parse(r, f.text);
    if (!m || (m->attempts >= 0 && attempt >= m->attempts)) continue;
    ApiError e = ApiError::Make(m->type, m->reason, p);
    if (m->type == "RateExceededError") {
      e.extra = {
          {"rateName", "RequestsPerMinute"}, {"rateScope", "ACCOUNT"}, {"retryAfterSeconds", "30"}};
    }
    return e;
  }
  return std::nullopt;
}

}  // namespace

bool MayHoldMarker(const model::Node& n) {
  for (const auto& f : n.fields()) {
    if (f.child ? MayHoldMarker(*f.child) : f.text.find("++") != std::string::npos) return true;
  }
  return false;
}

std::optional<ApiError> FindMarker(const schema::Registry* registry, const model::Node& operand,
                                   const std::string& base_path, int attempt) {
  if (registry == nullptr) registry = schema::Registry::Get("v201702");
  if (registry == nullptr || !MayHoldMarker(operand)) return std::nullopt;
  return Scan(*registry, operand, base_path, attempt);
}

}  // namespace bg::backend::sandbox
