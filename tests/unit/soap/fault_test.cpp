#include "soap/fault.hpp"

#include <gtest/gtest.h>

#include <pugixml.hpp>

namespace bg::soap {
namespace {

TEST(FaultTest, SplitFieldPath) {
  auto els = SplitFieldPath("operations[12].operand.criterion.text");
  ASSERT_EQ(els.size(), 4u);
  EXPECT_EQ(els[0].field, "operations");
  EXPECT_EQ(els[0].index, 12);
  EXPECT_EQ(els[1].field, "operand");
  EXPECT_FALSE(els[1].index.has_value());
  EXPECT_EQ(els[3].field, "text");
  EXPECT_TRUE(SplitFieldPath("").empty());
}

TEST(FaultTest, FaultStringJoinsErrors) {
  std::vector<ApiError> errors = {
      ApiError::Make("SelectorError", "INVALID_FIELD_NAME", "serviceSelector", "asDEEf"),
      ApiError::Make("AuthenticationError", "NETWORK_CODE_REQUIRED")};
  EXPECT_EQ(FaultString(errors),
            "[SelectorError.INVALID_FIELD_NAME @ serviceSelector; trigger:'asDEEf', "
            "AuthenticationError.NETWORK_CODE_REQUIRED @ ]");
}

TEST(FaultTest, ExtraFieldsFollowReasonAndInternalErrorsStayInternal) {
  ApiError rate = ApiError::Make("RateExceededError", "RATE_EXCEEDED");
  rate.extra = {
      {"rateName", "RequestsPerMinute"}, {"rateScope", "ACCOUNT"}, {"retryAfterSeconds", "30"}};
  http::Response r = ApiFault({"v201809", "get", 1, 0}, {rate});
  EXPECT_EQ(r.status, 500);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(r.body.c_str()));
  pugi::xml_node err = doc.child("soap:Envelope")
                           .child("soap:Body")
                           .child("soap:Fault")
                           .child("detail")
                           .child("ApiExceptionFault")
                           .child("errors");
  std::vector<std::string> names;
  for (pugi::xml_node c : err.children()) names.emplace_back(c.name());
  EXPECT_EQ(names, (std::vector<std::string>{"errorString", "ApiError.Type", "reason", "rateName",
                                             "rateScope", "retryAfterSeconds"}));

  http::Response internal =
      FaultFromStatus({"v201702", "get", 1, 0}, Internal("disk /secret/path exploded"));
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body.find("secret"), std::string::npos);
  EXPECT_NE(internal.body.find("InternalApiError.UNEXPECTED_INTERNAL_API_ERROR"),
            std::string::npos);
}

}  // namespace
}  // namespace bg::soap
