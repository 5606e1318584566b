// NodeCodec: the sandbox's compact, lossless text encoding of a model::Node, used to keep each
// simulated entity in one SQLite column (so SET can merge fields and results echo everything).
//
// Format (length-prefixed, no escaping needed):
//   node  := 'N' <len> ':' <type> '{' field* '}'
//   field := 'T' <len> ':' <name> <len> ':' <text>   |   'C' <len> ':' <name> node
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/node.hpp"

namespace bg::backend::sandbox {

std::string EncodeNode(const model::Node& node);
// nullopt when `bytes` is not a complete encoding.
std::optional<model::Node> DecodeNode(std::string_view bytes);

}  // namespace bg::backend::sandbox
