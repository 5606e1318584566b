// AuthorizeCustomers: the dashboard's credentials checked by SOAP's access policy, customer by
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

const soap::AccessPolicy kOpen = soap::AccessPolicy::Open();

std::string Reason(const Status& s) {
  return s.is_api_error() ? s.api_errors().front().type + "." + s.api_errors().front().reason
                          : s.ToString();
}

TEST(AccessTest, NormalizesAndDeduplicatesTheCustomers) {
  Result<std::vector<std::string>> ids =
      AuthorizeCustomers(Head(kGood), " 111-222-3333, 4445556666 ,,111 222 3333", kOpen);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(*ids, (std::vector<std::string>{"1112223333", "4445556666"}));
}

TEST(AccessTest, RefusesWhatSoapRefuses) {
  EXPECT_EQ(Reason(AuthorizeCustomers(Head({{"developer-token", "d"}}), "1", kOpen).status()),
            "AuthenticationError.OAUTH_TOKEN_HEADER_INVALID");
  EXPECT_EQ(Reason(AuthorizeCustomers(Head({{"Authorization", "Bearer t"}}), "1", kOpen).status()),
            "QuotaCheckError.INVALID_TOKEN_HEADER");
  EXPECT_EQ(Reason(AuthorizeCustomers(
                       Head({{"Authorization", "Bearer t"}, {"developer-token", " "}}), "1", kOpen)
                       .status()),
            "QuotaCheckError.INVALID_TOKEN_HEADER");
  EXPECT_EQ(Reason(AuthorizeCustomers(Head(kGood), " , ", kOpen).status()),
            "AuthenticationError.CLIENT_CUSTOMER_ID_IS_REQUIRED");
  Status bad = AuthorizeCustomers(Head(kGood), "1112223333,12x", kOpen).status();
  EXPECT_EQ(Reason(bad), "AuthenticationError.CLIENT_CUSTOMER_ID_INVALID");
  EXPECT_EQ(bad.api_errors().front().trigger, "12x");
}

TEST(AccessTest, BoundsTheCustomersOfOneRequest) {
  std::string many;
  for (size_t i = 0; i <= kMaxCustomersPerRequest; ++i) many += std::to_string(1000 + i) + ",";
  EXPECT_EQ(AuthorizeCustomers(Head(kGood), many, kOpen).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace bg::ui

namespace bg::ui {
namespace {

TEST(AccessTest, TokensModeLimitsATokenToItsCustomers) {
  Result<soap::AccessPolicy> policy = soap::AccessPolicy::Tokens(
      {"dev"}, {"token-a 111-222-3333", "token-admin *"});
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  auto head = [](const std::string& bearer) {
    return Head({{"Authorization", "Bearer " + bearer}, {"developer-token", "dev"}});
  };
  EXPECT_TRUE(AuthorizeCustomers(head("token-a"), "111-222-3333", *policy).ok());
  EXPECT_EQ(Reason(AuthorizeCustomers(head("token-a"), "111-222-3333,444-555-6666", *policy)
                       .status()),
            "AuthorizationError.USER_PERMISSION_DENIED");
  EXPECT_EQ(Reason(AuthorizeCustomers(head("nobody"), "111-222-3333", *policy).status()),
            "AuthenticationError.OAUTH_TOKEN_INVALID");
  EXPECT_TRUE(AuthorizeCustomers(head("token-admin"), "111-222-3333,4445556666", *policy).ok());
}

}  // namespace
}  // namespace bg::ui
