#include "common/xml_writer.hpp"

namespace bg::xml {

void AppendEscaped(std::string_view text, bool attribute, std::string* out) {
  for (unsigned char c : text) {
    switch (c) {
      case '&': out->append("&amp;"); break;
      case '<': out->append("&lt;"); break;
      case '>': out->append("&gt;"); break;
      case '"':
        if (attribute) {
          out->append("&quot;");
        } else {
          out->push_back('"');
        }
        break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;  // not allowed in XML 1.0
        if (attribute && (c == '\n' || c == '\r' || c == '\t')) {
          out->append(c == '\n' ? "&#10;" : c == '\r' ? "&#13;" : "&#9;");
          break;
        }
        out->push_back(static_cast<char>(c));
    }
  }
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
  stack_.emplace_back(name);
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
    buf_.append(stack_.back());
    buf_.push_back('>');
    sink_->Append(buf_);
  }
  stack_.pop_back();
}

void XmlWriter::Leaf(std::string_view name, std::string_view text) {
  Start(name);
  Text(text);
  End();
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
