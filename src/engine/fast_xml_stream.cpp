// The fast XmlStream engine (xml_stream.hpp): a pull tokenizer over a sliding window of the file.
//
// The contract is one-sided: for every document it parses to the end, the events (start tags
// reduced as StartTag, end tags, the concatenation of the texts between them) are exactly those
// expat delivers. Anything else ends with kUnsupported, never with a verdict of its own, so its
// rules only need to be a subset of expat's: ASCII names, UTF-8 only, the five predefined
// entities and character references, CDATA, comments, PIs, one XML declaration at the start in
// the usual form. Every well-formedness error, a DOCTYPE, a handler's Fail() and any markup
// token longer than kMaxToken are left to expat.
//
// The window holds the bytes from the start of the token being parsed to what has been read; a
// token that reaches the end of the window is parsed again once more bytes are in (its parse has
// no side effects until it is complete). Text is delivered in pieces and never waits for more
// than a few bytes (an entity, a UTF-8 sequence, a CR LF pair, a "]]>").
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "engine/fast_xml_tokens.hpp"
#include "engine/xml_stream.hpp"

namespace bg::engine {
namespace {

using fastxml::CdataEnd;
using fastxml::Comment;
using fastxml::IsSpace;
using fastxml::kPlain;
using fastxml::kT;
using fastxml::LocalPart;
using fastxml::ProcessingInstruction;
using fastxml::Reference;
using fastxml::Tok;
using fastxml::Utf8Char;
using fastxml::XmlDeclaration;

constexpr size_t kMaxToken = 1 << 20;  // longest tag, comment, PI or CDATA section handled here

class FastStream final : public XmlStream {
 public:
  FastStream(int fd, uint64_t length, XmlHandler* handler)
      : fd_(fd), length_(length), handler_(handler) {
    buf_.resize(kBlockSize);
    names_.reserve(256);
    name_ends_.reserve(32);
  }
  ~FastStream() override {
    if (fd_ >= 0) ::close(fd_);
  }

  State Pump() override;
  void Suspend() override { suspend_ = true; }
  void Fail(std::string) override { handler_failed_ = true; }
  XmlPosition Position() const override { return {event_start_, 0, 0}; }
  uint64_t EventEnd() const override { return event_end_; }
  uint64_t bytes_fed() const override { return read_; }

 private:
  enum class Where { kStart, kProlog, kContent, kEpilog };

  uint64_t OffsetOf(const char* p) const { return base_ + static_cast<uint64_t>(p - buf_.data()); }
  const char* begin() const { return buf_.data() + pos_; }
  const char* end() const { return buf_.data() + end_; }
  bool at_eof() const { return read_ >= length_ || eof_; }

  // Keeps bytes from pos_ on and reads more; false when nothing more can come (or the token
  // would exceed kMaxToken).
  bool Refill();
  State Unsupported() {
    state_ = State::kUnsupported;
    return state_;
  }

  Tok StartElement(const char* p, const char** next);
  Tok EndElement(const char* p, const char** next);
  Tok Cdata(const char* p, const char** next);
  // Delivers text from pos_ until '<' or what the window holds; returns kMore when it needs
  // more bytes to go on, kOk at a '<'.
  Tok Text();
  // An attribute value between quotes starting at p (the quote); normalized and decoded into
  // out when `want`, validated anyway.
  Tok AttrValue(const char* p, bool want, std::string* out, const char** next);

  int fd_;
  uint64_t length_;
  XmlHandler* handler_;
  std::vector<char> buf_;
  size_t pos_ = 0, end_ = 0;  // window: buf_[pos_, end_)
  uint64_t base_ = 0;         // file offset of buf_[0]
  uint64_t read_ = 0;
  bool eof_ = false;
  Where where_ = Where::kStart;
  std::string names_;              // open element names, concatenated
  std::vector<size_t> name_ends_;  // end of each in names_
  std::string scratch_, type_value_, nil_value_;
  std::vector<std::pair<const char*, size_t>> attr_names_;
  bool pending_cr_ = false;  // text: a CR was delivered as LF; skip an LF right after it
  bool bom_done_ = false;
  bool suspend_ = false;
  bool handler_failed_ = false;
  uint64_t event_start_ = 0, event_end_ = 0;
  State state_ = State::kRunning;
};

bool FastStream::Refill() {
  if (at_eof()) return false;
  size_t keep = end_ - pos_;
  if (keep > kMaxToken) return false;
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, keep);
    base_ += pos_;
    pos_ = 0;
    end_ = keep;
  }
  if (buf_.size() - end_ < kBlockSize / 2)
    buf_.resize(std::max(buf_.size() * 2, end_ + kBlockSize));
  size_t want = static_cast<size_t>(std::min<uint64_t>(buf_.size() - end_, length_ - read_));
  while (want > 0) {
    ssize_t n = ::pread(fd_, buf_.data() + end_, want, static_cast<off_t>(read_));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      state_ = State::kFailed;
      error_pos_.byte_offset = read_;
      error_what_ = std::string("read error: ") + std::strerror(errno);
      return false;
    }
    if (n == 0) {
      eof_ = true;  // shorter than announced: a truncated document (expat will say so)
      break;
    }
    end_ += static_cast<size_t>(n);
    read_ += static_cast<uint64_t>(n);
    break;
  }
  return true;
}

