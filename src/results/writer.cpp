// The mutateResponse writer: one <rval> per result (WriteMutateResult) and the durable, resumable
// results file around it (ResultWriter).
#include "results/writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/writeback.hpp"
#include "results/node_writer.hpp"

namespace bg::results {

namespace {

void WriteError(const schema::Registry& registry, const ApiError& e, xml::XmlWriter& w) {
  w.Start("errors");
  w.Attribute("xmlns:xsi", kXsiNamespace);
  w.Attribute("xsi:type", e.type);
  if (!e.field_path.empty()) w.Leaf("fieldPath", e.field_path);
  if (!e.trigger.empty()) w.Leaf("trigger", e.trigger);
  w.Leaf("errorString", e.ErrorString());
  w.Leaf("ApiError.Type", e.type);
  w.Leaf("reason", e.reason);
  // Subtype fields: only those the version's schema gives this error type (version-strict); an
  // error type the registry does not know keeps its fields as given.
  const bool known = registry.Find(e.type) != nullptr;
  for (const auto& [name, value] : e.extra) {
    if (known && registry.FindField(e.type, name) == nullptr) continue;
    w.Leaf(name, value);
  }
  w.End();
}

}  // namespace

void WriteMutateResult(const schema::Registry& registry, const model::MutateResult& r,
                       xml::XmlWriter& w) {
  w.Start("rval");
  if (r.errors.empty() && r.result) {
    // (An entity type this version has no Operand element for cannot be written: the rval then
    // carries only its index.)
    const schema::FieldDef* choice = r.result_element.empty()
                                         ? registry.OperandChoice(r.result->type())
                                         : registry.OperandElement(r.result_element);
    std::string_view element = choice ? std::string_view(choice->name) : r.result_element;
    std::string_view declared = choice ? std::string_view(choice->type) : r.result->type();
    if (!element.empty()) {
      w.Start("result");
      NodeWriter(registry, w).WriteElement(element, declared, *r.result, /*xsi_in_scope=*/false);
      w.End();
    }
  } else if (!r.errors.empty()) {
    w.Start("errorList");
    for (const ApiError& e : r.errors) WriteError(registry, e, w);
    w.End();
  }
  w.Leaf("index", r.index);
  w.End();
}

namespace {

// Buffers output and writes it to the fd past kFlushBytes; the first failure sticks. The disk
// writes of what it has written start every Writeback::kStep bytes, so that Sync()'s fdatasync
// (the executor waits for it before each checkpoint) finds little left to write.
class FileSink final : public xml::XmlSink {
 public:
  static constexpr size_t kFlushBytes = 64 * 1024;

  FileSink(int fd, uint64_t size) : fd_(fd), size_(size), writeback_(fd) {
    buf_.reserve(kFlushBytes * 2);
  }

  void Append(std::string_view bytes) override {
    if (discard_) return;
    buf_.append(bytes);
    size_ += bytes.size();
    if (buf_.size() > kFlushBytes) (void)Flush();
  }

  Status Flush() {
    if (!status_.ok()) return status_;
    size_t off = 0;
    while (off < buf_.size()) {
      ssize_t n = ::write(fd_, buf_.data() + off, buf_.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        status_ = Status(StatusCode::kUnavailable,
                         std::string("writing the results file failed: ") + std::strerror(errno));
        return status_;
      }
      off += static_cast<size_t>(n);
    }
    const auto end = static_cast<int64_t>(size_);  // every byte is written now
    writeback_.Wrote(end - static_cast<int64_t>(buf_.size()), end);
    buf_.clear();
    return Status::Ok();
  }

  void set_discard(bool d) { discard_ = d; }
  uint64_t size() const { return size_; }
  const Status& status() const { return status_; }

 private:
  int fd_;
  uint64_t size_;  // file bytes + buffered bytes
  std::string buf_;
  Writeback writeback_;
  bool discard_ = false;
  Status status_;
};

class FileResultWriter final : public ResultWriter {
 public:
  FileResultWriter(int fd, const schema::Registry& registry, uint64_t size)
      : fd_(fd), registry_(registry), sink_(fd, size), w_(&sink_) {}
  ~FileResultWriter() override {
    (void)sink_.Flush();
    ::close(fd_);
  }

  // Writes the declaration and root start tag, or (resuming) only re-enters the root element in
  // the XmlWriter's state without emitting bytes.
  void Begin(bool fresh) {
    sink_.set_discard(!fresh);
    if (fresh) w_.Declaration();
    w_.Start("mutateResponse");
    w_.Attribute("xmlns", registry_.ns());
    w_.Raw("");  // closes the start tag: ">"
    sink_.set_discard(false);
  }

  using ResultWriter::Append;
  Status Append(const model::MutateResult& r) override {
    if (finished_) return FailedPrecondition("results file already finished");
    WriteMutateResult(registry_, r, w_);
    return sink_.status();
  }

  Result<uint64_t> Sync() override {
    BG_RETURN_IF_ERROR(sink_.Flush());
    if (::fdatasync(fd_) != 0) {
      return Status(StatusCode::kUnavailable,
                    std::string("fdatasync of the results file failed: ") + std::strerror(errno));
    }
    return sink_.size();
  }

  Result<uint64_t> Finish() override {
    if (!finished_) {
      w_.EndAll();
      finished_ = true;
    }
    return Sync();
  }

 private:
  int fd_;
  const schema::Registry& registry_;
  FileSink sink_;
  xml::XmlWriter w_;
  bool finished_ = false;
};

}  // namespace

Result<std::unique_ptr<ResultWriter>> ResultWriter::Open(const std::string& path,
                                                         const schema::Registry& registry,
                                                         uint64_t durable_bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status(StatusCode::kUnavailable,
                  "cannot open results file " + path + ": " + std::strerror(errno));
  }
  auto fail = [fd](StatusCode code, std::string msg) {
    ::close(fd);
    return Status(code, std::move(msg));
  };
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(StatusCode::kUnavailable, "fstat failed");
  if (static_cast<uint64_t>(st.st_size) < durable_bytes) {
    return fail(StatusCode::kDataLoss,
                "results file " + path + " is shorter (" + std::to_string(st.st_size) +
                    " bytes) than its checkpoint (" + std::to_string(durable_bytes) + " bytes)");
  }
  if (::ftruncate(fd, static_cast<off_t>(durable_bytes)) != 0 ||
      ::lseek(fd, static_cast<off_t>(durable_bytes), SEEK_SET) < 0) {
    return fail(StatusCode::kUnavailable,
                "cannot truncate results file " + path + ": " + std::strerror(errno));
  }
  auto writer = std::make_unique<FileResultWriter>(fd, registry, durable_bytes);
  writer->Begin(durable_bytes == 0);
  return std::unique_ptr<ResultWriter>(std::move(writer));
}

}  // namespace bg::results
