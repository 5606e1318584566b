// The pure scanners of the fast XML engine (fast_xml_tokens.hpp).
#include "engine/fast_xml_tokens.hpp"

#include <cctype>
#include <cstring>
#include <string>

namespace bg::engine::fastxml {

const ByteTables kT;

bool IsXmlChar(uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

int Utf8Char(const char* p, const char* end) {
  auto b0 = static_cast<uint8_t>(p[0]);
  int n;
  uint32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3, cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4, cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (end - p < n) {
    for (const char* q = p + 1; q < end; ++q) {
      if ((static_cast<uint8_t>(*q) & 0xC0) != 0x80) return 0;
    }
    return -1;
  }
  for (int i = 1; i < n; ++i) {
    auto b = static_cast<uint8_t>(p[i]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0;  // overlong
  return IsXmlChar(cp) ? n : 0;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string_view LocalPart(std::string_view name) {
  size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

Tok ScanChars(const char* q, const char* e, char stop, const char** at) {
  while (q < e) {
    auto c = static_cast<uint8_t>(*q);
    if (c == static_cast<uint8_t>(stop)) {
      *at = q;
      return Tok::kOk;
    }
    if (c >= 0x80) {
      int n = Utf8Char(q, e);
      if (n == 0) return Tok::kBad;
      if (n < 0) return Tok::kMore;
      q += n;
    } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return Tok::kBad;
    } else {
      ++q;
    }
  }
  return Tok::kMore;
}

Tok XmlDeclaration(const char* p, const char* e, const char** next) {
  // <?xml version="1.0" [encoding="UTF-8"] [standalone="yes|no"] ?>, quotes ' or ".
  const char* q = p + 5;
  auto ws = [&] {
    const char* s = q;
    while (q < e && IsSpace(*q)) ++q;
    return q > s;
  };
  auto pseudo = [&](std::string_view name, std::string* value) -> Tok {
    if (static_cast<size_t>(e - q) < name.size() + 3) return Tok::kMore;
    if (std::string_view(q, name.size()) != name) return Tok::kBad;
    q += name.size();
    ws();
    if (q >= e) return Tok::kMore;
    if (*q++ != '=') return Tok::kBad;
    ws();
    if (q >= e) return Tok::kMore;
    char quote = *q++;
    if (quote != '"' && quote != '\'') return Tok::kBad;
    const char* v = q;
    while (q < e && *q != quote && q - v < 64) ++q;
    if (q >= e) return Tok::kMore;
    if (*q != quote) return Tok::kBad;
    value->assign(v, static_cast<size_t>(q - v));
    ++q;
    return Tok::kOk;
  };
  std::string value;
  ws();
  Tok t = pseudo("version", &value);
  if (t != Tok::kOk) return t;
  if (value != "1.0") return Tok::kBad;
  bool space = ws();
  if (q >= e) return Tok::kMore;
  if (space && *q == 'e') {
    t = pseudo("encoding", &value);
    if (t != Tok::kOk) return t;
    std::string lower(value);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "utf-8") return Tok::kBad;  // another encoding: expat transcodes it
    space = ws();
    if (q >= e) return Tok::kMore;
  }
  if (space && *q == 's') {
    t = pseudo("standalone", &value);
    if (t != Tok::kOk) return t;
    if (value != "yes" && value != "no") return Tok::kBad;
    ws();
  }
  if (e - q < 2) return Tok::kMore;
  if (q[0] != '?' || q[1] != '>') return Tok::kBad;
  *next = q + 2;
  return Tok::kOk;
}

Tok ProcessingInstruction(const char* p, const char* e, const char** next) {
  const char* q = p + 2;
  if (q >= e) return Tok::kMore;
  if (!kT.name_start[static_cast<uint8_t>(*q)]) return Tok::kBad;
  const char* target = q;
  while (q < e && kT.name_char[static_cast<uint8_t>(*q)]) ++q;
  if (q >= e) return Tok::kMore;
  size_t tlen = static_cast<size_t>(q - target);
  if (tlen == 3 && std::tolower(static_cast<unsigned char>(target[0])) == 'x' &&
      std::tolower(static_cast<unsigned char>(target[1])) == 'm' &&
      std::tolower(static_cast<unsigned char>(target[2])) == 'l') {
    return Tok::kBad;  // reserved (the declaration is handled elsewhere)
  }
  if (std::memchr(target, ':', tlen) != nullptr) return Tok::kBad;
  if (e - q >= 2 && q[0] == '?' && q[1] == '>') {
    *next = q + 2;
    return Tok::kOk;
  }
  if (!IsSpace(*q)) return Tok::kBad;
  for (;;) {
    Tok t = ScanChars(q, e, '?', &q);
    if (t != Tok::kOk) return t;
    if (e - q < 2) return Tok::kMore;
    if (q[1] == '>') {
      *next = q + 2;
      return Tok::kOk;
    }
    ++q;
  }
}

Tok Comment(const char* p, const char* e, const char** next) {
  const char* q = p + 4;
  for (;;) {
    Tok t = ScanChars(q, e, '-', &q);
    if (t != Tok::kOk) return t;
    if (e - q < 3) return Tok::kMore;
    if (q[1] == '-') {
      if (q[2] != '>') return Tok::kBad;  // "--" inside a comment
      *next = q + 3;
      return Tok::kOk;
    }
    ++q;
  }
}

Tok CdataEnd(const char* p, const char* e, const char** close) {
  const char* q = p + 9;
  for (;;) {
    Tok t = ScanChars(q, e, ']', &q);
    if (t != Tok::kOk) return t;
    if (e - q < 3) return Tok::kMore;
    if (q[1] == ']' && q[2] == '>') {
      *close = q;
      return Tok::kOk;
    }
    ++q;
  }
}

Tok Reference(const char* p, const char* e, std::string* out, const char** next) {
  const char* q = p + 1;
  if (q >= e) return Tok::kMore;
  if (*q == '#') {
    ++q;
    bool hex = q < e && *q == 'x';
    if (hex) ++q;
    uint32_t cp = 0;
    const char* digits = q;
    while (q < e && *q != ';') {
      char c = *q;
      uint32_t d;
      if (c >= '0' && c <= '9') {
        d = static_cast<uint32_t>(c - '0');
      } else if (hex && c >= 'a' && c <= 'f') {
        d = static_cast<uint32_t>(c - 'a' + 10);
      } else if (hex && c >= 'A' && c <= 'F') {
        d = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return Tok::kBad;
      }
      cp = cp * (hex ? 16 : 10) + d;
      if (cp > 0x10FFFF) return Tok::kBad;
      ++q;
      if (q - digits > 10) return Tok::kBad;
    }
    if (q >= e) return Tok::kMore;
    if (q == digits || !IsXmlChar(cp)) return Tok::kBad;
    AppendUtf8(cp, out);
    *next = q + 1;
    return Tok::kOk;
  }
  const char* name = q;
  while (q < e && *q != ';' && q - name < 5) ++q;
  if (q >= e) return Tok::kMore;
  if (*q != ';') return Tok::kBad;
  std::string_view n(name, static_cast<size_t>(q - name));
  char c;
  if (n == "lt") {
    c = '<';
  } else if (n == "gt") {
    c = '>';
  } else if (n == "amp") {
    c = '&';
  } else if (n == "apos") {
    c = '\'';
  } else if (n == "quot") {
    c = '"';
  } else {
    return Tok::kBad;  // undefined entity
  }
  out->push_back(c);
  *next = q + 1;
  return Tok::kOk;
}

}  // namespace bg::engine::fastxml
