// ResultWriter: appends the mutateResponse results document of one job, one <rval> at a time.
//
// Output is exact and version-strict (DESIGN.md decision 2, reference §4.4): the XML
// declaration at byte 0, root <mutateResponse xmlns="https://adwords.google.com/api/adwords/cm/
// <version>">, no prefixes, one <rval> per operation in order: <result><Choice [xsi:type]>...
// </Choice></result> or <errorList><errors xsi:type="T">...</errors></errorList>, then <index>.
// Fields in schema order, only fields the version has, `X.Type` markers filled, xsi:type when the
// runtime type differs from the declared one.
//
// Durability: Sync() fsyncs and returns the durable size; the executor stores that size in its
// checkpoint, and on recovery Open() truncates the file back to the checkpointed size, so the
// file is byte-identical to an uninterrupted run. Not thread-safe; one writer per job.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.hpp"
#include "common/xml_writer.hpp"
#include "model/operation.hpp"
#include "schema/registry.hpp"

namespace bg::results {

// Writes one <rval> element for `r` (pure; used by the writer and by tests).
void WriteMutateResult(const schema::Registry& registry, const model::MutateResult& r,
                       xml::XmlWriter& w);

class ResultWriter {
 public:
  // Opens/creates the file. `durable_bytes` is the checkpointed size (0 for a new job): the file
  // is truncated to it; when 0 the declaration and root start tag are written.
  static Result<std::unique_ptr<ResultWriter>> Open(const std::string& path,
                                                    const schema::Registry& registry,
                                                    uint64_t durable_bytes);
  virtual ~ResultWriter() = default;

  virtual Status Append(const model::MutateResult& r) = 0;
  // The same, for a result the caller is done with (a writer that keeps it can move it).
  virtual Status Append(model::MutateResult&& r) {
    return Append(static_cast<const model::MutateResult&>(r));
  }
  // Flushes and fsyncs; returns the durable size.
  virtual Result<uint64_t> Sync() = 0;
  // Writes </mutateResponse>, fsyncs, returns the final size.
  virtual Result<uint64_t> Finish() = 0;
};

}  // namespace bg::results
