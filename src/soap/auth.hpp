// Authentication of a SOAP call: the three credentials every legacy client sends, each missing
// one answered by its own ApiError (all real enum values of the v201702 schema):
//   Authorization: Bearer <token> missing/empty/other scheme
//       -> AuthenticationError.OAUTH_TOKEN_HEADER_INVALID (the header, not the token, is wrong;
//          any non-empty token is accepted: the gateway does not verify OAuth tokens)
//   developerToken missing/empty
//       -> QuotaCheckError.INVALID_TOKEN_HEADER (AuthenticationError.Reason has no developer
//          token value; this is the reason the real API used for a missing developer token)
//   clientCustomerId missing/empty -> AuthenticationError.CLIENT_CUSTOMER_ID_IS_REQUIRED
//   clientCustomerId not digits (dashes allowed) -> AuthenticationError.CLIENT_CUSTOMER_ID_INVALID
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.hpp"
#include "http/message.hpp"
#include "soap/envelope.hpp"

namespace bg::soap {

// "123-456-7890" -> "1234567890"; nullopt when anything but digits, dashes and spaces remains or
// there are no digits.
std::optional<std::string> NormalizeCustomerId(std::string_view raw);

// Checks the credentials in the order above; returns the normalized customer id.
Result<std::string> Authenticate(const http::RequestHead& head, const RequestHeaderFields& header);

}  // namespace bg::soap
