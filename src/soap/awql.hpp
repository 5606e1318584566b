// The AWQL parser of BatchJobService.query (reference §2, AWQL): a service query becomes the
// same Selector a `get` carries, checked and applied by soap/selector.
//
//   SELECT <Field>[, <Field>…]
//   [WHERE <Field> <op> <value> [AND <Field> <op> <value>…]]
//   [ORDER BY <Field> [ASC|DESC][, <Field> [ASC|DESC]…]]
//   [LIMIT <startIndex>,<pageSize>]
//
// * Keywords (SELECT WHERE AND ORDER BY ASC DESC LIMIT) and operator names are case-insensitive;
//   field names and literals are case-sensitive (a wrong-case field reaches the selector as an
//   unknown field). There is no FROM and no DURING in a service query: both are syntax errors.
// * <op>: = != > >= < <= (EQUALS NOT_EQUALS GREATER_THAN GREATER_THAN_EQUALS LESS_THAN
//   LESS_THAN_EQUALS) or a Predicate.Operator name: IN NOT_IN STARTS_WITH STARTS_WITH_IGNORE_CASE
//   CONTAINS CONTAINS_IGNORE_CASE DOES_NOT_CONTAIN DOES_NOT_CONTAIN_IGNORE_CASE CONTAINS_ANY
//   CONTAINS_NONE CONTAINS_ALL. Any other operator is a syntax error.
// * <value>: a number (-12, 3.5), a "double-" or 'single-quoted' string (backslash escapes), a
//   bare identifier (an enum value such as DONE) or a list [v1, v2, …] of those (possibly empty:
//   the selector then reports MISSING_PREDICATE_VALUES). A list is accepted after any operator
//   and a single value after a list operator; whether the operator takes several values, the
//   10 000-item limit and the value types are the selector's checks, so `query` and `get` fail
//   alike.
// * LIMIT takes two integers (spaces around the comma optional) that must fit an xsd:int;
//   negative values reach the selector (RangeError.TOO_LOW like a get's paging).
// * Syntax errors: RequestError.INVALID_INPUT @ query, trigger = offending token + position
//   (see awql_lexer.hpp). QueryError does not exist in the BatchJobService schema, so a client
//   could not deserialize it.
// Client builders this must accept (reference §2): Python ServiceQueryBuilder joins conditions
// with ' AND ', double-quotes strings, writes lists as [a, b] and `LIMIT s,n`; the PHP builder
// single-quotes strings (addslashes) including numeric ones ('123').
// Pure function; thread-safe.
#pragma once

#include <string_view>

#include "common/status.hpp"
#include "soap/selector.hpp"

namespace bg::soap {

Result<Selector> ParseAwql(std::string_view query);

}  // namespace bg::soap
