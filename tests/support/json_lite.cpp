#include "support/json_lite.hpp"

#include <cctype>

namespace bg::testing {
namespace {

class Reader {
 public:
  explicit Reader(const std::string& s) : s_(s) {}

  bool Object(std::map<std::string, std::string>* fields) {
    Space();
    if (!Eat('{')) return Fail("expected '{'");
    Space();
    if (Eat('}')) return true;
    for (;;) {
      Space();
      std::string key;
      if (!String(&key)) return false;
      Space();
      if (!Eat(':')) return Fail("expected ':'");
      Space();
      std::string value;
      if (!Value(&value)) return false;
      if (fields != nullptr) {
        if (fields->count(key)) return Fail("duplicate key " + key);
        (*fields)[key] = value;
      }
      Space();
      if (Eat('}')) return true;
      if (!Eat(',')) return Fail("expected ',' or '}'");
    }
  }

  bool End() {
    Space();
    return pos_ == s_.size() || Fail("text after the value");
  }
  const std::string& error() const { return error_; }

 private:
  bool Fail(const std::string& what) {
    if (error_.empty()) error_ = what + " at offset " + std::to_string(pos_);
    return false;
  }
  bool Eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void Space() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  static void Utf8(unsigned cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }
  bool Hex4(unsigned* v) {
    if (pos_ + 4 > s_.size()) return Fail("short \\u escape");
    *v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
              : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
              : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                          : -1;
      if (d < 0) return Fail("bad \\u escape");
      *v = *v * 16 + static_cast<unsigned>(d);
    }
    return true;
  }
  bool String(std::string* out) {
    if (!Eat('"')) return Fail("expected a string");
    while (pos_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return Fail("raw control character in a string");
      if (c != '\\') {
        out->push_back(static_cast<char>(c));
        continue;
      }
      if (pos_ >= s_.size()) break;
      char e = s_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out->push_back(e);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          unsigned cp = 0;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xd800 && cp < 0xdc00) {
            unsigned low = 0;
            if (!Eat('\\') || !Eat('u') || !Hex4(&low) || low < 0xdc00 || low >= 0xe000) {
              return Fail("unpaired surrogate");
            }
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          }
          Utf8(cp, out);
          break;
        }
        default:
          return Fail("bad escape");
      }
    }
    return Fail("unterminated string");
  }
  bool Number(std::string* out) {
    size_t start = pos_;
    Eat('-');
    if (Eat('0')) {
    } else if (pos_ < s_.size() && s_[pos_] >= '1' && s_[pos_] <= '9') {
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    } else {
      return Fail("bad number");
    }
    if (Eat('.')) {
      if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
        return Fail("bad fraction");
      }
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    if (Eat('e') || Eat('E')) {
      if (!Eat('+')) Eat('-');
      if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
        return Fail("bad exponent");
      }
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    *out = s_.substr(start, pos_ - start);
    return true;
  }
  bool Literal(const char* word, std::string* out) {
    const std::string w(word);
    if (s_.compare(pos_, w.size(), w) != 0) return Fail("bad literal");
    pos_ += w.size();
    *out = w;
    return true;
  }
  bool Value(std::string* out) {
    if (pos_ >= s_.size()) return Fail("expected a value");
    const size_t start = pos_;
    const char c = s_[pos_];
    if (c == '"') return String(out);
    if (c == '{') {
      if (!Object(nullptr)) return false;
      *out = s_.substr(start, pos_ - start);
      return true;
    }
    if (c == '[') {
      ++pos_;
      Space();
      if (!Eat(']')) {
        for (;;) {
          Space();
          std::string ignored;
          if (!Value(&ignored)) return false;
          Space();
          if (Eat(']')) break;
          if (!Eat(',')) return Fail("expected ',' or ']'");
        }
      }
      *out = s_.substr(start, pos_ - start);
      return true;
    }
    if (c == 't') return Literal("true", out);
    if (c == 'f') return Literal("false", out);
    if (c == 'n') return Literal("null", out);
    return Number(out);
  }

  const std::string& s_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

bool ParseJsonObject(const std::string& text, std::map<std::string, std::string>* fields,
                     std::string* error) {
  fields->clear();
  Reader r(text);
  if (r.Object(fields) && r.End()) return true;
  *error = r.error();
  return false;
}

}  // namespace bg::testing
