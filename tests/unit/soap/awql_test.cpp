#include "soap/awql.hpp"

#include <gtest/gtest.h>

namespace bg::soap {
namespace {

TEST(AwqlTest, ParsesEveryClause) {
  auto s = ParseAwql(
      "SELECT Id, Status, DownloadUrl WHERE Id IN [1, 2,3] AND Id != 4 "
      "ORDER BY Status DESC, Id asc LIMIT 5,10");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->fields, (std::vector<std::string>{"Id", "Status", "DownloadUrl"}));
  ASSERT_EQ(s->predicates.size(), 2u);
  EXPECT_EQ(s->predicates[0].op, "IN");
  EXPECT_EQ(s->predicates[0].values, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(s->predicates[1].op, "NOT_EQUALS");
  ASSERT_EQ(s->ordering.size(), 2u);
  EXPECT_EQ(s->ordering[0].field, "Status");
  EXPECT_TRUE(s->ordering[0].descending);
  EXPECT_FALSE(s->ordering[1].descending);
  EXPECT_EQ(s->start_index, 5);
  EXPECT_EQ(s->number_results, 10);
}

TEST(AwqlTest, OperatorsAndLiterals) {
  auto s = ParseAwql("select Id where Id not_in [\"7\", '8'] and Id >= 2 and Id < 9 and Id = 3");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->predicates.size(), 4u);
  EXPECT_EQ(s->predicates[0].op, "NOT_IN");
  EXPECT_EQ(s->predicates[0].values, (std::vector<std::string>{"7", "8"}));
  EXPECT_EQ(s->predicates[1].op, "GREATER_THAN_EQUALS");
  EXPECT_EQ(s->predicates[2].op, "LESS_THAN");
  EXPECT_EQ(s->predicates[3].op, "EQUALS");
  EXPECT_FALSE(s->start_index.has_value());
}

TEST(AwqlTest, SyntaxErrorsAreInvalidInput) {
  for (const char* q : {"", "Id, Status", "SELECT", "SELECT Id WHERE Id", "SELECT Id LIMIT 5",
                        "SELECT Id ORDER Id", "SELECT Id WHERE Id IN [1", "SELECT Id FROM x",
                        "SELECT Id WHERE Id = 'open", "SELECT Id; DROP"}) {
    auto s = ParseAwql(q);
    ASSERT_FALSE(s.ok()) << q;
    ASSERT_EQ(s.status().api_errors().size(), 1u) << q;
    EXPECT_EQ(s.status().api_errors()[0].ErrorString(), "RequestError.INVALID_INPUT") << q;
    EXPECT_EQ(s.status().api_errors()[0].field_path, "query");
  }
}

}  // namespace
}  // namespace bg::soap