XmlStream::State FastStream::Pump() {
  if (state_ == State::kSuspended) state_ = State::kRunning;
  // Refill() failing ends the parse: a read error, or a document that ends (or a token that
  // grows) where this engine cannot go on.
  auto refill_or_stop = [&] {
    if (Refill()) return true;
    if (state_ != State::kFailed) state_ = State::kUnsupported;
    return false;
  };
  while (state_ == State::kRunning) {
    if (suspend_) {
      suspend_ = false;
      state_ = State::kSuspended;
      return state_;
    }
    if (handler_failed_) return Unsupported();
    const char* p = begin();
    if (where_ == Where::kStart) {
      // A UTF-8 byte order mark, then the XML declaration if any, must come first.
      if (end() - p < 9 && !at_eof()) {
        if (!refill_or_stop()) break;
        continue;
      }
      if (!bom_done_) {
        bom_done_ = true;
        if (end() - p >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
          pos_ += 3;
          continue;
        }
      }
      if (end() - p >= 6 && std::memcmp(p, "<?xml", 5) == 0 && IsSpace(p[5])) {
        const char* next = nullptr;
        event_start_ = OffsetOf(p);
        Tok t = XmlDeclaration(p, end(), &next);
        if (t == Tok::kBad) return Unsupported();
        if (t == Tok::kMore) {
          if (!refill_or_stop()) break;
          continue;
        }
        pos_ = static_cast<size_t>(next - buf_.data());
      }
      where_ = Where::kProlog;
      continue;
    }
    if (where_ == Where::kContent) {
      if (p == end()) {
        if (!refill_or_stop()) break;
        continue;
      }
      if (*p != '<') {
        Tok t = Text();
        if (t == Tok::kBad) return Unsupported();
        if (t == Tok::kMore && !refill_or_stop()) break;
        continue;
      }
    } else {  // prolog / epilog: white space only between markup
      while (p < end() && IsSpace(*p)) ++p;
      pos_ = static_cast<size_t>(p - buf_.data());
      if (p == end()) {
        if (at_eof() && where_ == Where::kEpilog) {
          state_ = State::kDone;
          break;
        }
        if (!refill_or_stop()) break;  // at the end without a root element: expat says so
        continue;
      }
      if (*p != '<') return Unsupported();
    }
    // Markup at p.
    if (end() - p < 9 && !at_eof()) {  // "<![CDATA[" is the longest prefix looked at
      if (!refill_or_stop()) break;
      continue;
    }
    pending_cr_ = false;
    const char* next = nullptr;
    Tok t;
    event_start_ = OffsetOf(p);
    const ptrdiff_t avail = end() - p;
    if (avail >= 2 && p[1] == '?') {
      t = ProcessingInstruction(p, end(), &next);
    } else if (avail >= 4 && std::memcmp(p, "<!--", 4) == 0) {
      t = Comment(p, end(), &next);
    } else if (avail >= 2 && p[1] == '!') {
      if (where_ != Where::kContent || avail < 9 || std::memcmp(p, "<![CDATA[", 9) != 0) {
        return Unsupported();  // DOCTYPE, or a CDATA section outside the root
      }
      t = Cdata(p, &next);
    } else if (avail >= 2 && p[1] == '/') {
      if (where_ != Where::kContent) return Unsupported();
      t = EndElement(p, &next);
    } else {
      if (where_ == Where::kEpilog) return Unsupported();  // a second root
      t = StartElement(p, &next);
    }
    if (t == Tok::kBad) return Unsupported();
    if (t == Tok::kMore) {
      if (!refill_or_stop()) break;
      continue;
    }
    pos_ = static_cast<size_t>(next - buf_.data());
  }
  return state_;
}

