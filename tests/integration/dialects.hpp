// How each client library cuts an upload into resumable-upload requests (reference §3.1), so
// that integration tests send exactly what the real libraries send.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace bg::testing {

inline constexpr size_t kPadUnit = 262144;

struct UploadRequest {
  std::string method = "PUT";
  std::string body;
  std::string content_range;  // without the "Content-Range: " name
  std::vector<std::pair<std::string, std::string>> extra_headers;
};

enum class Dialect { kPython, kJavaAxis, kJavaJaxws, kPhp, kRuby, kPerl, kDotnet };

const char* DialectName(Dialect d);
// The fixture file under fixtures/uploads/ for the dialect.
std::string DialectFixture(Dialect d);

// `body` padded with spaces to the next multiple of 262144 (a full extra unit when `always_extra`
// and the body is already aligned, as .NET does).
std::string PadToUnit(std::string body, bool always_extra = false);

// The PUT requests a library sends for the complete document `doc`, in order.
std::vector<UploadRequest> DialectRequests(Dialect d, const std::string& doc);

// The three requests of the v201702 guide: 262144 + 262144 + 17 bytes (the last padded to 262144),
// cut anywhere in the byte stream. `doc` must be exactly 524305 bytes long.
std::vector<UploadRequest> GuideExampleRequests(const std::string& doc);

}  // namespace bg::testing
