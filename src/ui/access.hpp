// Who may use the dashboard's API: the same credentials and the same check as a SOAP call.
//
// An API request carries the credentials a client library sends, as HTTP headers:
//   Authorization: Bearer <token>      (the OAuth access token)
//   developer-token: <token>           (the SOAP RequestHeader's developerToken)
// and names the customer(s) it is about in its `customer` query parameter (one id, or several
// separated by commas for the jobs list; dashes allowed). Every customer named is checked by the
// server's soap::AccessPolicy with those headers, exactly as a SOAP RequestHeader with that
// clientCustomerId would be (config [auth]: in tokens mode a bearer token sees only the customers
// it is mapped to), and the first refusal answers the whole request with that ApiError
// (AuthenticationError.OAUTH_TOKEN_HEADER_INVALID / OAUTH_TOKEN_INVALID,
// AuthorizationError.USER_PERMISSION_DENIED, QuotaCheckError.INVALID_TOKEN_HEADER,
// AuthenticationError.CLIENT_CUSTOMER_ID_IS_REQUIRED / CLIENT_CUSTOMER_ID_INVALID).
//
// This file is the ONE place of ui/ that calls the authentication. What the API then does with
// the customers it returns (list only their jobs, answer another customer's job as missing) is
// the caller's part, in api.cpp. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "http/message.hpp"
#include "soap/auth.hpp"

namespace bg::ui {

// The most customers one request may name.
inline constexpr size_t kMaxCustomersPerRequest = 50;

// The normalized (digits only), distinct customer ids of `customers` that the request's
// credentials may see, in the order given; an ApiError Status when any is refused, or
// InvalidArgument when more than kMaxCustomersPerRequest are named.
Result<std::vector<std::string>> AuthorizeCustomers(const http::RequestHead& head,
                                                    std::string_view customers,
                                                    const soap::AccessPolicy& access);

}  // namespace bg::ui
