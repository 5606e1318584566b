// AWQL service queries: the parser (every operator, quoting, lists, case rules, ORDER BY, LIMIT,
// syntax errors with position), the strings the official client builders emit, and
// SoapService-level checks that `query` and the equivalent `get` give the same page and errors.
#include "soap/awql.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "soap_test_util.hpp"

namespace bg::soap {
namespace {

using Strings = std::vector<std::string>;

Selector MustParse(const std::string& q) {
  auto s = ParseAwql(q);
  EXPECT_TRUE(s.ok()) << q << ": " << s.status().ToString();
  return s.ok() ? *s : Selector{};
}

// The trigger of the single INVALID_INPUT error `q` must produce.
std::string SyntaxTrigger(const std::string& q) {
  auto s = ParseAwql(q);
  if (s.ok()) return "<parsed>";
  const std::vector<ApiError>& errors = s.status().api_errors();
  EXPECT_EQ(errors.size(), 1u) << q;
  if (errors.empty()) return "<no api error>";
  EXPECT_EQ(errors[0].ErrorString(), "RequestError.INVALID_INPUT") << q;
  EXPECT_EQ(errors[0].field_path, "query") << q;
  return errors[0].trigger;
}

TEST(AwqlTest, ParsesEveryClause) {
  Selector s = MustParse(
      "SELECT Id, Status, DownloadUrl WHERE Id IN [1, 2,3] AND Id != 4 "
      "ORDER BY Status DESC, Id asc LIMIT 5,10");
  EXPECT_EQ(s.fields, (Strings{"Id", "Status", "DownloadUrl"}));
  ASSERT_EQ(s.predicates.size(), 2u);
  EXPECT_EQ(s.predicates[0].field, "Id");
  EXPECT_EQ(s.predicates[0].op, "IN");
  EXPECT_EQ(s.predicates[0].values, (Strings{"1", "2", "3"}));
  EXPECT_EQ(s.predicates[1].op, "NOT_EQUALS");
  EXPECT_EQ(s.predicates[1].values, (Strings{"4"}));
  ASSERT_EQ(s.ordering.size(), 2u);
  EXPECT_EQ(s.ordering[0].field, "Status");
  EXPECT_TRUE(s.ordering[0].descending);
  EXPECT_EQ(s.ordering[1].field, "Id");
  EXPECT_FALSE(s.ordering[1].descending);
  EXPECT_EQ(s.start_index, 5);
  EXPECT_EQ(s.number_results, 10);

  Selector minimal = MustParse("SELECT Id");
  EXPECT_EQ(minimal.fields, (Strings{"Id"}));
  EXPECT_TRUE(minimal.predicates.empty());
  EXPECT_TRUE(minimal.ordering.empty());
  EXPECT_FALSE(minimal.start_index.has_value());
  EXPECT_FALSE(minimal.number_results.has_value());
}

TEST(AwqlTest, SymbolOperatorsMapToPredicateOperators) {
  const std::pair<const char*, const char*> kCases[] = {
      {"=", "EQUALS"},       {"!=", "NOT_EQUALS"},
      {">", "GREATER_THAN"}, {">=", "GREATER_THAN_EQUALS"},
      {"<", "LESS_THAN"},    {"<=", "LESS_THAN_EQUALS"}};
  for (const auto& [symbol, name] : kCases) {
    for (const std::string& sep : {" ", ""}) {
      std::string q = "SELECT Id WHERE Id" + sep + symbol + sep + "7";
      Selector s = MustParse(q);
      ASSERT_EQ(s.predicates.size(), 1u) << q;
      EXPECT_EQ(s.predicates[0].op, name) << q;
      EXPECT_EQ(s.predicates[0].values, (Strings{"7"})) << q;
    }
  }
}

TEST(AwqlTest, NamedOperatorsAreCaseInsensitive) {
  const char* kNames[] = {"IN",
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
  for (const char* name : kNames) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const std::string& written : {std::string(name), lower}) {
      Selector s = MustParse("SELECT Id WHERE Id " + written + " [\"a\", 'b']");
      ASSERT_EQ(s.predicates.size(), 1u) << written;
      EXPECT_EQ(s.predicates[0].op, name) << written;
      EXPECT_EQ(s.predicates[0].values, (Strings{"a", "b"})) << written;
    }
  }
  // A single value after a list operator, a list after a single-value operator: the selector
  // decides (see the selector tests).
  EXPECT_EQ(MustParse("SELECT Id WHERE Id IN 5").predicates[0].values, (Strings{"5"}));
  EXPECT_EQ(MustParse("SELECT Id WHERE Id = [5, 6]").predicates[0].values, (Strings{"5", "6"}));
}

TEST(AwqlTest, ValuesQuotingAndEscapes) {
  Selector s = MustParse(
      "SELECT Id WHERE Id = \"Mixed Case\" AND Id = 'single' AND Id = \"say \\\"hi\\\"\" "
      "AND Id = 'it\\'s' AND Id = 'back\\\\slash' AND Id = \"\" AND Id = DONE AND Id = -12 "
      "AND Id = 3.25 AND Id = 'ünï' AND Id = \"a 'b' c\" AND Id = 'x, [y]'");
  Strings values;
  for (const Predicate& p : s.predicates) {
    ASSERT_EQ(p.values.size(), 1u);
    values.push_back(p.values[0]);
  }
  EXPECT_EQ(values, (Strings{"Mixed Case", "single", "say \"hi\"", "it's", "back\\slash", "",
                             "DONE", "-12", "3.25", "ünï", "a 'b' c", "x, [y]"}));
}

TEST(AwqlTest, Lists) {
  Selector s = MustParse(
      "SELECT Id WHERE Id IN [1,2 , 3] AND Id NOT_IN [] AND Id CONTAINS_ALL [\"a\", 'b', C, 4]"
      " AND Id IN [9]");
  ASSERT_EQ(s.predicates.size(), 4u);
  EXPECT_EQ(s.predicates[0].values, (Strings{"1", "2", "3"}));
  EXPECT_TRUE(s.predicates[1].values.empty());
  EXPECT_EQ(s.predicates[2].values, (Strings{"a", "b", "C", "4"}));
  EXPECT_EQ(s.predicates[3].values, (Strings{"9"}));

  // The documented maximum parses; the limit itself is the selector's check.
  std::string list;
  for (int i = 0; i < 10001; ++i) {
    if (i > 0) list += ", ";
    list += std::to_string(i);
  }
  Selector big = MustParse("SELECT Id WHERE Id IN [" + list + "]");
  ASSERT_EQ(big.predicates.size(), 1u);
  EXPECT_EQ(big.predicates[0].values.size(), 10001u);
  auto checked = ValidateSelector(big);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.status().api_errors()[0].ErrorString(),
            "SelectorError.TOO_MANY_PREDICATE_VALUES");
}

