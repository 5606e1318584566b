// Cloud Storage error responses, shared by the upload (upload/) and download (results/)
// endpoints, which speak that protocol rather than SOAP:
//   XML API (default):  <?xml version='1.0' encoding='UTF-8'?><Error><Code>…</Code><Message>…
//                       </Message></Error>
//   JSON API:           {"error":{"code":<status>,"message":"…","errors":[{"domain":"global",
//                       "reason":"<code, lowerCamel>","message":"…"}]}}
// The JSON shape is used when the request asks for JSON (PreferredErrorFormat): the .NET library
// parses JSON error bodies and dereferences "error" (reference legacy-protocol.md §8).
// Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "http/message.hpp"

namespace bg::http {

enum class ErrorFormat { kXml, kJson };

// kJson when the Accept header names a JSON media type (application/json, */*+json) before any
// XML one, or the query has alt=json (the JSON API's switch); kXml otherwise.
ErrorFormat PreferredErrorFormat(const RequestHead& head);

Response StorageError(int status, std::string_view code, std::string_view message);
Response StorageError(int status, std::string_view code, std::string_view message,
                      ErrorFormat format);

}  // namespace bg::http
