#include "soap/awql.hpp"

#include <charconv>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "soap/awql_lexer.hpp"

namespace bg::soap {
namespace {

using awql::Tok;
using awql::Token;

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Words that cannot be a field name or a bare value.
bool IsReserved(std::string_view upper) {
  static constexpr std::string_view kReserved[] = {"SELECT", "WHERE", "AND",   "ORDER", "BY",
                                                   "ASC",    "DESC",  "LIMIT", "FROM",  "DURING"};
  for (std::string_view r : kReserved) {
    if (r == upper) return true;
  }
  return false;
}

// Operator names of AWQL (the six comparisons are written as symbols only).
bool IsOperatorName(std::string_view upper) {
  static constexpr std::string_view kNames[] = {"IN",
                                                "NOT_IN",
                                                "STARTS_WITH",
                                                "STARTS_WITH_IGNORE_CASE",
                                                "CONTAINS",
                                                "CONTAINS_IGNORE_CASE",
                                                "DOES_NOT_CONTAIN",
                                                "DOES_NOT_CONTAIN_IGNORE_CASE",
                                                "CONTAINS_ANY",
                                                "CONTAINS_NONE",
                                                "CONTAINS_ALL"};
  for (std::string_view n : kNames) {
    if (n == upper) return true;
  }
  return false;
}

std::string_view SymbolOperator(std::string_view symbol) {
  if (symbol == "=") return "EQUALS";
  if (symbol == "!=") return "NOT_EQUALS";
  if (symbol == ">") return "GREATER_THAN";
  if (symbol == ">=") return "GREATER_THAN_EQUALS";
  if (symbol == "<") return "LESS_THAN";
  if (symbol == "<=") return "LESS_THAN_EQUALS";
  return {};
}

class Parser {
 public:
  Parser(std::string_view query, std::vector<Token> toks) : query_(query), toks_(std::move(toks)) {}

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
      BG_ASSIGN_OR_RETURN(int32_t start, Int());
      if (!Punct(",")) return Error();
      BG_ASSIGN_OR_RETURN(int32_t count, Int());
      s.start_index = start;
      s.number_results = count;
    }
    // Whatever is left (FROM, DURING, a second WHERE, a trailing comma…) is an error.
    if (Peek().kind != Tok::kEnd) return Error();
    return s;
  }

 private:
  const Token& Peek() const { return toks_[pos_]; }
  Status Error() const { return Status(awql::SyntaxError(query_, Peek())); }

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
    if (Peek().kind != Tok::kWord || IsReserved(Upper(Peek().text))) return Error();
    return toks_[pos_++].text;
  }

  // An xsd:int (LIMIT operands).
  Result<int32_t> Int() {
    const Token& t = Peek();
    int32_t v = 0;
    if (t.kind != Tok::kNumber) return Error();
    auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (ec != std::errc() || p != t.text.data() + t.text.size()) return Error();
    ++pos_;
    return v;
  }

  Result<std::string> Value() {
    const Token& t = Peek();
    bool ok = t.kind == Tok::kNumber || t.kind == Tok::kString ||
              (t.kind == Tok::kWord && !IsReserved(Upper(t.text)));
    if (!ok) return Error();
    return toks_[pos_++].text;
  }

  Result<Predicate> Condition() {
    Predicate p;
    BG_ASSIGN_OR_RETURN(p.field, Field());
    const Token& op = Peek();
    if (op.kind == Tok::kPunct) {
      p.op = std::string(SymbolOperator(op.text));
    } else if (op.kind == Tok::kWord && IsOperatorName(Upper(op.text))) {
      p.op = Upper(op.text);
    }
    if (p.op.empty()) return Error();
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

  std::string_view query_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
};

}  // namespace

Result<Selector> ParseAwql(std::string_view query) {
  BG_ASSIGN_OR_RETURN(std::vector<Token> toks, awql::Tokenize(query));
  return Parser(query, std::move(toks)).Parse();
}

}  // namespace bg::soap