TEST(AwqlTest, KeywordsAreCaseInsensitiveFieldsAndLiteralsAreNot) {
  Selector s =
      MustParse("sElEcT Id, status wHeRe Id = 'AbC' AnD Id != Done oRdEr bY status dEsC LiMiT 1,2");
  EXPECT_EQ(s.fields, (Strings{"Id", "status"}));
  EXPECT_EQ(s.predicates[0].values, (Strings{"AbC"}));
  EXPECT_EQ(s.predicates[1].values, (Strings{"Done"}));
  EXPECT_EQ(s.ordering[0].field, "status");
  EXPECT_TRUE(s.ordering[0].descending);
  // A wrong-case field name is an unknown field for the selector.
  auto checked = ValidateSelector(s);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.status().api_errors()[0].ErrorString(), "SelectorError.INVALID_FIELD_NAME");
  EXPECT_EQ(checked.status().api_errors()[0].trigger, "status");
}

TEST(AwqlTest, OrderByMultipleFields) {
  Selector s = MustParse(
      "SELECT Id ORDER BY Status, ProgressStats DESC, DownloadUrl ASC, ProcessingErrors desc, Id");
  ASSERT_EQ(s.ordering.size(), 5u);
  const std::pair<const char*, bool> kWant[] = {{"Status", false},
                                                {"ProgressStats", true},
                                                {"DownloadUrl", false},
                                                {"ProcessingErrors", true},
                                                {"Id", false}};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(s.ordering[i].field, kWant[i].first);
    EXPECT_EQ(s.ordering[i].descending, kWant[i].second) << i;
  }
  EXPECT_TRUE(ValidateSelector(s).ok());
}

