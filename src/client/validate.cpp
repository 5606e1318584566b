#include "client/validate.hpp"

#include <sys/stat.h>

#include <iostream>
#include <memory>

#include "client/element_locator.hpp"
#include "client/json_text.hpp"
#include "client/upload_version.hpp"
#include "engine/op_reader.hpp"
#include "schema/validator.hpp"

namespace bg::client {

Result<int64_t> ValidateUpload(const std::string& path, const schema::Registry& registry,
                               const std::function<void(const UploadProblem&)>& sink) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return NotFound("cannot read " + path);
  }
  BG_ASSIGN_OR_RETURN(std::unique_ptr<engine::OpReader> reader,
                      engine::OpReader::Open(path, static_cast<uint64_t>(st.st_size), registry));
  std::unique_ptr<ElementLocator> locator;  // opened at the first problem
  int64_t operations = 0;
  for (;;) {
    Result<std::optional<model::Operation>> next = reader->Next();
    if (!next.ok()) {
      const engine::DocumentError& e = reader->error();
      if (e.line == 0) return next.status();  // an I/O error, not a document error
      UploadProblem p;
      p.line = e.line;
      p.column = e.column;
      p.error = "FILE_FORMAT_ERROR";
      p.message = e.what;
      sink(p);
      return operations;
    }
    if (!next->has_value()) return operations;
    model::Operation& op = **next;
    ++operations;
    std::vector<ApiError> errors =
        op.parse_errors.empty() ? schema::Validate(registry, op) : std::move(op.parse_errors);
    if (errors.empty()) continue;
    if (!locator) {
      BG_ASSIGN_OR_RETURN(locator, ElementLocator::Open(path));
    }
    const bool located = locator->Seek(op.index).ok();
    for (const ApiError& e : errors) {
      UploadProblem p;
      p.operation = op.index;
      p.field_path = e.field_path;
      p.error = e.type + "." + e.reason;
      p.trigger = e.trigger;
      if (located) {
        Location l = locator->Find(e.field_path);
        p.line = l.line;
        p.column = l.column;
        p.exact = l.exact;
      }
      sink(p);
    }
  }
}

namespace {

void PrintText(const std::string& file, const UploadProblem& p) {
  std::cout << file << ":" << p.line << ":" << p.column << ": ";
  if (p.operation < 0) {
    std::cout << "the document is malformed: " << p.message
              << " (the gateway cancels such a job with "
                 "BatchJobProcessingError.FILE_FORMAT_ERROR)\n";
    return;
  }
  std::cout << (p.field_path.empty() ? "operations[" + std::to_string(p.operation) + "]"
                                     : p.field_path)
            << ": " << p.error;
  if (!p.trigger.empty()) std::cout << " (trigger '" << p.trigger << "')";
  if (!p.exact) std::cout << " [absent; the position is that of its nearest ancestor]";
  std::cout << "\n";
}

void PrintJson(const UploadProblem& p, bool first) {
  std::cout << (first ? "\n" : ",\n") << "  {\"line\":" << p.line << ",\"column\":" << p.column
            << ",\"operation\":" << p.operation << ",\"fieldPath\":" << JsonString(p.field_path)
            << ",\"error\":" << JsonString(p.error) << ",\"trigger\":" << JsonString(p.trigger)
            << ",\"exact\":" << (p.exact ? "true" : "false");
  if (!p.message.empty()) std::cout << ",\"message\":" << JsonString(p.message);
  std::cout << "}";
}

}  // namespace

int RunValidate(const ValidateFlags& flags) {
  const std::string version = ChooseVersion(flags.version, flags.file);
  const schema::Registry* registry = schema::Registry::Get(version);
  if (registry == nullptr) {
    std::cerr << "batchgate validate: unsupported version " << version << "\n";
    return 2;
  }
  const bool json = flags.format == "json";
  if (json) {
    std::cout << "{\"file\":" << JsonString(flags.file) << ",\"version\":" << JsonString(version)
              << ",\"problems\":[";
  }
  int64_t problems = 0;
  Result<int64_t> ops = ValidateUpload(flags.file, *registry, [&](const UploadProblem& p) {
    if (json) {
      PrintJson(p, problems == 0);
    } else {
      PrintText(flags.file, p);
    }
    ++problems;
  });
  if (!ops.ok()) {
    if (json) std::cout << "]}\n";
    std::cerr << "batchgate validate: " << ops.status().message() << "\n";
    return 2;
  }
  if (json) {
    std::cout << (problems ? "\n" : "") << "],\"operations\":" << *ops
              << ",\"valid\":" << (problems == 0 ? "true" : "false") << "}\n";
  } else {
    std::cout << flags.file << ": " << *ops << " operation" << (*ops == 1 ? "" : "s") << ", "
              << problems << " problem" << (problems == 1 ? "" : "s") << " (" << version << ")\n";
  }
  return problems == 0 ? 0 : 1;
}

}  // namespace bg::client
