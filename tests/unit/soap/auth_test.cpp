// AccessPolicy: open and tokens modes, each failure's ApiError, hashed tokens, customer grants.
#include "soap/auth.hpp"

#include <gtest/gtest.h>

namespace bg::soap {
namespace {

http::RequestHead WithBearer(const std::string& value) {
  http::RequestHead h;
  h.method = "POST";
  h.target = "/api/adwords/cm/v201702/BatchJobService";
  if (!value.empty()) h.headers.push_back({"Authorization", value});
  return h;
}

RequestHeaderFields Fields(std::optional<std::string> customer, std::optional<std::string> dev) {
  RequestHeaderFields f;
  f.client_customer_id = std::move(customer);
  f.developer_token = std::move(dev);
  return f;
}

// "Type.REASON" of a failed Authenticate, or the customer id it returned.
std::string Outcome(const AccessPolicy& p, const std::string& authorization,
                    std::optional<std::string> customer, std::optional<std::string> dev) {
  Result<std::string> r = p.Authenticate(WithBearer(authorization), Fields(customer, dev));
  if (r.ok()) return *r;
  if (!r.status().is_api_error()) return "not an ApiError: " + r.status().ToString();
  const ApiError& e = r.status().api_errors().front();
  return e.type + "." + e.reason;
}

// sha256("tok-b"), as `printf %s tok-b | sha256sum` prints it.
constexpr char kTokBSha256[] =
    "sha256:efa1cd32d437a4dd30463a379503cadfb2b13481660f6345110f3bde01f2e773";

AccessPolicy TokensPolicy() {
  Result<AccessPolicy> p =
      AccessPolicy::Tokens({"dev-1", "dev-2"}, {"tok-a 123-456-7890 2222222222", "tok-admin *"});
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return std::move(p).value();
}

TEST(AuthTest, OpenModeAcceptsAnyNonEmptyTokens) {
  AccessPolicy open = AccessPolicy::Open();
  EXPECT_EQ(open.mode(), AccessPolicy::Mode::kOpen);
  EXPECT_EQ(Outcome(open, "Bearer anything", "123-456-7890", "x"), "1234567890");
  EXPECT_EQ(Outcome(open, "bearer\tanything", "1", "x"), "1");
  EXPECT_EQ(Outcome(open, "", "1", "x"), "AuthenticationError.OAUTH_TOKEN_HEADER_INVALID");
  EXPECT_EQ(Outcome(open, "Basic abc", "1", "x"), "AuthenticationError.OAUTH_TOKEN_HEADER_INVALID");
  EXPECT_EQ(Outcome(open, "Bearer   ", "1", "x"), "AuthenticationError.OAUTH_TOKEN_HEADER_INVALID");
  EXPECT_EQ(Outcome(open, "Bearer t", "1", std::nullopt), "QuotaCheckError.INVALID_TOKEN_HEADER");
  EXPECT_EQ(Outcome(open, "Bearer t", "1", ""), "QuotaCheckError.INVALID_TOKEN_HEADER");
  EXPECT_EQ(Outcome(open, "Bearer t", std::nullopt, "x"),
            "AuthenticationError.CLIENT_CUSTOMER_ID_IS_REQUIRED");
  EXPECT_EQ(Outcome(open, "Bearer t", "12a", "x"),
            "AuthenticationError.CLIENT_CUSTOMER_ID_INVALID");
  EXPECT_EQ(open.CheckBearer("whatever", "1"), AccessPolicy::Grant::kAllowed);
}

TEST(AuthTest, TokensModeChecksEachCredentialInOrder) {
  AccessPolicy p = TokensPolicy();
  EXPECT_EQ(p.mode(), AccessPolicy::Mode::kTokens);
  EXPECT_EQ(Outcome(p, "Bearer tok-a", "123-456-7890", "dev-1"), "1234567890");
  EXPECT_EQ(Outcome(p, "Bearer tok-a", "222-222-2222", "dev-2"), "2222222222");
  EXPECT_EQ(Outcome(p, "Bearer tok-a", "999-999-9999", "dev-1"),
            "AuthorizationError.USER_PERMISSION_DENIED");
  EXPECT_EQ(Outcome(p, "Bearer tok-admin", "999-999-9999", "dev-1"), "9999999999");
  EXPECT_EQ(Outcome(p, "Bearer tok-x", "123-456-7890", "dev-1"),
            "AuthenticationError.OAUTH_TOKEN_INVALID");
  EXPECT_EQ(Outcome(p, "Bearer tok-a", "123-456-7890", "dev-3"),
            "QuotaCheckError.INVALID_TOKEN_HEADER");
  // The order: the bearer token is judged before the developer token and the customer.
  EXPECT_EQ(Outcome(p, "Bearer tok-x", std::nullopt, "dev-3"),
            "AuthenticationError.OAUTH_TOKEN_INVALID");
  EXPECT_EQ(Outcome(p, "Bearer tok-a", "12a", "dev-1"),
            "AuthenticationError.CLIENT_CUSTOMER_ID_INVALID");
  EXPECT_EQ(Outcome(p, "", "123-456-7890", "dev-1"),
            "AuthenticationError.OAUTH_TOKEN_HEADER_INVALID");
  // Prefixes and extensions of a token are other tokens.
  EXPECT_EQ(Outcome(p, "Bearer tok-", "123-456-7890", "dev-1"),
            "AuthenticationError.OAUTH_TOKEN_INVALID");
  EXPECT_EQ(Outcome(p, "Bearer tok-aa", "123-456-7890", "dev-1"),
            "AuthenticationError.OAUTH_TOKEN_INVALID");

  EXPECT_EQ(p.CheckBearer("tok-a", "1234567890"), AccessPolicy::Grant::kAllowed);
  EXPECT_EQ(p.CheckBearer("tok-a", "5"), AccessPolicy::Grant::kDenied);
  EXPECT_EQ(p.CheckBearer("nope", "1234567890"), AccessPolicy::Grant::kUnknownToken);
  EXPECT_EQ(p.CheckBearer("tok-admin", "5"), AccessPolicy::Grant::kAllowed);
}

TEST(AuthTest, HashedTokens) {
  Result<AccessPolicy> p = AccessPolicy::Tokens({"sha256:" + std::string(64, '0'), "dev-1"},
                                                {std::string(kTokBSha256) + " 42"});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->CheckBearer("tok-b", "42"), AccessPolicy::Grant::kAllowed);
  EXPECT_EQ(p->CheckBearer(kTokBSha256, "42"), AccessPolicy::Grant::kUnknownToken);
  EXPECT_EQ(Outcome(*p, "Bearer tok-b", "42", "dev-1"), "42");
}

TEST(AuthTest, BadListsAreRefusedWithoutEchoingTokens) {
  struct Case {
    std::vector<std::string> dev, bearer;
    std::string mentions;
  };
  const Case cases[] = {
      {{}, {"t 1"}, "no developer token"},         {{"d"}, {}, "no bearer token"},
      {{"d", " "}, {"t 1"}, "developer token #2"}, {{"sha256:12"}, {"t 1"}, "developer token #1"},
      {{"d"}, {"secret-only"}, "entry #1"},        {{"d"}, {"t 1", "secret-2 12a"}, "entry #2"},
      {{"d"}, {"t 1", "t 2"}, "repeats"},          {{"d"}, {"sha256:zz 1"}, "entry #1"},
  };
  for (const Case& c : cases) {
    Result<AccessPolicy> p = AccessPolicy::Tokens(c.dev, c.bearer);
    ASSERT_FALSE(p.ok()) << c.mentions;
    EXPECT_NE(p.status().message().find(c.mentions), std::string::npos) << p.status().message();
    EXPECT_EQ(p.status().message().find("secret"), std::string::npos) << p.status().message();
  }
}

TEST(AuthTest, BearerTokenParsing) {
  EXPECT_EQ(BearerToken(std::string_view("Bearer abc")), "abc");
  EXPECT_EQ(BearerToken(std::string_view("  BEARER   abc  ")), "abc");
  EXPECT_FALSE(BearerToken(std::nullopt).has_value());
  EXPECT_FALSE(BearerToken(std::string_view("Bearerabc")).has_value());
  EXPECT_FALSE(BearerToken(std::string_view("Basic abc")).has_value());
}

}  // namespace
}  // namespace bg::soap