TEST(AwqlTest, LimitVariants) {
  for (const char* q :
       {"SELECT Id LIMIT 20,5", "SELECT Id LIMIT 20, 5", "SELECT Id LIMIT 20 ,5",
        "SELECT Id LIMIT 20 , 5", "SELECT Id\n\tLIMIT\t20,\n5  ", "select Id limit 20,5"}) {
    Selector s = MustParse(q);
    EXPECT_EQ(s.start_index, 20) << q;
    EXPECT_EQ(s.number_results, 5) << q;
  }
  Selector zero = MustParse("SELECT Id LIMIT 0,0");
  EXPECT_EQ(zero.start_index, 0);
  EXPECT_EQ(zero.number_results, 0);
  Selector max = MustParse("SELECT Id LIMIT 2147483647,2147483647");
  EXPECT_EQ(max.start_index, 2147483647);
  // Negative values reach the selector, which answers like a get's paging.
  Selector negative = MustParse("SELECT Id LIMIT -1,-2");
  auto checked = ValidateSelector(negative);
  ASSERT_FALSE(checked.ok());
  ASSERT_EQ(checked.status().api_errors().size(), 2u);
  EXPECT_EQ(checked.status().api_errors()[0].field_path, "serviceSelector.paging.startIndex");
  EXPECT_EQ(checked.status().api_errors()[1].field_path, "serviceSelector.paging.numberResults");
  EXPECT_EQ(checked.status().api_errors()[1].ErrorString(), "RangeError.TOO_LOW");
}

TEST(AwqlTest, SyntaxErrorsNameTheTokenAndItsPosition) {
  const std::pair<const char*, const char*> kCases[] = {
      {"", "<end of query> at character 1"},
      {"   ", "<end of query> at character 4"},
      {"Id, Status", "Id at character 1"},
      {"SELECT", "<end of query> at character 7"},
      {"SELECT Id,", "<end of query> at character 11"},
      {"SELECT Id Status", "Status at character 11"},
      {"SELECT Id FROM BatchJob", "FROM at character 11"},
      {"SELECT Id WHERE Id = 1 DURING LAST_7_DAYS", "DURING at character 24"},
      {"SELECT Id DURING 20170101,20170201", "DURING at character 11"},
      {"SELECT Id WHERE", "<end of query> at character 16"},
      {"SELECT Id WHERE Id", "<end of query> at character 19"},
      {"SELECT Id WHERE Id = ", "<end of query> at character 22"},
      {"SELECT Id WHERE Id LIKE 'a%'", "LIKE at character 20"},
      {"SELECT Id WHERE Id NOT IN [1]", "NOT at character 20"},
      {"SELECT Id WHERE Id EQUALS 1", "EQUALS at character 20"},
      {"SELECT Id WHERE Id UNKNOWN 1", "UNKNOWN at character 20"},
      {"SELECT Id WHERE Id <> 1", "> at character 21"},
      {"SELECT Id WHERE Id == 1", "= at character 21"},
      {"SELECT Id WHERE Id IN [1", "<end of query> at character 25"},
      {"SELECT Id WHERE Id IN [1,]", "] at character 26"},
      {"SELECT Id WHERE Id IN [[1]]", "[ at character 24"},
      {"SELECT Id WHERE Id IN (1, 2)", "( at character 23"},
      {"SELECT Id WHERE Id = 1 OR Id = 2", "OR at character 24"},
      {"SELECT Id WHERE Id = 1 AND", "<end of query> at character 27"},
      {"SELECT Id WHERE AND = 1", "AND at character 17"},
      {"SELECT Id WHERE Id = WHERE", "WHERE at character 22"},
      {"SELECT Id WHERE Id = 'open", "'open at character 22"},
      {"SELECT Id WHERE Id = \"open\\\"", "\"open\\\" at character 22"},
      {"SELECT Id; DROP", "; at character 10"},
      {"SELECT Id ORDER Id", "Id at character 17"},
      {"SELECT Id ORDER BY", "<end of query> at character 19"},
      {"SELECT Id ORDER BY Id UP", "UP at character 23"},
      {"SELECT Id LIMIT 5", "<end of query> at character 18"},
      {"SELECT Id LIMIT 5,", "<end of query> at character 19"},
      {"SELECT Id LIMIT 1.5,2", "1.5 at character 17"},
      {"SELECT Id LIMIT 0,2147483648", "2147483648 at character 19"},
      {"SELECT Id LIMIT 0,'10'", "'10' at character 19"},
      {"SELECT Id LIMIT 0,10 LIMIT 0,10", "LIMIT at character 22"},
      {"SELECT Id LIMIT 0,10 ORDER BY Id", "ORDER at character 22"},
      {"SELECT Id WHERE Id = 1 WHERE Id = 2", "WHERE at character 24"},
      {"SELECT Id WHERE Id = 12abc", "abc at character 24"},
      {"SELECT Id WHERE Id = -", "- at character 22"},
      {"SELECT Ïd", "Ï at character 8"},
      {"SELECT Id WHERE Id = 'ü' AND Id = ?", "? at character 35"},
  };
  for (const auto& [q, trigger] : kCases) EXPECT_EQ(SyntaxTrigger(q), trigger) << q;

  // Long tokens are cut (on a character boundary) before the position.
  std::string long_string = "SELECT Id WHERE Id = '" + std::string(100, 'x');
  EXPECT_EQ(SyntaxTrigger(long_string), "'" + std::string(63, 'x') + "... at character 22");
  std::string wide = "SELECT Id WHERE Id = \"" + std::string(62, 'x') + "éé";
  EXPECT_EQ(SyntaxTrigger(wide), "\"" + std::string(62, 'x') + "... at character 22");
}

