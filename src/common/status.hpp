// Status and Result<T>: how every fallible path in batchgate reports failure (Abseil-style).
//
// A Status is either OK, an internal error (code + message, logged but never sent to clients), or
// one or more ApiErrors (code kApiError) that the protocol layer renders in the protocol's shape.
// Values are cheap to move; not thread-safe to mutate concurrently (plain values).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/api_error.hpp"

namespace bg {

enum class StatusCode {
  kOk = 0,
  kApiError,           // carries api_errors(): an AdWords API error for the client
  kInvalidArgument,    // malformed input (bad header, bad range, bad XML)
  kNotFound,
  kPermissionDenied,
  kFailedPrecondition,
  kOutOfRange,
  kResourceExhausted,  // a limit was hit
  kAlreadyExists,
  kUnavailable,        // transient: may be retried
  kDataLoss,
  kInternal,
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  explicit Status(ApiError error) : code_(StatusCode::kApiError) {
    message_ = error.ErrorString();
    api_errors_.push_back(std::move(error));
  }
  explicit Status(std::vector<ApiError> errors)
      : code_(StatusCode::kApiError), api_errors_(std::move(errors)) {
    for (const auto& e : api_errors_) {
      if (!message_.empty()) message_ += ", ";
      message_ += e.ErrorString();
    }
  }

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<ApiError>& api_errors() const { return api_errors_; }
  bool is_api_error() const { return code_ == StatusCode::kApiError; }

  // "CODE: message", for logs.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::vector<ApiError> api_errors_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok());
  }
  Result(ApiError error) : v_(Status(std::move(error))) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace bg

#define BG_CONCAT_INNER(a, b) a##b
#define BG_CONCAT(a, b) BG_CONCAT_INNER(a, b)

#define BG_RETURN_IF_ERROR(expr)            \
  do {                                      \
    ::bg::Status bg_status_ = (expr);       \
    if (!bg_status_.ok()) return bg_status_; \
  } while (0)

#define BG_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()

#define BG_ASSIGN_OR_RETURN(lhs, expr) \
  BG_ASSIGN_OR_RETURN_IMPL(BG_CONCAT(bg_result_, __LINE__), lhs, expr)
