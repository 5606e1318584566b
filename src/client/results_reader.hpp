// ResultsReader: streams the `<rval>` elements of a results document (the mutateResponse a job's
// downloadUrl serves, or an archived copy of one), one small tree at a time, so that comparing
// results files of any size needs memory for a few results only (DESIGN.md decision 3).
//
// Lenient like the upload parser: elements by local name, any prefix; `<rval>` elements are
// taken wherever they are (a bare mutateResponse, or one still inside the SOAP envelope of a
// client log); whitespace-only text of elements with children is dropped; `xsi:type` (any
// prefix) is kept by its local part. An empty (or whitespace-only) file holds no results — what
// the real service served for a job that failed with FILE_FORMAT_ERROR. No DTD: a DOCTYPE is an
// error. Errors carry line and column.
//
// Owns its file and expat parser. Not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace bg::client {

// One element of a result: local name, xsi:type (local part), leaf text, children in order.
struct XmlTree {
  std::string name;
  std::string xsi_type;
  std::string text;  // leaves only
  std::vector<XmlTree> children;

  const XmlTree* Child(std::string_view local) const;
  // Text of the child `local` ("" when absent).
  std::string ChildText(std::string_view local) const;
};

struct ResultEntry {
  int64_t index = -1;  // the rval's <index>; -1 when it has none
  XmlTree rval;
  bool ok() const { return rval.Child("result") != nullptr; }
};

class ResultsReader {
 public:
  static Result<std::unique_ptr<ResultsReader>> Open(const std::string& path);
  ~ResultsReader();
  ResultsReader(const ResultsReader&) = delete;
  ResultsReader& operator=(const ResultsReader&) = delete;

  // The next result, nullopt at the end, or kInvalidArgument for a malformed document.
  Result<std::optional<ResultEntry>> Next();

 private:
  struct Impl;
  explicit ResultsReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bg::client
