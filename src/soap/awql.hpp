// A basic AWQL parser for BatchJobService.query (reference §2, AWQL):
//   SELECT f1[, f2…] [WHERE <f> <op> <value> [AND …]] [ORDER BY f [ASC|DESC][, …]]
//   [LIMIT start,count]
// <op>: = != > >= < <= or an operator name (IN, NOT_IN, STARTS_WITH, …); <value>: a number, a
// "double" or 'single' quoted string, or a list [a, b]. Keywords and operator names are
// case-insensitive, field names and literals case-sensitive; there is no FROM and no DURING.
// The result is a Selector checked by the same rules as `get` (soap/selector). Syntax errors are
// RequestError.INVALID_INPUT @ query with the offending token as trigger (QueryError does not
// exist in the BatchJobService schema, so clients could not deserialize it).
// Pure function; thread-safe.
#pragma once

#include <string_view>

#include "common/status.hpp"
#include "soap/selector.hpp"

namespace bg::soap {

Result<Selector> ParseAwql(std::string_view query);

}  // namespace bg::soap
