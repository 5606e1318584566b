// ScanDocument: the executor's phase 1 — is the whole upload a well-formed operations document?
//
// Checks exactly the document-level rules OpReader enforces (well-formed XML, no DOCTYPE or
// entity declaration, root `mutate`, every root child `operations`; names by local part) but
// builds nothing: no typed trees, no schema lookups. Per-operation problems (unknown types or
// fields) are not document errors and are left to OpReader. Returns nullopt when the document is
// fine, the DocumentError (same position and wording as OpReader's) otherwise, or an I/O error.
// CountOperations counts the `operations` elements of a document ScanDocument accepted (the
// executor reports how many a cancel left unexecuted).
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.hpp"
#include "engine/op_reader.hpp"

namespace bg::engine {

Result<std::optional<DocumentError>> ScanDocument(const std::string& path, uint64_t length);
Result<int64_t> CountOperations(const std::string& path, uint64_t length);

}  // namespace bg::engine