// Exactly what the Python library's ServiceQueryBuilder (15.0.0) produces: ', '-joined fields,
// ' AND '-joined conditions, double-quoted strings, bare numbers, lists "[a, b]",
// "ORDER BY f ASC|DESC" and ServiceQuery.__str__'s " LIMIT s,n".
TEST(AwqlTest, PythonServiceQueryBuilderStrings) {
  Selector s = MustParse(
      "SELECT Id, Status, DownloadUrl WHERE Id = 1833476001 AND Status = \"DONE\" "
      "AND Id IN [1, 2, 3] AND Id NOT_IN [\"4\", \"5\"] AND Id STARTS_WITH_IGNORE_CASE \"ab\" "
      "AND Id CONTAINS_NONE [\"x\", \"y\"] ORDER BY Id ASC, Status DESC LIMIT 0,100");
  EXPECT_EQ(s.fields, (Strings{"Id", "Status", "DownloadUrl"}));
  ASSERT_EQ(s.predicates.size(), 6u);
  EXPECT_EQ(s.predicates[0].op, "EQUALS");
  EXPECT_EQ(s.predicates[0].values, (Strings{"1833476001"}));
  EXPECT_EQ(s.predicates[1].field, "Status");
  EXPECT_EQ(s.predicates[1].values, (Strings{"DONE"}));
  EXPECT_EQ(s.predicates[2].values, (Strings{"1", "2", "3"}));
  EXPECT_EQ(s.predicates[3].op, "NOT_IN");
  EXPECT_EQ(s.predicates[3].values, (Strings{"4", "5"}));
  EXPECT_EQ(s.predicates[4].op, "STARTS_WITH_IGNORE_CASE");
  EXPECT_EQ(s.predicates[5].op, "CONTAINS_NONE");
  ASSERT_EQ(s.ordering.size(), 2u);
  EXPECT_FALSE(s.ordering[0].descending);
  EXPECT_TRUE(s.ordering[1].descending);
  EXPECT_EQ(s.start_index, 0);
  EXPECT_EQ(s.number_results, 100);

  // The poll query of the Python examples' style, paged by ServiceQuery.NextPage.
  Selector poll = MustParse("SELECT Id, Status, DownloadUrl WHERE Id = 42 LIMIT 100,100");
  EXPECT_TRUE(ValidateSelector(poll).ok());
  EXPECT_EQ(poll.start_index, 100);
  // Build() without Limit() still appends " LIMIT None,None": not a valid query.
  EXPECT_EQ(SyntaxTrigger("SELECT Id WHERE Id = 42 LIMIT None,None"), "None at character 31");
}

