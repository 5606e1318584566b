// NodeCodec: the sandbox's compact, lossless text encoding of a model::Node, used to keep each
// simulated entity in one SQLite column (so SET can merge fields and results echo everything).
//
// Written (compact; a keyword is ~50 bytes instead of ~230, and bytes are what a million inserts
// cost): node := 'n' ref(type) field* '}', field := 'T' ref(name) ref(text) | 'I' ref(name)
// varint(zigzag(int)) | 'C' ref(name) node, where ref is a 1-byte code into a fixed, append-only
// dictionary of common names and values, or 0 + varint length + bytes. 'I' holds only integer
// texts that print back identically, so every text round-trips byte for byte.
// Also read (the first format, in data dirs written before): node := 'N' <len> ':' <type> '{'
// field* '}', field := 'T' <len> ':' <name> <len> ':' <text> | 'C' <len> ':' <name> node.
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
