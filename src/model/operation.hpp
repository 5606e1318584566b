// Operation and MutateResult: one uploaded operation and its outcome.
//
// An Operation is the parsed `<operations xsi:type="XOperation">` element: `node.type()` is the
// operation type ("CampaignOperation"), its fields hold `operator` (text) and `operand` (a Node
// whose type is the runtime operand type, e.g. "BiddableAdGroupCriterion") and any extra fields
// (exemptionRequests). `index` is the 0-based position in the whole upload.
//
// `parse_errors` holds what the upload parser found wrong with this one operation (an unknown
// operation type or xsi:type, an element that is not a field of its type, ...): such an operation
// is never applied; its result carries exactly these errors. `node` is then only partially typed.
//
// A MutateResult carries either `result` (the entity echoed with server fields filled; its Node
// type is the runtime type, `result_element` the Operand choice name such as "AdGroupCriterion")
// or `errors` (>= 1 ApiError), never both. Plain values; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/api_error.hpp"
#include "model/node.hpp"

namespace bg::model {

struct Operation {
  int64_t index = 0;
  Node node;                           // type = "XOperation"
  std::vector<ApiError> parse_errors;  // non-empty: rejected by the parser, never applied

  std::string_view op_type() const { return node.type(); }
  std::string_view op_operator() const {
    auto t = node.Text("operator");
    return t ? *t : std::string_view();
  }
  const Node* operand() const { return node.Child("operand"); }
};

struct MutateResult {
  int64_t index = 0;
  std::string result_element;  // Operand choice element name; empty when errors is non-empty
  std::optional<Node> result;
  std::vector<ApiError> errors;
};

}  // namespace bg::model
