// AuthorizeCustomers: the dashboard's credentials checked by SOAP's authentication, customer by
// customer.
#include "ui/access.hpp"

#include <gtest/gtest.h>

namespace bg::ui {
namespace {

http::RequestHead Head(std::vector<http::Header> headers) {
  http::RequestHead h;
  h.method = "GET";
  h.target = "/ui/api/jobs";
  h.headers = std::move(headers);
  return h;
}

const std::vector<http::Header> kGood = {{"Authorization", "Bearer t"}, {"developer-token", "d"}};

std::string Reason(const Status& s) {
  return s.is_api_error() ? s.api_errors().front().type + "." + s.api_errors().front().reason
                          : s.ToString();
}

TEST(AccessTest, NormalizesAndDeduplicatesTheCustomers) {
  Result<std::vector<std::string>> ids =
      AuthorizeCustomers(Head(kGood), " 111-222-3333, 4445556666 ,,111 222 3333");
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(*ids, (std::vector<std::string>{"1112223333", "4445556666"}));
}

TEST(AccessTest, RefusesWhatSoapRefuses) {
  EXPECT_EQ(Reason(AuthorizeCustomers(Head({{"developer-token", "d"}}), "1").status()),
            "AuthenticationError.OAUTH_TOKEN_HEADER_INVALID");
  EXPECT_EQ(Reason(AuthorizeCustomers(Head({{"Authorization", "Bearer t"}}), "1").status()),
            "QuotaCheckError.INVALID_TOKEN_HEADER");
  EXPECT_EQ(Reason(AuthorizeCustomers(
                       Head({{"Authorization", "Bearer t"}, {"developer-token", " "}}), "1")
                       .status()),
            "QuotaCheckError.INVALID_TOKEN_HEADER");
  EXPECT_EQ(Reason(AuthorizeCustomers(Head(kGood), " , ").status()),
            "AuthenticationError.CLIENT_CUSTOMER_ID_IS_REQUIRED");
  Status bad = AuthorizeCustomers(Head(kGood), "1112223333,12x").status();
  EXPECT_EQ(Reason(bad), "AuthenticationError.CLIENT_CUSTOMER_ID_INVALID");
  EXPECT_EQ(bad.api_errors().front().trigger, "12x");
}

TEST(AccessTest, BoundsTheCustomersOfOneRequest) {
  std::string many;
  for (size_t i = 0; i <= kMaxCustomersPerRequest; ++i) many += std::to_string(1000 + i) + ",";
  EXPECT_EQ(AuthorizeCustomers(Head(kGood), many).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace bg::ui
