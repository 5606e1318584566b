// Schema-level validation of one uploaded operation: the constraints of the registry turned into
// the real API errors, with field paths rooted at the operation's index
// (e.g. "operations[4].operand.criterion.text"):
//   RequiredError.REQUIRED, StringLengthError.TOO_LONG/TOO_SHORT, RangeError.TOO_LOW/TOO_HIGH,
//   unknown enum value -> the API's own error for it, OperatorError.OPERATOR_NOT_SUPPORTED,
//   ReadOnlyError.READ_ONLY for a field that is read-only for the operator (except a temp id
//   site on ADD: Campaign.id / AdGroup.id holding an integer, reference §5.2).
// Operations the upload parser rejected (Operation::parse_errors) are not validated.
//
// Pure function of (registry, operation); thread-safe.
#pragma once

#include <vector>

#include "common/api_error.hpp"
#include "model/operation.hpp"
#include "schema/registry.hpp"

namespace bg::schema {

// Returns the errors of `op` (empty when valid). `op` is not changed.
std::vector<ApiError> Validate(const Registry& registry, model::Operation& op);

}  // namespace bg::schema
