// Tokenizer of AWQL service queries (internal to soap/awql.cpp; see awql.hpp for the grammar).
//
// Tokens: words (identifiers: field names, keywords, operator names, bare enum values such as
// DONE: [A-Za-z_][A-Za-z0-9_.]*), numbers (-?digits[.digits]), strings ("…" or '…', a backslash
// takes the next character literally, so \" \' \\ work as PHP's addslashes writes them), and the
// punctuation , [ ] = != > >= < <=. Whitespace separates tokens and is otherwise ignored.
//
// Syntax errors (here and in the parser) are RequestError.INVALID_INPUT @ query whose trigger is
// the offending token followed by its 1-based character position, e.g.
// "FROM at character 11" or "<end of query> at character 16" (ApiError has no other free-text
// field a client would show). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/api_error.hpp"
#include "common/status.hpp"

namespace bg::soap::awql {

enum class Tok { kWord, kNumber, kString, kPunct, kEnd };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;   // unescaped content for strings; the source text otherwise
  size_t offset = 0;  // byte offset of the token's first character in the query
  size_t end = 0;     // byte offset just past the token
};

// The last token is always kEnd (offset = query size).
Result<std::vector<Token>> Tokenize(std::string_view query);

// RequestError.INVALID_INPUT @ query for the token `shown` found at byte `offset` of `query`.
ApiError SyntaxError(std::string_view query, size_t offset, std::string_view shown);

// RequestError.INVALID_INPUT @ query for `token` (shown as its source text, or "<end of query>").
ApiError SyntaxError(std::string_view query, const Token& token);

}  // namespace bg::soap::awql
