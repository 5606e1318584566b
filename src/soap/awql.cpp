#include "soap/awql.hpp"

#include <cctype>
#include <string>
#include <vector>

#include "soap/envelope.hpp"

namespace bg::soap {
namespace {

enum class Tok { kWord, kNumber, kString, kPunct, kEnd };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;
};

std::string Upper(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out;
}

ApiError SyntaxError(std::string trigger) {
  return ApiError::Make("RequestError", "INVALID_INPUT", "query", std::move(trigger));
}

Result<std::vector<Token>> Tokenize(std::string_view q) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < q.size()) {
    unsigned char c = static_cast<unsigned char>(q[i]);
    if (std::isspace(c)) {
      ++i;
    } else if (std::isalpha(c) || c == '_') {
      size_t j = i;
      while (j < q.size() &&
             (std::isalnum(static_cast<unsigned char>(q[j])) || q[j] == '_' || q[j] == '.')) {
        ++j;
      }
      out.push_back({Tok::kWord, std::string(q.substr(i, j - i))});
      i = j;
    } else if (std::isdigit(c) || c == '-' || c == '+') {
      size_t j = i + 1;
      while (j < q.size() && std::isdigit(static_cast<unsigned char>(q[j]))) ++j;
      out.push_back({Tok::kNumber, std::string(q.substr(i, j - i))});
      i = j;
    } else if (c == '"' || c == '\'') {
      size_t j = q.find(static_cast<char>(c), i + 1);
      if (j == std::string_view::npos) return Status(SyntaxError(std::string(q.substr(i))));
      out.push_back({Tok::kString, std::string(q.substr(i + 1, j - i - 1))});
      i = j + 1;
    } else if ((c == '!' || c == '>' || c == '<') && i + 1 < q.size() && q[i + 1] == '=') {
      out.push_back({Tok::kPunct, std::string(q.substr(i, 2))});
      i += 2;
    } else if (c == ',' || c == '[' || c == ']' || c == '=' || c == '>' || c == '<') {
      out.push_back({Tok::kPunct, std::string(1, static_cast<char>(c))});
      ++i;
    } else {
      return Status(SyntaxError(std::string(1, static_cast<char>(c))));
    }
  }
  out.push_back({Tok::kEnd, ""});
  return out;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : toks_(std::move(toks)) {}

  Result<Selector> Parse() {
    Selector s;
    BG_RETURN_IF_ERROR(Keyword("SELECT"));
    do {
      BG_ASSIGN_OR_RETURN(std::string f, Field());
      s.fields.push_back(std::move(f));
    } while (Punct(","));
    if (AcceptKeyword("WHERE")) {
      do {
        BG_ASSIGN_OR_RETURN(Predicate p, Condition());
        s.predicates.push_back(std::move(p));
      } while (AcceptKeyword("AND"));
    }
    if (AcceptKeyword("ORDER")) {
      BG_RETURN_IF_ERROR(Keyword("BY"));
      do {
        OrderBy o;
        BG_ASSIGN_OR_RETURN(o.field, Field());
        if (!AcceptKeyword("ASC") && AcceptKeyword("DESC")) o.descending = true;
        s.ordering.push_back(std::move(o));
      } while (Punct(","));
    }
    if (AcceptKeyword("LIMIT")) {
      BG_ASSIGN_OR_RETURN(int64_t start, Number());
      if (!Punct(",")) return Error();
      BG_ASSIGN_OR_RETURN(int64_t count, Number());
      s.start_index = start;
      s.number_results = count;
    }
    if (Peek().kind != Tok::kEnd) return Error();
    return s;
  }

 private:
  const Token& Peek() const { return toks_[pos_]; }
  Status Error() const {
    return Status(SyntaxError(Peek().kind == Tok::kEnd ? "<end of query>" : Peek().text));
  }
  bool IsKeyword(std::string_view kw) const {
    return Peek().kind == Tok::kWord && Upper(Peek().text) == kw;
  }
  bool AcceptKeyword(std::string_view kw) {
    if (!IsKeyword(kw)) return false;
    ++pos_;
    return true;
  }
  Status Keyword(std::string_view kw) {
    if (!IsKeyword(kw)) return Error();
    ++pos_;
    return Status::Ok();
  }
  bool Punct(std::string_view p) {
    if (Peek().kind != Tok::kPunct || Peek().text != p) return false;
    ++pos_;
    return true;
  }
  Result<std::string> Field() {
    if (Peek().kind != Tok::kWord) return Error();
    return toks_[pos_++].text;
  }
  Result<int64_t> Number() {
    std::optional<int64_t> v;
    if (Peek().kind == Tok::kNumber) v = ParseLong(Peek().text);
    if (!v) return Error();
    ++pos_;
    return *v;
  }
  Result<std::string> Value() {
    Tok k = Peek().kind;
    if (k != Tok::kNumber && k != Tok::kString && k != Tok::kWord) return Error();
    return toks_[pos_++].text;
  }
  Result<Predicate> Condition() {
    Predicate p;
    BG_ASSIGN_OR_RETURN(p.field, Field());
    static const std::pair<std::string_view, std::string_view> kSymbols[] = {
        {"=", "EQUALS"},       {"!=", "NOT_EQUALS"},
        {">", "GREATER_THAN"}, {">=", "GREATER_THAN_EQUALS"},
        {"<", "LESS_THAN"},    {"<=", "LESS_THAN_EQUALS"}};
    if (Peek().kind == Tok::kPunct) {
      for (const auto& [sym, name] : kSymbols) {
        if (Peek().text == sym) p.op = name;
      }
      if (p.op.empty()) return Error();
    } else if (Peek().kind == Tok::kWord) {
      p.op = Upper(Peek().text);
    } else {
      return Error();
    }
    ++pos_;
    if (Punct("[")) {
      if (!Punct("]")) {
        do {
          BG_ASSIGN_OR_RETURN(std::string v, Value());
          p.values.push_back(std::move(v));
        } while (Punct(","));
        if (!Punct("]")) return Error();
      }
    } else {
      BG_ASSIGN_OR_RETURN(std::string v, Value());
      p.values.push_back(std::move(v));
    }
    return p;
  }

  std::vector<Token> toks_;
  size_t pos_ = 0;
};

}  // namespace

Result<Selector> ParseAwql(std::string_view query) {
  BG_ASSIGN_OR_RETURN(std::vector<Token> toks, Tokenize(query));
  return Parser(std::move(toks)).Parse();
}

}  // namespace bg::soap
