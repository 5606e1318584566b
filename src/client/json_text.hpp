// JSON text helpers for the machine-readable reports (replay --format json, validate --format
// json): a quoted, escaped JSON string (common/json_writer.hpp). The reports are written as a
// stream of objects, so no document model is needed. Pure functions; thread-safe.
#pragma once

#include "common/json_writer.hpp"

namespace bg::client {

using bg::JsonString;

}  // namespace bg::client
