#include "app/access_guard.hpp"

#include "common/signed_url.hpp"
#include "http/storage_error.hpp"

namespace bg::app {

std::unique_ptr<http::Exchange> GuardSignedUrl(const soap::AccessPolicy& policy,
                                               const http::RequestHead& head) {
  if (policy.mode() == soap::AccessPolicy::Mode::kOpen) return nullptr;
  std::optional<std::string_view> token = soap::BearerToken(head.Get("Authorization"));
  if (!token) return nullptr;
  std::optional<SignedTarget> target = ParseSignedTarget(head.target);
  if (!target) return nullptr;
  const http::ErrorFormat fmt = http::PreferredErrorFormat(head);
  switch (policy.CheckBearer(*token, target->customer_id)) {
    case soap::AccessPolicy::Grant::kAllowed:
      return nullptr;
    case soap::AccessPolicy::Grant::kUnknownToken:
      return http::MakeImmediate(http::StorageError(
          401, "AuthenticationRequired", "The bearer token is not valid for this gateway.", fmt));
    case soap::AccessPolicy::Grant::kDenied:
      break;
  }
  return http::MakeImmediate(http::StorageError(
      403, "AccessDenied", "The bearer token may not act for this customer.", fmt));
}

}  // namespace bg::app
