// Authentication and authorization of a call: AccessPolicy, built once from config [auth].
//
// Every legacy client sends three credentials: `Authorization: Bearer <token>`, the
// RequestHeader's developerToken and its clientCustomerId. Each failure is its own ApiError (all
// real enum values of the v201702 schema), checked in this order:
//   Authorization missing/empty/other scheme
//       -> AuthenticationError.OAUTH_TOKEN_HEADER_INVALID (the header, not the token, is wrong)
//   tokens mode: bearer token not configured -> AuthenticationError.OAUTH_TOKEN_INVALID
//   developerToken missing/empty
//       -> QuotaCheckError.INVALID_TOKEN_HEADER (AuthenticationError.Reason has no developer
//          token value; the real API answered a missing or unknown developer token with this)
//   tokens mode: developerToken not configured -> QuotaCheckError.INVALID_TOKEN_HEADER
//   clientCustomerId missing/empty -> AuthenticationError.CLIENT_CUSTOMER_ID_IS_REQUIRED
//   clientCustomerId not digits (dashes allowed) -> AuthenticationError.CLIENT_CUSTOMER_ID_INVALID
//   tokens mode: the bearer token may not act for that customer
//       -> AuthorizationError.USER_PERMISSION_DENIED
//
// Modes:
//   open   (the local default) any non-empty bearer and developer token; the customer id alone
//          decides whose jobs a call sees. app/config refuses it on a non-loopback address.
//   tokens allowed developer tokens, and bearer tokens each mapped to the customer ids they may
//          act for ("*": every customer). A token may be given as "sha256:<64 hex>" (the SHA-256
//          of the token) so that config files need not hold the secret itself.
// Tokens are kept as SHA-256 digests and compared in constant time; they never appear in an
// error message.
//
// Immutable after construction; thread-safe.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "http/message.hpp"
#include "soap/envelope.hpp"

namespace bg::soap {

// "123-456-7890" -> "1234567890"; nullopt when anything but digits, dashes and spaces remains or
// there are no digits.
std::optional<std::string> NormalizeCustomerId(std::string_view raw);

// The token of an `Authorization: Bearer <token>` header value (scheme case-insensitive);
// nullopt when the header is absent, empty or of another scheme.
std::optional<std::string_view> BearerToken(std::optional<std::string_view> header);

class AccessPolicy {
 public:
  enum class Mode { kOpen, kTokens };
  enum class Grant { kAllowed, kUnknownToken, kDenied };

  // Any non-empty tokens.
  static AccessPolicy Open();
  // `developer_tokens`: tokens or "sha256:<hex>". `bearer_entries`: "TOKEN CUSTOMER [CUSTOMER...]"
  // (whitespace-separated; CUSTOMER is an id with or without dashes, or "*"). InvalidArgument
  // names the bad entry by its 1-based position, never by its token. Both lists must be
  // non-empty.
  static Result<AccessPolicy> Tokens(const std::vector<std::string>& developer_tokens,
                                     const std::vector<std::string>& bearer_entries);

  // The checks Tokens() makes of each list alone (for config validation).
  static Status ValidateDeveloperTokens(const std::vector<std::string>& developer_tokens);
  static Status ValidateBearerEntries(const std::vector<std::string>& bearer_entries);

  Mode mode() const { return mode_; }

  // Checks a SOAP call's credentials in the order above; returns the normalized customer id.
  Result<std::string> Authenticate(const http::RequestHead& head,
                                   const RequestHeaderFields& header) const;
  // May `bearer_token` act for `customer_id` (digits only)? Open mode: always.
  Grant CheckBearer(std::string_view bearer_token, std::string_view customer_id) const;

 private:
  using Digest = std::array<unsigned char, 32>;
  struct BearerGrant {
    Digest token;
    bool all_customers = false;
    std::vector<std::string> customers;  // normalized
  };
  static Digest Hash(std::string_view token);
  static bool ParseToken(std::string_view text, Digest* out);
  static Result<std::vector<Digest>> ParseDeveloperTokens(const std::vector<std::string>& list);
  static Result<std::vector<BearerGrant>> ParseBearerEntries(const std::vector<std::string>& list);
  bool DeveloperTokenAllowed(std::string_view token) const;
  const BearerGrant* FindBearer(std::string_view token) const;

  Mode mode_ = Mode::kOpen;
  std::vector<Digest> developer_tokens_;
  std::vector<BearerGrant> bearer_;
};

}  // namespace bg::soap
