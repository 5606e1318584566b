// XmlWriter: the one way batchgate produces XML text (SOAP responses, faults, results, WSDLs).
//
// Streaming and allocation-light: it appends to an XmlSink (a std::string, or a buffered file in
// results/). Element and attribute names are written as given (callers pass unprefixed local
// names or fixed prefixes like "soap:Envelope"); text and attribute values are escaped here and
// nowhere else. Start tags stay open until the first child/text/end so that empty elements can be
// written as <x/> when wanted. Not thread-safe; one writer per document.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bg::xml {

class XmlSink {
 public:
  virtual ~XmlSink() = default;
  virtual void Append(std::string_view bytes) = 0;
};

class StringSink : public XmlSink {
 public:
  explicit StringSink(std::string* out) : out_(out) {}
  void Append(std::string_view bytes) override { out_->append(bytes); }

 private:
  std::string* out_;
};

// Escapes &, <, > and (in attributes) " for XML; invalid XML 1.0 control characters are dropped.
void AppendEscaped(std::string_view text, bool attribute, std::string* out);

class XmlWriter {
 public:
  explicit XmlWriter(XmlSink* sink) : sink_(sink) {}
  // Convenience: write into a string owned by the caller.
  explicit XmlWriter(std::string* out) : owned_sink_(out), sink_(&owned_sink_) {}

  // <?xml version="1.0" encoding="UTF-8"?> (no newline after it).
  void Declaration();
  void Start(std::string_view name);
  void Attribute(std::string_view name, std::string_view value);
  void Text(std::string_view text);
  // Closes the innermost element. Empty elements are written as <name></name> unless
  // self_close is true.
  void End(bool self_close = false);
  // <name>text</name>
  void Leaf(std::string_view name, std::string_view text);
  void Leaf(std::string_view name, int64_t value);
  // Appends already well-formed XML (e.g. a stored fragment). Caller guarantees well-formedness.
  void Raw(std::string_view xml);
  // Closes every open element.
  void EndAll();
  size_t depth() const { return stack_.size(); }

 private:
  void CloseStartTag();

  StringSink owned_sink_{nullptr};
  XmlSink* sink_;
  std::string names_;          // the open elements' names, concatenated
  std::vector<size_t> stack_;  // where each open element's name starts in names_
  bool start_open_ = false;
  std::string buf_;
};

}  // namespace bg::xml
