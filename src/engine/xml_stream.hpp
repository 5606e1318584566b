// XmlStream: the expat layer under OpReader — a pull-style, namespace-agnostic SAX stream over a
// file prefix, fed in fixed-size blocks so that memory stays bounded.
//
// Why a wrapper: expat is push-based; OpReader wants "give me the next operation". XmlStream feeds
// the file block by block (kBlockSize) into expat's own buffer and lets the handler suspend the
// parser (Suspend()) after each complete operation; Pump() resumes it later.
//
// Lenient by construction: expat runs WITHOUT namespace processing, every element/attribute name
// is reduced here to its local part (text after the last ':'), so undeclared or wrong prefixes
// never fail. Secure by construction: a DOCTYPE (and with it any entity declaration) stops the
// parse with an error, external entities are never loaded; only the predefined entities and
// character references are decoded (by expat).
//
// Owns its file descriptor and the expat parser. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.hpp"

namespace bg::engine {

// The parts of a start tag OpReader cares about.
struct StartTag {
  std::string_view local;  // element local name
  std::string_view
      xsi_type;      // local part of the value of any "*:type"/"type" attribute; "" if none
  bool nil = false;  // xsi:nil="true" (or "1")
};

struct XmlPosition {
  uint64_t byte_offset = 0;
  uint64_t line = 0;    // 1-based
  uint64_t column = 0;  // 1-based
};

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void OnStart(const StartTag& tag) = 0;
  virtual void OnEnd() = 0;
  // Character data (text, CDATA content, decoded entities); may arrive in several pieces.
  virtual void OnText(std::string_view text) = 0;
};

class XmlStream {
 public:
  static constexpr size_t kBlockSize = 256 * 1024;

  enum class State { kRunning, kSuspended, kDone, kFailed };

  // Streams the first `length` bytes of `path` into `handler` (which must outlive the stream).
  static Result<std::unique_ptr<XmlStream>> Open(const std::string& path, uint64_t length,
                                                 XmlHandler* handler);
  ~XmlStream();
  XmlStream(const XmlStream&) = delete;
  XmlStream& operator=(const XmlStream&) = delete;

  // Parses until the handler suspends, the document ends, or an error occurs.
  State Pump();

  // Called from a handler callback: stop after the current event (Pump() returns kSuspended).
  void Suspend();
  // Called from a handler callback: stop with a document error at the current event.
  void Fail(std::string what);

  // Position of the event being handled (valid inside callbacks).
  XmlPosition Position() const;
  // Byte offset just past the event being handled (valid inside callbacks).
  uint64_t EventEnd() const;
  uint64_t bytes_fed() const { return fed_; }

  // Details of the failure once Pump() returned kFailed.
  const XmlPosition& error_position() const { return error_pos_; }
  const std::string& error_what() const { return error_what_; }

 private:
  struct Impl;
  XmlStream() = default;
  State Feed();
  State AfterParse(int status);

  std::unique_ptr<Impl> impl_;
  int fd_ = -1;
  uint64_t length_ = 0;
  uint64_t fed_ = 0;
  bool final_fed_ = false;
  bool suspended_ = false;
  State state_ = State::kRunning;
  XmlPosition error_pos_;
  std::string error_what_;
};

}  // namespace bg::engine
