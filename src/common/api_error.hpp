// ApiError: the one error shape of the AdWords API (DESIGN.md decision 6).
//
// A plain value type. It travels inside Status/Result<T> from wherever an error is found (parser,
// validator, sandbox, store) to the only two places that turn it into XML: soap/fault.cpp (a SOAP
// fault) and results/writer.cpp (an <errors> element of a <rval>). It lives in common/ because
// Status carries it and common depends on nothing.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace bg {

struct ApiError {
  std::string type;        // xsi:type of the error, e.g. "CriterionError", "BatchJobError".
  std::string reason;      // enum value of <type>.Reason, e.g. "KEYWORD_HAS_INVALID_CHARS".
  std::string field_path;  // e.g. "operations[4].operand.criterion.text"; may be empty.
  std::string trigger;     // the offending value; may be empty.
  std::string error_string;  // "<type>.<reason>" when empty (see ErrorString()).
  // Subtype fields after `reason`, in schema order (e.g. RateExceededError: rateName, rateScope,
  // retryAfterSeconds). Name/value pairs, values already rendered as text.
  std::vector<std::pair<std::string, std::string>> extra;

  std::string ErrorString() const {
    return error_string.empty() ? type + "." + reason : error_string;
  }

  static ApiError Make(std::string type, std::string reason, std::string field_path = {},
                       std::string trigger = {}) {
    ApiError e;
    e.type = std::move(type);
    e.reason = std::move(reason);
    e.field_path = std::move(field_path);
    e.trigger = std::move(trigger);
    return e;
  }
};

}  // namespace bg
