// ResponseMemo: the rendered body element of a `get` or `query` (<getResponse …>…), kept per
// I/O thread and reused for a byte-identical request as long as what it shows cannot have
// changed. The client libraries poll a job with the same request until it is DONE; without the
// memo every poll parses the envelope, authenticates, reads and validates the selector and
// renders the jobs again.
//
// What a rendering depends on, and how each is covered:
//   * the request: its target, Host header, TLS flag, Authorization header and body bytes are the
//     key, compared whole (never a hash alone: another customer's request must never match);
//   * the access policy, the URL signer and the options: fixed for a SoapService, whose serial
//     (`owner`) is part of every entry;
//   * the jobs: the JobStore's StoreVersion, read before the request was handled;
//   * the clock: a rendering that would change by itself at some time (a downloadUrl that
//     disappears when the results' retention ends) is kept only until then (`valid_until_ms`).
// Only successful `get`/`query` calls that changed nothing are kept (the caller decides); the
// ResponseHeader (requestId, responseTime) is written anew for every response.
//
// Bounded: requests over kMaxKeyBytes and renderings over kMaxPayloadBytes are not kept, and a
// thread's memo is emptied when it holds kMaxEntries or kMaxBytes (keys and payloads).
// Thread-safe: every thread has its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "store/job_store.hpp"

namespace bg::soap {

class ResponseMemo {
 public:
  static constexpr size_t kMaxKeyBytes = 16 << 10;
  static constexpr size_t kMaxPayloadBytes = 64 << 10;
  static constexpr size_t kMaxEntries = 256;
  static constexpr size_t kMaxBytes = 4 << 20;

  struct Entry {
    std::string method;   // "get" | "query": the ResponseHeader's methodName
    std::string payload;  // the body element, as BatchJobService wrote it
  };

  // The key of a request; nullopt when it is too large to be kept.
  static std::optional<std::string> Key(const http::RequestHead& head, std::string_view body);

  // This thread's entry for `key`, made by `owner` at `version`, if `now_ms` is before its end;
  // nullptr otherwise. The pointer is valid until this thread's next Keep().
  static const Entry* Find(uint64_t owner, const std::string& key, store::StoreVersion version,
                           int64_t now_ms);

  // Keeps `entry` for `key` on this thread (replacing an older one).
  static void Keep(uint64_t owner, std::string key, store::StoreVersion version,
                   int64_t valid_until_ms, Entry entry);

  // How many Find() calls of this thread found an entry (for tests).
  static uint64_t hits();
};

}  // namespace bg::soap
