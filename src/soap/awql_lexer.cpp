#include "soap/awql_lexer.hpp"

namespace bg::soap::awql {
namespace {

// Longest shown part of an offending token.
constexpr size_t kMaxShown = 64;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsWordStart(char c) { return IsAlpha(c) || c == '_'; }
bool IsWordChar(char c) { return IsWordStart(c) || IsDigit(c) || c == '.'; }
bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The character at `i` (a whole UTF-8 sequence).
std::string_view CharAt(std::string_view q, size_t i) {
  size_t j = i + 1;
  while (j < q.size() && IsUtf8Continuation(q[j])) ++j;
  return q.substr(i, j - i);
}

}  // namespace

ApiError SyntaxError(std::string_view query, size_t offset, std::string_view shown) {
  size_t column = 1;
  for (size_t i = 0; i < offset && i < query.size(); ++i) {
    if (!IsUtf8Continuation(query[i])) ++column;
  }
  std::string trigger;
  if (shown.size() > kMaxShown) {
    size_t cut = kMaxShown;
    while (cut > 0 && IsUtf8Continuation(shown[cut])) --cut;
    trigger = std::string(shown.substr(0, cut)) + "...";
  } else {
    trigger = std::string(shown);
  }
  trigger += " at character " + std::to_string(column);
  return ApiError::Make("RequestError", "INVALID_INPUT", "query", std::move(trigger));
}

ApiError SyntaxError(std::string_view query, const Token& token) {
  if (token.kind == Tok::kEnd) return SyntaxError(query, token.offset, "<end of query>");
  return SyntaxError(query, token.offset, query.substr(token.offset, token.end - token.offset));
}

Result<std::vector<Token>> Tokenize(std::string_view q) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < q.size()) {
    const char c = q[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    Token t;
    t.offset = i;
    if (IsWordStart(c)) {
      size_t j = i + 1;
      while (j < q.size() && IsWordChar(q[j])) ++j;
      t.kind = Tok::kWord;
      t.text = std::string(q.substr(i, j - i));
      i = j;
    } else if (IsDigit(c) || (c == '-' && i + 1 < q.size() && IsDigit(q[i + 1]))) {
      size_t j = i + 1;
      while (j < q.size() && IsDigit(q[j])) ++j;
      if (j + 1 < q.size() && q[j] == '.' && IsDigit(q[j + 1])) {
        j += 2;
        while (j < q.size() && IsDigit(q[j])) ++j;
      }
      t.kind = Tok::kNumber;
      t.text = std::string(q.substr(i, j - i));
      i = j;
    } else if (c == '"' || c == '\'') {
      size_t j = i + 1;
      bool closed = false;
      while (j < q.size()) {
        if (q[j] == '\\' && j + 1 < q.size()) {
          t.text.push_back(q[j + 1]);
          j += 2;
        } else if (q[j] == c) {
          closed = true;
          ++j;
          break;
        } else {
          t.text.push_back(q[j++]);
        }
      }
      if (!closed) return Status(SyntaxError(q, i, q.substr(i)));
      t.kind = Tok::kString;
      i = j;
    } else if ((c == '!' || c == '>' || c == '<') && i + 1 < q.size() && q[i + 1] == '=') {
      t.kind = Tok::kPunct;
      t.text = std::string(q.substr(i, 2));
      i += 2;
    } else if (c == ',' || c == '[' || c == ']' || c == '=' || c == '>' || c == '<') {
      t.kind = Tok::kPunct;
      t.text = std::string(1, c);
      ++i;
    } else {
      return Status(SyntaxError(q, i, CharAt(q, i)));
    }
    t.end = i;
    out.push_back(std::move(t));
  }
  Token end;
  end.offset = end.end = q.size();
  out.push_back(std::move(end));
  return out;
}

}  // namespace bg::soap::awql
