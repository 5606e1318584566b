// OpReader: streams the operations of an assembled upload, one at a time (DESIGN.md decision 3).
//
// The upload file is the concatenation of every chunk at its offset, padding included; it is one
// XML document `<mutate>` whose children are `<operations xsi:type="XOperation">`. The reader is
// lenient (DESIGN.md decision 2, reference §3.3): local names only, any prefix or namespace,
// any child order, xsi:type by local part (falling back to an `Operation.Type` child), `X.Type`
// markers and xsi:nil elements ignored, CDATA, padding and an optional XML declaration/BOM.
// No DTD and no entity expansion beyond the predefined ones.
//
// Every typed decision comes from the schema Registry. A malformed document (not well-formed, a
// DOCTYPE, a root that is not `mutate`, a root child that is not `operations`) yields a
// kInvalidArgument Status whose message says where (byte offset, line, column) and what. A
// well-formed operation the schema does not accept (unknown operation type or xsi:type, a type
// that does not belong under its field, an element its type does not have) is still yielded, with
// its errors in Operation::parse_errors: one Operation per uploaded `operations` element.
//
// Memory is bounded by the size of one operation, not of the document. Not thread-safe: one
// reader per job execution.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/status.hpp"
#include "model/operation.hpp"
#include "schema/registry.hpp"

namespace bg::engine {

struct DocumentError {
  uint64_t byte_offset = 0;
  uint64_t line = 0;
  uint64_t column = 0;
  std::string what;
  // "byte 123 (line 4, column 5): <what>"
  std::string ToString() const;
};

class OpReader {
 public:
  // Reads the first `length` bytes of the file at `path`. The registry must outlive the reader.
  static Result<std::unique_ptr<OpReader>> Open(const std::string& path, uint64_t length,
                                                const schema::Registry& registry);
  virtual ~OpReader() = default;

  // The next operation (index counts from 0), nullopt at the end of the document, or an error
  // Status (kInvalidArgument) when the document is malformed; error() then has the details.
  virtual Result<std::optional<model::Operation>> Next() = 0;
  // Bytes of the file consumed so far (for progress).
  virtual uint64_t bytes_consumed() const = 0;
  virtual const DocumentError& error() const = 0;
};

}  // namespace bg::engine
