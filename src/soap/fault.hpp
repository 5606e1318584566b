// soap/fault: THE one place where errors become SOAP faults (DESIGN.md decision 6).
//
// Shapes (reference §1.5):
//  * ApiError list -> HTTP 500, soap:Server fault, faultstring "[T.R @ path; trigger:'x', …]",
//    detail/ApiExceptionFault {message, ApplicationException.Type, errors xsi:type=…}, with the
//    ResponseHeader.
//  * Unmarshalling failure -> HTTP 500, soap:Client fault "Unmarshalling Error: …", no detail
//    (and no ResponseHeader: the request could not be read).
//  * Any other (internal) Status -> InternalApiError.UNEXPECTED_INTERNAL_API_ERROR; the details
//    go to the log only.
// Stateless; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.hpp"
#include "http/message.hpp"
#include "soap/response.hpp"

namespace bg::soap {

// "[BatchJobError.INVALID_STATE_CHANGE @ operations[0].operand.status; trigger:'CANCELING']"
std::string FaultString(const std::vector<ApiError>& errors);

// "operations[0].operand.status" -> (operations,0), (operand,-), (status,-).
struct FieldPathElement {
  std::string field;
  std::optional<int64_t> index;
};
std::vector<FieldPathElement> SplitFieldPath(std::string_view field_path);

http::Response ApiFault(const ResponseHeaderInfo& header, const std::vector<ApiError>& errors);
http::Response ClientFault(std::string_view faultstring);
// Dispatches on the kind of `status` (must not be OK): ApiError list, unmarshalling error, or
// internal error (logged, never sent).
http::Response FaultFromStatus(const ResponseHeaderInfo& header, const Status& status);

}  // namespace bg::soap
