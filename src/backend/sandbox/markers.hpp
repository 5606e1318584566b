// Error-injection markers (docs/sandbox.md): a text value anywhere in an operand (a name, a
// keyword text, an ad headline, ...) containing `++Type++`, `++Type.REASON++` or
// `++Type.REASON#N++`, where Type is a concrete ApiError subtype of the job's version with a
// Reason enum and REASON one of its values (default: the enum's first value), makes the sandbox
// fail the operation with that error before it changes anything. With `#N` only the first N
// attempts fail (ExecContext::attempt), so retried transient errors can succeed. Anything else
// between `++` pairs is not a marker and stays plain text. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "common/api_error.hpp"
#include "model/node.hpp"
#include "schema/registry.hpp"

namespace bg::backend::sandbox {

// Whether any text of `operand` contains "++" (no marker can apply otherwise): the cheap test
// that FindMarker makes first, so that an operand without one costs no path strings.
bool MayHoldMarker(const model::Node& operand);

// The error of the first marker found in `operand` (depth first, field order), with fieldPath
// `base_path` + the path of the field holding it (".ad.finalUrls[1]" when `base_path` is empty);
// nullopt when none applies to `attempt`.
std::optional<ApiError> FindMarker(const schema::Registry* registry, const model::Node& operand,
                                   const std::string& base_path, int attempt);

}  // namespace bg::backend::sandbox
