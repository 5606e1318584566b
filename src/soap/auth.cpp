#include "soap/auth.hpp"

#include <cctype>

namespace bg::soap {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool HasBearerToken(std::optional<std::string_view> value) {
  if (!value) return false;
  std::string_view v = Trim(*value);
  constexpr std::string_view kScheme = "bearer";
  if (v.size() <= kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(v[i])) != kScheme[i]) return false;
  }
  if (v[kScheme.size()] != ' ' && v[kScheme.size()] != '\t') return false;
  return !Trim(v.substr(kScheme.size())).empty();
}

}  // namespace

std::optional<std::string> NormalizeCustomerId(std::string_view raw) {
  std::string digits;
  for (char c : raw) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != '-' && c != ' ') {
      return std::nullopt;
    }
  }
  if (digits.empty() || digits.size() > 19) return std::nullopt;
  return digits;
}

Result<std::string> Authenticate(const http::RequestHead& head, const RequestHeaderFields& header) {
  if (!HasBearerToken(head.Get("Authorization"))) {
    return ApiError::Make("AuthenticationError", "OAUTH_TOKEN_HEADER_INVALID");
  }
  if (!header.developer_token || header.developer_token->empty()) {
    return ApiError::Make("QuotaCheckError", "INVALID_TOKEN_HEADER");
  }
  if (!header.client_customer_id || header.client_customer_id->empty()) {
    return ApiError::Make("AuthenticationError", "CLIENT_CUSTOMER_ID_IS_REQUIRED");
  }
  std::optional<std::string> id = NormalizeCustomerId(*header.client_customer_id);
  if (!id) {
    return ApiError::Make("AuthenticationError", "CLIENT_CUSTOMER_ID_INVALID", "",
                          *header.client_customer_id);
  }
  return *id;
}

}  // namespace bg::soap
