// Wall-clock time in unix milliseconds, and the "account time" format TemporaryUrl.expiration
// uses on the wire ("yyyyMMdd HHmmss <zone>", e.g. "20170311 143505 UTC").
#pragma once

#include <cstdint>
#include <string>

namespace bg {

int64_t NowMs();
std::string AccountTime(int64_t unix_ms);

}  // namespace bg
