#include "common/xml_writer.hpp"

namespace bg::xml {

namespace {

// Bytes AppendEscaped must look at: & < > " and the control characters.
struct EscapeTable {
  bool special[256];
  EscapeTable() {
    for (int c = 0; c < 256; ++c) special[c] = c == '&' || c == '<' || c == '>' || c == '"' || c < 0x20;
  }
};
const EscapeTable kEscape;

}  // namespace

void AppendEscaped(std::string_view text, bool attribute, std::string* out) {
  const char* run = text.data();  // start of the bytes not yet appended
  const char* end = text.data() + text.size();
  for (const char* p = run; p < end; ++p) {
    auto c = static_cast<unsigned char>(*p);
    if (!kEscape.special[c]) continue;
    std::string_view replacement;
    switch (c) {
      case '&': replacement = "&amp;"; break;
      case '<': replacement = "&lt;"; break;
      case '>': replacement = "&gt;"; break;
      case '"':
        if (!attribute) continue;
        replacement = "&quot;";
        break;
      case '\n':
        if (!attribute) continue;
        replacement = "&#10;";
        break;
      case '\r':
        if (!attribute) continue;
        replacement = "&#13;";
        break;
      case '\t':
        if (!attribute) continue;
        replacement = "&#9;";
        break;
      default:
        break;  // not allowed in XML 1.0: dropped
    }
    out->append(run, static_cast<size_t>(p - run));
    out->append(replacement);
    run = p + 1;
  }
  out->append(run, static_cast<size_t>(end - run));
}

void XmlWriter::Declaration() { sink_->Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"); }

void XmlWriter::CloseStartTag() {
  if (start_open_) {
    sink_->Append(">");
    start_open_ = false;
  }
}

void XmlWriter::Start(std::string_view name) {
  CloseStartTag();
  buf_.clear();
  buf_.push_back('<');
  buf_.append(name);
  sink_->Append(buf_);
  stack_.push_back(names_.size());
  names_.append(name);
  start_open_ = true;
}

void XmlWriter::Attribute(std::string_view name, std::string_view value) {
  buf_.clear();
  buf_.push_back(' ');
  buf_.append(name);
  buf_.append("=\"");
  AppendEscaped(value, true, &buf_);
  buf_.push_back('"');
  sink_->Append(buf_);
}

void XmlWriter::Text(std::string_view text) {
  CloseStartTag();
  buf_.clear();
  AppendEscaped(text, false, &buf_);
  sink_->Append(buf_);
}

void XmlWriter::End(bool self_close) {
  if (stack_.empty()) return;
  if (start_open_ && self_close) {
    sink_->Append("/>");
    start_open_ = false;
  } else {
    CloseStartTag();
    buf_.assign("</");
    buf_.append(std::string_view(names_).substr(stack_.back()));
    buf_.push_back('>');
    sink_->Append(buf_);
  }
  names_.resize(stack_.back());
  stack_.pop_back();
}

void XmlWriter::Leaf(std::string_view name, std::string_view text) {
  CloseStartTag();  // what Start(name); Text(text); End() writes, in one piece
  buf_.clear();
  buf_.push_back('<');
  buf_.append(name);
  buf_.push_back('>');
  AppendEscaped(text, false, &buf_);
  buf_.append("</");
  buf_.append(name);
  buf_.push_back('>');
  sink_->Append(buf_);
}

void XmlWriter::Leaf(std::string_view name, int64_t value) { Leaf(name, std::to_string(value)); }

void XmlWriter::Raw(std::string_view xml) {
  CloseStartTag();
  sink_->Append(xml);
}

void XmlWriter::EndAll() {
  while (!stack_.empty()) End();
}

}  // namespace bg::xml
