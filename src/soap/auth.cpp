#include "soap/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cctype>

namespace bg::soap {
namespace {

constexpr std::string_view kSha256Prefix = "sha256:";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitWhitespace(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

template <typename Digest>
bool SameDigest(const Digest& a, const Digest& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
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

std::optional<std::string_view> BearerToken(std::optional<std::string_view> header) {
  if (!header) return std::nullopt;
  std::string_view v = Trim(*header);
  constexpr std::string_view kScheme = "bearer";
  if (v.size() <= kScheme.size()) return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(v[i])) != kScheme[i]) return std::nullopt;
  }
  if (v[kScheme.size()] != ' ' && v[kScheme.size()] != '\t') return std::nullopt;
  std::string_view token = Trim(v.substr(kScheme.size()));
  if (token.empty()) return std::nullopt;
  return token;
}

AccessPolicy::Digest AccessPolicy::Hash(std::string_view token) {
  Digest d{};
  unsigned int len = 0;
  EVP_Digest(token.data(), token.size(), d.data(), &len, EVP_sha256(), nullptr);
  return d;
}

bool AccessPolicy::ParseToken(std::string_view text, Digest* out) {
  if (text.empty()) return false;
  if (!text.starts_with(kSha256Prefix)) {
    *out = Hash(text);
    return true;
  }
  std::string_view hex = text.substr(kSha256Prefix.size());
  if (hex.size() != 64) return false;
  for (size_t i = 0; i < 32; ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

AccessPolicy AccessPolicy::Open() { return AccessPolicy(); }

Result<std::vector<AccessPolicy::Digest>> AccessPolicy::ParseDeveloperTokens(
    const std::vector<std::string>& list) {
  if (list.empty()) return InvalidArgument("no developer token is allowed");
  std::vector<Digest> out;
  for (size_t i = 0; i < list.size(); ++i) {
    Digest d{};
    if (!ParseToken(Trim(list[i]), &d)) {
      return InvalidArgument("developer token #" + std::to_string(i + 1) +
                             " is empty or a malformed sha256:<64 hex digits>");
    }
    out.push_back(d);
  }
  return out;
}

Result<std::vector<AccessPolicy::BearerGrant>> AccessPolicy::ParseBearerEntries(
    const std::vector<std::string>& list) {
  if (list.empty()) return InvalidArgument("no bearer token is configured");
  std::vector<BearerGrant> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string where = "bearer token entry #" + std::to_string(i + 1);
    std::vector<std::string_view> words = SplitWhitespace(list[i]);
    if (words.size() < 2) {
      return InvalidArgument(where + " needs a token and at least one customer id (or *)");
    }
    BearerGrant g;
    if (!ParseToken(words[0], &g.token)) {
      return InvalidArgument(where + ": malformed sha256:<64 hex digits>");
    }
    for (size_t w = 1; w < words.size(); ++w) {
      if (words[w] == "*") {
        g.all_customers = true;
        continue;
      }
      std::optional<std::string> id = NormalizeCustomerId(words[w]);
      if (!id) {
        return InvalidArgument(where + ": '" + std::string(words[w]) +
                               "' is not a customer id (digits, dashes allowed) or *");
      }
      g.customers.push_back(std::move(*id));
    }
    for (const BearerGrant& other : out) {
      if (SameDigest(other.token, g.token)) {
        return InvalidArgument(where + " repeats the token of an earlier entry");
      }
    }
    out.push_back(std::move(g));
  }
  return out;
}

Status AccessPolicy::ValidateDeveloperTokens(const std::vector<std::string>& developer_tokens) {
  return ParseDeveloperTokens(developer_tokens).status();
}

Status AccessPolicy::ValidateBearerEntries(const std::vector<std::string>& bearer_entries) {
  return ParseBearerEntries(bearer_entries).status();
}

Result<AccessPolicy> AccessPolicy::Tokens(const std::vector<std::string>& developer_tokens,
                                          const std::vector<std::string>& bearer_entries) {
  AccessPolicy p;
  p.mode_ = Mode::kTokens;
  BG_ASSIGN_OR_RETURN(p.developer_tokens_, ParseDeveloperTokens(developer_tokens));
  BG_ASSIGN_OR_RETURN(p.bearer_, ParseBearerEntries(bearer_entries));
  return p;
}

bool AccessPolicy::DeveloperTokenAllowed(std::string_view token) const {
  const Digest d = Hash(token);
  bool found = false;
  for (const Digest& allowed : developer_tokens_) found |= SameDigest(allowed, d);
  return found;
}

const AccessPolicy::BearerGrant* AccessPolicy::FindBearer(std::string_view token) const {
  const Digest d = Hash(token);
  const BearerGrant* found = nullptr;
  for (const BearerGrant& g : bearer_) {
    if (SameDigest(g.token, d)) found = &g;  // no early exit: every entry costs the same
  }
  return found;
}

AccessPolicy::Grant AccessPolicy::CheckBearer(std::string_view bearer_token,
                                              std::string_view customer_id) const {
  if (mode_ == Mode::kOpen) return Grant::kAllowed;
  const BearerGrant* g = FindBearer(bearer_token);
  if (g == nullptr) return Grant::kUnknownToken;
  if (g->all_customers) return Grant::kAllowed;
  for (const std::string& c : g->customers) {
    if (c == customer_id) return Grant::kAllowed;
  }
  return Grant::kDenied;
}

Result<std::string> AccessPolicy::Authenticate(const http::RequestHead& head,
                                               const RequestHeaderFields& header) const {
  std::optional<std::string_view> bearer = BearerToken(head.Get("Authorization"));
  if (!bearer) return ApiError::Make("AuthenticationError", "OAUTH_TOKEN_HEADER_INVALID");
  const bool tokens = mode_ == Mode::kTokens;
  if (tokens && FindBearer(*bearer) == nullptr) {
    return ApiError::Make("AuthenticationError", "OAUTH_TOKEN_INVALID");
  }
  if (!header.developer_token || header.developer_token->empty()) {
    return ApiError::Make("QuotaCheckError", "INVALID_TOKEN_HEADER");
  }
  if (tokens && !DeveloperTokenAllowed(*header.developer_token)) {
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
  if (CheckBearer(*bearer, *id) != Grant::kAllowed) {
    return ApiError::Make("AuthorizationError", "USER_PERMISSION_DENIED", "",
                          *header.client_customer_id);
  }
  return *id;
}

}  // namespace bg::soap
