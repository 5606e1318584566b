// Cloud Storage XML API error responses, shared by the upload (upload/) and download (results/)
// endpoints, which speak that protocol rather than SOAP:
//   <?xml version='1.0' encoding='UTF-8'?><Error><Code>…</Code><Message>…</Message></Error>
// Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "http/message.hpp"

namespace bg::http {

Response StorageError(int status, std::string_view code, std::string_view message);

}  // namespace bg::http
