// The pure scanners of the fast XML engine (fast_xml_stream.cpp): character classes, UTF-8 and
// XML Char validation, references, and the markup whose content needs no events (the XML
// declaration, PIs, comments, the end of a CDATA section). Each scans a window [p, e) of bytes:
// kOk with *next just past the token, kMore when the window ends inside it (scan again with more
// bytes), kBad for anything the fast engine leaves to expat (errors and unusual forms alike).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bg::engine::fastxml {

enum class Tok { kOk, kMore, kBad };

// Byte classes: kSpecial in `text` for what the text loop must look at ('<' '&' ']' '\r',
// controls, non-ASCII); ASCII NameStartChar / NameChar.
enum : uint8_t { kPlain = 0, kSpecial = 1 };
struct ByteTables {
  uint8_t text[256];
  bool name_start[256];
  bool name_char[256];
  ByteTables() {
    for (int c = 0; c < 256; ++c) {
      text[c] = (c == '<' || c == '&' || c == ']' || c == '\r' || c >= 0x80 ||
                 (c < 0x20 && c != '\t' && c != '\n'))
                    ? kSpecial
                    : kPlain;
      name_start[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':';
      name_char[c] = name_start[c] || (c >= '0' && c <= '9') || c == '-' || c == '.';
    }
  }
};
extern const ByteTables kT;

inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsXmlChar(uint32_t cp);
// Length of the valid UTF-8 sequence of an XML Char at p (p < end, *p >= 0x80); 0 when invalid,
// -1 when the window ends inside it.
int Utf8Char(const char* p, const char* end);
void AppendUtf8(uint32_t cp, std::string* out);
// The part after the last ':'.
std::string_view LocalPart(std::string_view name);
// Advances over XML characters from q to the first `stop` byte (kOk, *at on it); kBad at a
// character XML does not allow, kMore at the end of the window.
Tok ScanChars(const char* q, const char* e, char stop, const char** at);

// At p: "<?xml" + white space. Only <?xml version="1.0" [encoding="UTF-8"] [standalone=...]?>.
Tok XmlDeclaration(const char* p, const char* e, const char** next);
// At p: "<?". Targets that are not ASCII names, contain ':' or are a case of "xml" are kBad.
Tok ProcessingInstruction(const char* p, const char* e, const char** next);
// At p: "<!--".
Tok Comment(const char* p, const char* e, const char** next);
// At p: "<![CDATA["; *close on the "]]>".
Tok CdataEnd(const char* p, const char* e, const char** close);
// At p: '&'. Decodes the five predefined entities and character references into out.
Tok Reference(const char* p, const char* e, std::string* out, const char** next);

}  // namespace bg::engine::fastxml
