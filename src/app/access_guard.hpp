// The access policy (soap/auth.hpp) on the signed upload and download URLs.
//
// Those URLs are capabilities already: HMAC-signed for one customer's job, with an expiry. Legacy
// clients send no credentials with them. When a request to one DOES carry `Authorization: Bearer`
// and auth.mode is "tokens", the token must still be allowed to act for the URL's customer —
// so a token whose grant was withdrawn in the config cannot go on uploading or downloading with
// URLs handed out earlier. Refusals are Cloud Storage-shaped: an unknown token gets
// 401 AuthenticationRequired, a token without that customer 403 AccessDenied. Anything that is
// not a well-formed signed URL is left to the upload/download service (404).
// Pure function; thread-safe.
#pragma once

#include <memory>

#include "http/message.hpp"
#include "soap/auth.hpp"

namespace bg::app {

// nullptr: go on to the service; otherwise the refusal to send.
std::unique_ptr<http::Exchange> GuardSignedUrl(const soap::AccessPolicy& policy,
                                               const http::RequestHead& head);

}  // namespace bg::app