Tok FastStream::Cdata(const char* p, const char** next) {
  // Validate to the end first (no events before the section is complete).
  const char* start = p + 9;
  const char* close = nullptr;
  Tok t = CdataEnd(p, end(), &close);
  if (t != Tok::kOk) return t;
  event_end_ = OffsetOf(close + 3);
  // Deliver with line ends normalized (CR LF and CR become LF).
  const char* s = start;
  for (const char* r = start; r < close;) {
    if (*r != '\r') {
      ++r;
      continue;
    }
    if (r > s) handler_->OnText(std::string_view(s, static_cast<size_t>(r - s)));
    handler_->OnText("\n");
    r += (r + 1 < close && r[1] == '\n') ? 2 : 1;
    s = r;
  }
  if (close > s) handler_->OnText(std::string_view(s, static_cast<size_t>(close - s)));
  pending_cr_ = false;
  *next = close + 3;
  return Tok::kOk;
}

Tok FastStream::Text() {
  const char* p = begin();
  const char* e = end();
  if (pending_cr_) {  // the last window ended with a CR (delivered as LF): drop an LF after it
    pending_cr_ = false;
    if (*p == '\n') ++p;
  }
  const char* s = p;  // start of the piece not yet delivered
  auto stop = [&](const char* at) {
    if (at > s) handler_->OnText(std::string_view(s, static_cast<size_t>(at - s)));
    pos_ = static_cast<size_t>(at - buf_.data());
  };
  while (p < e) {
    auto c = static_cast<uint8_t>(*p);
    if (kT.text[c] == kPlain) {
      ++p;
      continue;
    }
    if (c == '<') break;
    if (c == '\r') {  // CR LF and CR become LF
      stop(p);
      handler_->OnText("\n");
      ++p;
      if (p == e) {
        pending_cr_ = !at_eof();
      } else if (*p == '\n') {
        ++p;
      }
      s = p;
      continue;
    }
    if (c == '&') {
      stop(p);
      scratch_.clear();
      const char* after = nullptr;
      Tok t = Reference(p, e, &scratch_, &after);
      if (t != Tok::kOk) return t;  // kMore: the reference is parsed again from pos_
      handler_->OnText(scratch_);
      p = s = after;
      continue;
    }
    if (c == ']') {  // "]]>" may not appear in character data
      if (e - p < 3 && !at_eof()) {
        stop(p);
        return Tok::kMore;
      }
      if (e - p >= 3 && p[1] == ']' && p[2] == '>') return Tok::kBad;
      ++p;
      continue;
    }
    if (c >= 0x80) {
      int n = Utf8Char(p, e);
      if (n == 0) return Tok::kBad;
      if (n < 0) {
        stop(p);
        return Tok::kMore;
      }
      p += n;
      continue;
    }
    return Tok::kBad;  // a control character
  }
  stop(p);
  return p < e ? Tok::kOk : Tok::kMore;
}

Tok FastStream::AttrValue(const char* p, bool want, std::string* out, const char** next) {
  const char* e = end();
  char quote = *p;
  const char* q = p + 1;
  if (want) out->clear();
  while (q < e) {
    auto c = static_cast<uint8_t>(*q);
    if (c == static_cast<uint8_t>(quote)) {
      *next = q + 1;
      return Tok::kOk;
    }
    if (c == '<') return Tok::kBad;
    if (c == '&') {
      const char* after = nullptr;
      std::string decoded;
      Tok t = Reference(q, e, want ? out : &decoded, &after);
      if (t != Tok::kOk) return t;
      q = after;
      continue;
    }
    if (c == '\r') {  // CR LF -> one space; CR, LF, TAB -> space
      if (q + 1 >= e) return Tok::kMore;
      if (want) out->push_back(' ');
      q += q[1] == '\n' ? 2 : 1;
      continue;
    }
    if (c >= 0x80) {
      int n = Utf8Char(q, e);
      if (n == 0) return Tok::kBad;
      if (n < 0) return Tok::kMore;
      if (want) out->append(q, static_cast<size_t>(n));
      q += n;
      continue;
    }
    if (c < 0x20 && c != '\t' && c != '\n') return Tok::kBad;
    if (want) out->push_back(c == '\t' || c == '\n' ? ' ' : static_cast<char>(c));
    ++q;
  }
  return Tok::kMore;
}

