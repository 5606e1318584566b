// XmlStream: the XML layer under OpReader and ScanDocument — a pull-style, namespace-agnostic SAX
// stream over a file prefix, fed in fixed-size blocks so that memory stays bounded.
//
// Two engines behind one interface:
//  * expat (kExpat): the reference. Push-based, so XmlStream feeds the file block by block
//    (kBlockSize) into expat's own buffer and lets the handler suspend the parser (Suspend())
//    after each complete operation; Pump() resumes it later. It decides every document and
//    reports every error with byte offset, line and column.
//  * fast (kFast): a tokenizer of our own for what uploads really contain (UTF-8, ASCII names,
//    elements, attributes, text, the predefined entities and character references, CDATA,
//    comments, PIs). It is several times faster than expat and yields exactly the events expat
//    would, for every document it accepts: that is its contract, checked by a differential test
//    and a fuzz target against expat. Whatever it does not handle, including every error, ends
//    it with kUnsupported, and the caller runs expat instead (decides nothing by itself).
//
// Lenient by construction: neither engine does namespace processing, every element/attribute
// name is reduced to its local part (text after the last ':'), so undeclared or wrong prefixes
// never fail. Secure by construction: a DOCTYPE (and with it any entity declaration) stops the
// parse with an error, external entities are never loaded; only the predefined entities and
// character references are decoded.
//
// A stream owns its file descriptor and its parser state. Not thread-safe.
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

// Which tokenizer an XmlStream runs (see the top of this file).
enum class XmlEngine { kFast, kExpat };

class XmlStream {
 public:
  static constexpr size_t kBlockSize = 256 * 1024;

  // kUnsupported (fast engine only): the document holds something the fast tokenizer leaves to
  // expat (any well-formedness error, a handler's Fail(), a DOCTYPE, another encoding, a non-ASCII
  // name, an oversized markup token). Nothing about the document is decided: run expat.
  enum class State { kRunning, kSuspended, kDone, kFailed, kUnsupported };

  // Streams the first `length` bytes of `path` into `handler` (which must outlive the stream).
  static Result<std::unique_ptr<XmlStream>> Open(const std::string& path, uint64_t length,
                                                 XmlHandler* handler,
                                                 XmlEngine engine = XmlEngine::kExpat);
  virtual ~XmlStream() = default;

  // Parses until the handler suspends, the document ends, or an error occurs.
  virtual State Pump() = 0;

  // Called from a handler callback: stop after the current event (Pump() returns kSuspended).
  virtual void Suspend() = 0;
  // Called from a handler callback: stop with a document error at the current event.
  virtual void Fail(std::string what) = 0;

  // Position of the event being handled (valid inside callbacks; the fast engine knows the byte
  // offset only, as it never reports an error itself).
  virtual XmlPosition Position() const = 0;
  // Byte offset just past the event being handled (valid inside callbacks).
  virtual uint64_t EventEnd() const = 0;
  virtual uint64_t bytes_fed() const = 0;

  // Details of the failure once Pump() returned kFailed.
  const XmlPosition& error_position() const { return error_pos_; }
  const std::string& error_what() const { return error_what_; }

 protected:
  XmlStream() = default;
  XmlPosition error_pos_;
  std::string error_what_;
};

// The expat engine (xml_stream.cpp) and the fast one (fast_xml_stream.cpp); Open() picks.
Result<std::unique_ptr<XmlStream>> OpenExpatStream(const std::string& path, uint64_t length,
                                                   XmlHandler* handler);
Result<std::unique_ptr<XmlStream>> OpenFastStream(const std::string& path, uint64_t length,
                                                  XmlHandler* handler);

}  // namespace bg::engine
