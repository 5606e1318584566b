// Error-injection markers (docs/sandbox.md) and the transient-failure contract of backend.hpp.
#include "backend/sandbox/markers.hpp"
#include "unit/backend/sandbox_fixture.hpp"

namespace bg::backend {
namespace {

TEST_F(SandboxTest, RateExceededMarkerFailsWithFilledFieldsAndIsTransient) {
  auto r = Apply("BudgetOperation", "ADD", Budget(-1, "b ++RateExceededError++"));
  ASSERT_EQ(r.errors.size(), 1u);
  const ApiError& e = r.errors[0];
  EXPECT_EQ(e.type, "RateExceededError");
  EXPECT_EQ(e.reason, "RATE_EXCEEDED");
  EXPECT_EQ(e.field_path, "operations[0].operand.name");
  ASSERT_EQ(e.extra.size(), 3u);
  EXPECT_EQ(e.extra[0].first, "rateName");
  EXPECT_EQ(e.extra[1].first, "rateScope");
  EXPECT_EQ(e.extra[2], (std::pair<std::string, std::string>("retryAfterSeconds", "30")));
  EXPECT_TRUE(IsTransient(r));
  EXPECT_EQ(Count(Kind::kBudget), 0);
  // Transient: the temp id was not poisoned, a retry (here: a clean operation) may define it.
  auto retry = Apply("BudgetOperation", "ADD", Budget(-1, "b"));
  EXPECT_TRUE(retry.errors.empty()) << Errors(retry);
}

TEST_F(SandboxTest, TransientMarkerWithAttemptCountSucceedsOnRetry) {
  Node b = Budget(-1, "b ++InternalApiError.TRANSIENT_ERROR#2++");
  auto first = Apply("BudgetOperation", "ADD", b, 1, 0);
  EXPECT_EQ(Errors(first), "InternalApiError.TRANSIENT_ERROR@operations[0].operand.name;");
  EXPECT_TRUE(IsTransient(first));
  EXPECT_TRUE(IsTransient(Apply("BudgetOperation", "ADD", b, 1, 1)));
  auto third = Apply("BudgetOperation", "ADD", b, 1, 2);
  EXPECT_TRUE(third.errors.empty()) << Errors(third);
}

TEST_F(SandboxTest, AnyRealApiErrorTypeAndReasonIsAMarker) {
  MakeTree();
  // A keyword text, a non-transient error: the temp id it defines is poisoned.
  // PolicyViolationError has no Reason enum: not a marker, plain text.
  auto unknown = Apply("AdGroupOperation", "ADD", AdGroup(-7, -2, "g ++PolicyViolationError++"));
  EXPECT_TRUE(unknown.errors.empty()) << Errors(unknown);
  Node kw = Criterion("BiddableAdGroupCriterion", -3, -8,
                      "mars ++QuotaCheckError.INVALID_TOKEN_HEADER++");
  auto r = Apply("AdGroupCriterionOperation", "ADD", kw);
  EXPECT_EQ(Errors(r),
            "QuotaCheckError.INVALID_TOKEN_HEADER@operations[4].operand.criterion.text;");
  EXPECT_FALSE(IsTransient(r));
  Node label =
      Text("AdGroupCriterionLabel", {{"adGroupId", "-3"}, {"criterionId", "-8"}, {"labelId", "1"}});
  EXPECT_EQ(Errors(Apply("AdGroupCriterionLabelOperation", "ADD", label)),
            "NewEntityCreationError.TEMP_ID_ENTITY_HAD_ERRORS@operations[5].operand.criterionId;");
  // Unknown reasons and types are plain text.
  auto plain =
      Apply("AdGroupOperation", "ADD", AdGroup(-9, -2, "g ++RateExceededError.NOPE++ ++Foo++"));
  EXPECT_TRUE(plain.errors.empty()) << Errors(plain);
}

TEST(MarkerTest, FindsMarkersInNestedAndRepeatedFields) {
  const schema::Registry* r = schema::Registry::Get("v201702");
  Node ad("ExpandedTextAd");
  ad.Add("finalUrls", "http://a.com");
  ad.Add("finalUrls", "http://b.com/++EntityNotFound.INVALID_ID++");
  Node n("AdGroupAd");
  n.SetChild("ad", ad);
  auto e = sandbox::FindMarker(r, n, "operations[3].operand", 0);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->type, "EntityNotFound");
  EXPECT_EQ(e->field_path, "operations[3].operand.ad.finalUrls[1]");
  EXPECT_FALSE(sandbox::FindMarker(r, Budget(-1, "++ApiError.X++"), "p", 0).has_value());
  EXPECT_FALSE(sandbox::FindMarker(r, Budget(-1, "++RateExceededError#x++"), "p", 0).has_value());
  EXPECT_FALSE(sandbox::FindMarker(r, Budget(-1, "++RateExceededError#1++"), "p", 1).has_value());
}

TEST(MarkerTest, MayHoldMarkerSeesPlusPlusAtAnyDepthOnly) {
  Node ad("ExpandedTextAd");
  ad.Add("finalUrls", "http://a.com/+x+");
  Node n("AdGroupAd");
  n.SetChild("ad", ad);
  EXPECT_FALSE(sandbox::MayHoldMarker(n));
  n.Child("ad")->Add("finalUrls", "http://b.com/++");
  EXPECT_TRUE(sandbox::MayHoldMarker(n));
  EXPECT_TRUE(sandbox::MayHoldMarker(Budget(-1, "a ++b")));
  EXPECT_FALSE(sandbox::MayHoldMarker(Budget(-1, "a + +b")));
}

TEST(TransientTest, OnlyRateExceededAndTransientInternalErrors) {
  EXPECT_TRUE(IsTransientError(ApiError::Make("RateExceededError", "RATE_EXCEEDED")));
  EXPECT_TRUE(IsTransientError(ApiError::Make("InternalApiError", "TRANSIENT_ERROR")));
  EXPECT_FALSE(
      IsTransientError(ApiError::Make("InternalApiError", "UNEXPECTED_INTERNAL_API_ERROR")));
  model::MutateResult ok;
  EXPECT_FALSE(IsTransient(ok));
}

}  // namespace
}  // namespace bg::backend
