// Reads the constraint facts of one WSDL <documentation> text: the sentences inside
// <span class="constraint X">…</span> (ReadOnly, Required, StringLength, InRange, CollectionSize,
// NotEmpty, NotEmptyForOperators, Selectable, Filterable, SupportedOperators). Only the facts are
// kept; the prose is dropped. Internal to the WSDL importer; pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "schema/registry.hpp"

namespace bg::schema {

struct Constraint {
  std::string kind;  // the class after "constraint ", e.g. "ReadOnly"
  std::string text;  // the sentence, whitespace collapsed
};

// Every constraint span of a documentation text (already entity-decoded), in order.
std::vector<Constraint> ExtractConstraints(std::string_view documentation);

// Applies the field-level constraints to `field`. Kinds without a field fact (AdxEnabled,
// CampaignType, MatchesRegex, ...) are ignored; a known kind in an unknown wording is an error, so
// that a new phrasing is noticed instead of silently dropped.
Status ApplyFieldConstraints(const std::vector<Constraint>& constraints, FieldDef* field);

// The operators of a SupportedOperators sentence; empty when there is none.
Result<std::vector<std::string>> SupportedOperators(const std::vector<Constraint>& constraints);

}  // namespace bg::schema