Tok FastStream::StartElement(const char* p, const char** next) {
  const char* q = p + 1;
  const char* e = end();
  if (q >= e) return Tok::kMore;
  if (!kT.name_start[static_cast<uint8_t>(*q)]) return Tok::kBad;
  const char* name = q;
  while (q < e && kT.name_char[static_cast<uint8_t>(*q)]) ++q;
  if (q >= e) return Tok::kMore;
  std::string_view element(name, static_cast<size_t>(q - name));
  bool has_type = false, has_nil = false;
  attr_names_.clear();
  for (;;) {
    bool space = false;
    while (q < e && IsSpace(*q)) ++q, space = true;
    if (q >= e) return Tok::kMore;
    if (*q == '>' || *q == '/') break;
    if (!space || !kT.name_start[static_cast<uint8_t>(*q)]) return Tok::kBad;
    const char* an = q;
    while (q < e && kT.name_char[static_cast<uint8_t>(*q)]) ++q;
    if (q >= e) return Tok::kMore;
    std::string_view attr(an, static_cast<size_t>(q - an));
    for (const auto& [n, len] : attr_names_) {
      if (std::string_view(n, len) == attr) return Tok::kBad;  // duplicate attribute
    }
    attr_names_.emplace_back(an, attr.size());
    while (q < e && IsSpace(*q)) ++q;
    if (q >= e) return Tok::kMore;
    if (*q != '=') return Tok::kBad;
    ++q;
    while (q < e && IsSpace(*q)) ++q;
    if (q >= e) return Tok::kMore;
    if (*q != '"' && *q != '\'') return Tok::kBad;
    // The same attributes expat's wrapper looks at (xml_stream.cpp): xmlns* skipped, the last
    // "*:type"/"type" and "*:nil"/"nil" win.
    bool xmlns = attr.substr(0, 5) == "xmlns" && (attr.size() == 5 || attr[5] == ':');
    std::string_view local = LocalPart(attr);
    std::string* target = nullptr;
    if (!xmlns && local == "type") {
      target = &type_value_;
      has_type = true;
    } else if (!xmlns && local == "nil") {
      target = &nil_value_;
      has_nil = true;
    }
    std::string discard;
    Tok t = AttrValue(q, target != nullptr, target ? target : &discard, &q);
    if (t != Tok::kOk) return t;
  }
  bool empty = *q == '/';
  if (empty) {
    if (q + 1 >= e) return Tok::kMore;
    if (q[1] != '>') return Tok::kBad;
    ++q;
  }
  *next = q + 1;
  event_end_ = OffsetOf(q + 1);
  engine::StartTag tag;
  tag.local = LocalPart(element);
  if (has_type) tag.xsi_type = LocalPart(type_value_);
  if (has_nil) tag.nil = nil_value_ == "true" || nil_value_ == "1";
  if (where_ == Where::kProlog) where_ = Where::kContent;
  names_.append(element);
  name_ends_.push_back(names_.size());
  handler_->OnStart(tag);
  if (empty) {
    name_ends_.pop_back();
    names_.resize(name_ends_.empty() ? 0 : name_ends_.back());
    if (name_ends_.empty()) where_ = Where::kEpilog;
    if (!handler_failed_) handler_->OnEnd();
  }
  return Tok::kOk;
}

Tok FastStream::EndElement(const char* p, const char** next) {
  const char* q = p + 2;
  const char* e = end();
  const char* name = q;
  while (q < e && kT.name_char[static_cast<uint8_t>(*q)]) ++q;
  if (q >= e) return Tok::kMore;
  std::string_view n(name, static_cast<size_t>(q - name));
  while (q < e && IsSpace(*q)) ++q;
  if (q >= e) return Tok::kMore;
  if (*q != '>') return Tok::kBad;
  size_t open_start = name_ends_.size() > 1 ? name_ends_[name_ends_.size() - 2] : 0;
  if (std::string_view(names_).substr(open_start) != n) return Tok::kBad;  // mismatched tag
  *next = q + 1;
  event_end_ = OffsetOf(q + 1);
  name_ends_.pop_back();
  names_.resize(open_start);
  if (name_ends_.empty()) where_ = Where::kEpilog;
  handler_->OnEnd();
  return Tok::kOk;
}

}  // namespace

Result<std::unique_ptr<XmlStream>> OpenFastStream(const std::string& path, uint64_t length,
                                                  XmlHandler* handler) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status(StatusCode::kNotFound, "cannot open " + path + ": " + std::strerror(errno));
  }
#ifdef POSIX_FADV_SEQUENTIAL
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  return std::unique_ptr<XmlStream>(new FastStream(fd, length, handler));
}

}  // namespace bg::engine