// The PHP library's ServiceQueryBuilder: single-quoted values (addslashes), numeric strings
// quoted too, and the same LIMIT form.
TEST(AwqlTest, PhpServiceQueryBuilderStrings) {
  Selector s = MustParse(
      "SELECT Id, Status WHERE Id != '0' AND Id IN ['12', '13'] AND Status = 'O\\'Brien' "
      "ORDER BY Status DESC, Id ASC LIMIT 1,2");
  ASSERT_EQ(s.predicates.size(), 3u);
  EXPECT_EQ(s.predicates[0].values, (Strings{"0"}));
  EXPECT_EQ(s.predicates[1].values, (Strings{"12", "13"}));
  EXPECT_EQ(s.predicates[2].values, (Strings{"O'Brien"}));
  EXPECT_EQ(s.start_index, 1);
  EXPECT_EQ(s.number_results, 2);
  EXPECT_TRUE(ValidateSelector(MustParse("SELECT Id WHERE Id = '9223372036854775807'")).ok());
}

}  // namespace

// ---- SoapService::Handle: query and get agree ----
namespace testing {
namespace {

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Awql(const std::string& q) { return QueryBody(XmlEscape(q)); }

std::string Xml(pugi::xml_node node) {
  std::ostringstream out;
  node.print(out, "", pugi::format_raw);
  return out.str();
}

std::string Rval(const Reply& r, const char* response) {
  return Xml(r.body.child(response).child("rval"));
}

std::string Fields(std::initializer_list<const char*> names) {
  std::string s;
  for (const char* n : names) s += std::string("<fields>") + n + "</fields>";
  return s;
}

std::string Pred(const std::string& op, const std::vector<std::string>& values) {
  std::string s = "<predicates><field>Id</field><operator>" + op + "</operator>";
  for (const std::string& v : values) s += "<values>" + v + "</values>";
  return s + "</predicates>";
}

std::string Order(const std::string& field, bool desc) {
  return "<ordering><field>" + field + "</field><sortOrder>" + (desc ? "DESCENDING" : "ASCENDING") +
         "</sortOrder></ordering>";
}

std::string Paging(int start, int n) {
  return "<paging><startIndex>" + std::to_string(start) + "</startIndex><numberResults>" +
         std::to_string(n) + "</numberResults></paging>";
}

class QueryVsGetTest : public SoapServiceTest {
 protected:
  void SetUp() override {
    SoapServiceTest::SetUp();
    ids_ = AddJobs(6);
    ASSERT_EQ(ids_.size(), 6u);
    for (int64_t id : ids_) s_.push_back(std::to_string(id));
    // Two canceled jobs give Status something to sort on.
    ASSERT_EQ(Call(MutateBody(CancelOp(ids_[1]) + CancelOp(ids_[4])))->response.status, 200);
  }

  // Runs both and expects the same 200 page; returns the entry ids.
  std::vector<int64_t> ExpectSamePage(const std::string& awql, const std::string& selector) {
    auto q = Call(Awql(awql));
    auto g = Call(GetBody(selector));
    EXPECT_EQ(q->response.status, 200) << awql << "\n" << q->response.body;
    EXPECT_EQ(g->response.status, 200) << g->response.body;
    EXPECT_EQ(Rval(*q, "queryResponse"), Rval(*g, "getResponse")) << awql;
    EXPECT_STREQ(q->header.child_value("methodName"), "query");
    std::vector<int64_t> ids;
    for (pugi::xml_node e : q->body.child("queryResponse").child("rval").children("entries")) {
      ids.push_back(e.child("id").text().as_llong());
    }
    return ids;
  }

  void ExpectSameFault(const std::string& awql, const std::string& selector,
                       const std::string& fault_string) {
    auto q = Call(Awql(awql));
    auto g = Call(GetBody(selector));
    EXPECT_EQ(q->response.status, 500) << awql;
    EXPECT_EQ(q->FaultString(), fault_string) << awql;
    EXPECT_EQ(g->FaultString(), fault_string) << selector;
    EXPECT_EQ(Xml(q->FaultErrors()), Xml(g->FaultErrors())) << awql;
  }

  std::vector<int64_t> ids_;
  std::vector<std::string> s_;
};

TEST_F(QueryVsGetTest, SamePageForEveryClause) {
  const auto& s = s_;
  const auto& ids = ids_;
  EXPECT_EQ(ExpectSamePage(
                "SELECT Id, Status, ProgressStats WHERE Id IN [" + s[0] + ", " + s[1] + ", " +
                    s[2] + ", " + s[4] + "] ORDER BY Status DESC, Id ASC LIMIT 1,2",
                Fields({"Id", "Status", "ProgressStats"}) + Pred("IN", {s[0], s[1], s[2], s[4]}) +
                    Order("Status", true) + Order("Id", false) + Paging(1, 2)),
            (std::vector<int64_t>{ids[4], ids[0]}));
  EXPECT_EQ(
      ExpectSamePage("SELECT Id WHERE Id > " + s[0] + " AND Id <= " + s[3] + " ORDER BY Id DESC",
                     Fields({"Id"}) + Pred("GREATER_THAN", {s[0]}) +
                         Pred("LESS_THAN_EQUALS", {s[3]}) + Order("Id", true)),
      (std::vector<int64_t>{ids[3], ids[2], ids[1]}));
  EXPECT_EQ(ExpectSamePage(
                "SELECT Id WHERE Id >= " + s[4] + " AND Id != " + s[5],
                Fields({"Id"}) + Pred("GREATER_THAN_EQUALS", {s[4]}) + Pred("NOT_EQUALS", {s[5]})),
            (std::vector<int64_t>{ids[4]}));
  EXPECT_EQ(ExpectSamePage("SELECT Id WHERE Id < " + s[2] + " AND Id NOT_IN [" + s[0] + "]",
                           Fields({"Id"}) + Pred("LESS_THAN", {s[2]}) + Pred("NOT_IN", {s[0]})),
            (std::vector<int64_t>{ids[1]}));
  // Python ServiceQueryBuilder output (unordered fields set, bare ints, LIMIT s,n).
  EXPECT_EQ(ExpectSamePage(
                "SELECT Status, Id, DownloadUrl WHERE Id = " + s[2] + " LIMIT 0,100",
                Fields({"Status", "Id", "DownloadUrl"}) + Pred("EQUALS", {s[2]}) + Paging(0, 100)),
            (std::vector<int64_t>{ids[2]}));
  // PHP ServiceQueryBuilder output (quoted numeric strings).
  EXPECT_EQ(ExpectSamePage("SELECT Id, Status WHERE Id IN ['" + s[3] + "', '" + s[5] +
                               "'] ORDER BY Id DESC LIMIT 0,1",
                           Fields({"Id", "Status"}) + Pred("IN", {s[3], s[5]}) + Order("Id", true) +
                               Paging(0, 1)),
            (std::vector<int64_t>{ids[5]}));
  // Every selectable field, ordered by the non-trivial ones; a page past the end.
  ExpectSamePage(
      "SELECT Id, Status, ProgressStats, DownloadUrl, ProcessingErrors ORDER BY "
      "ProgressStats, DownloadUrl DESC, ProcessingErrors",
      Fields({"Id", "Status", "ProgressStats", "DownloadUrl", "ProcessingErrors"}) +
          Order("ProgressStats", false) + Order("DownloadUrl", true) +
          Order("ProcessingErrors", false));
  EXPECT_TRUE(ExpectSamePage("SELECT Id LIMIT 6,5", Fields({"Id"}) + Paging(6, 5)).empty());
  EXPECT_TRUE(ExpectSamePage("SELECT Id LIMIT 0,0", Fields({"Id"}) + Paging(0, 0)).empty());
}

TEST_F(QueryVsGetTest, SameSelectorErrors) {
  ExpectSameFault("SELECT Id, UploadUrl", Fields({"Id", "UploadUrl"}),
                  "[SelectorError.INVALID_FIELD_NAME @ serviceSelector; trigger:'UploadUrl']");
  ExpectSameFault("SELECT Id WHERE Status = DONE",
                  Fields({"Id"}) +
                      "<predicates><field>Status</field><operator>EQUALS</operator>"
                      "<values>DONE</values></predicates>",
                  "[SelectorError.INVALID_PREDICATE_FIELD_NAME @ serviceSelector; "
                  "trigger:'Status']");
  ExpectSameFault("SELECT Id WHERE Id STARTS_WITH \"1\"",
                  Fields({"Id"}) + Pred("STARTS_WITH", {"1"}),
                  "[SelectorError.INVALID_PREDICATE_OPERATOR @ serviceSelector; "
                  "trigger:'STARTS_WITH']");
  ExpectSameFault("SELECT Id WHERE Id CONTAINS_ANY [1, 2]",
                  Fields({"Id"}) + Pred("CONTAINS_ANY", {"1", "2"}),
                  "[SelectorError.INVALID_PREDICATE_OPERATOR @ serviceSelector; "
                  "trigger:'CONTAINS_ANY']");
  ExpectSameFault("SELECT Id WHERE Id = 'abc'", Fields({"Id"}) + Pred("EQUALS", {"abc"}),
                  "[SelectorError.INVALID_PREDICATE_VALUE @ serviceSelector; trigger:'abc']");
  ExpectSameFault("SELECT Id WHERE Id = [1, 2]", Fields({"Id"}) + Pred("EQUALS", {"1", "2"}),
                  "[SelectorError.OPERATOR_DOES_NOT_SUPPORT_MULTIPLE_VALUES @ serviceSelector; "
                  "trigger:'EQUALS']");
  ExpectSameFault("SELECT Id WHERE Id IN []", Fields({"Id"}) + Pred("IN", {}),
                  "[SelectorError.MISSING_PREDICATE_VALUES @ serviceSelector; trigger:'Id']");
  ExpectSameFault("SELECT Id ORDER BY UploadUrl", Fields({"Id"}) + Order("UploadUrl", false),
                  "[SelectorError.INVALID_SORT_FIELD_NAME @ serviceSelector; trigger:'UploadUrl']");
  ExpectSameFault("SELECT Id LIMIT -1,5", Fields({"Id"}) + Paging(-1, 5),
                  "[RangeError.TOO_LOW @ serviceSelector.paging.startIndex; trigger:'-1']");
  ExpectSameFault("SELECT Id, Id", Fields({"Id", "Id"}),
                  "[DistinctError.DUPLICATE_ELEMENT @ serviceSelector.fields[1]; trigger:'Id']");
  std::string awql_list;
  std::vector<std::string> values;
  for (int i = 0; i <= 10000; ++i) {
    if (i > 0) awql_list += ",";
    awql_list += std::to_string(i);
    values.push_back(std::to_string(i));
  }
  ExpectSameFault("SELECT Id WHERE Id IN [" + awql_list + "]", Fields({"Id"}) + Pred("IN", values),
                  "[SelectorError.TOO_MANY_PREDICATE_VALUES @ serviceSelector; trigger:'Id']");
  // Several errors at once, in the same order.
  ExpectSameFault("SELECT Foo WHERE Id = x", Fields({"Foo"}) + Pred("EQUALS", {"x"}),
                  "[SelectorError.INVALID_FIELD_NAME @ serviceSelector; trigger:'Foo', "
                  "SelectorError.INVALID_PREDICATE_VALUE @ serviceSelector; trigger:'x']");
}

TEST_F(QueryVsGetTest, SyntaxErrorFault) {
  auto from = Call(Awql("SELECT Id FROM BatchJob"));
  EXPECT_EQ(from->response.status, 500);
  EXPECT_STREQ(from->Fault().child_value("faultcode"), "soap:Server");
  EXPECT_EQ(from->FaultString(),
            "[RequestError.INVALID_INPUT @ query; trigger:'FROM at character 11']");
  EXPECT_STREQ(from->FaultErrors().attribute("xsi:type").value(), "RequestError");
  EXPECT_STREQ(from->FaultErrors().child_value("trigger"), "FROM at character 11");
  EXPECT_STREQ(from->header.child_value("methodName"), "query");

  auto lt = Call(Awql("SELECT Id WHERE Id < 'x"));
  EXPECT_EQ(lt->FaultString(),
            "[RequestError.INVALID_INPUT @ query; trigger:''x at character 22']");
  auto empty = Call(QueryBody("  "));
  EXPECT_EQ(empty->FaultString(), "[RequiredError.REQUIRED @ query]");
}

}  // namespace
}  // namespace testing
}  // namespace bg::soap
