// BuildResultsIndex: the results document and the upload, streamed in lockstep one item at a time
// (results_index.hpp), into the index file.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <optional>

#include "engine/xml_stream.hpp"
#include "ui/index_format.hpp"
#include "ui/results_index.hpp"

namespace bg::ui {
namespace {

using engine::StartTag;
using engine::XmlEngine;
using engine::XmlStream;

void AppendCapped(std::string_view text, std::string* out) {
  if (out->size() < internal::kMaxFieldBytes) {
    out->append(text.substr(0, internal::kMaxFieldBytes - out->size()));
  }
}

// An XmlHandler that completes one item at a time (a <rval>, an <operations>) and suspends the
// stream after each, past the first `skip` items (those delivered before an engine switch).
class ItemHandler : public engine::XmlHandler {
 public:
  void Attach(XmlStream* stream, int64_t skip) {
    stream_ = stream;
    skip_ = skip;
    seen_ = 0;
    depth_ = 0;
  }
  bool TakeReady() {
    const bool r = ready_;
    ready_ = false;
    return r;
  }
  void OnText(std::string_view text) override {
    if (field_ != nullptr) AppendCapped(text, field_);
  }

 protected:
  void ItemDone() {
    if (seen_++ < skip_) return;
    ready_ = true;
    stream_->Suspend();
  }
  // Collect the text of the element just started into *f (until the next start or end tag).
  void StartField(std::string* f) {
    f->clear();
    field_ = f;
  }
  int depth_ = 0;                 // elements open
  std::string* field_ = nullptr;  // the leaf whose text is being collected

 private:
  XmlStream* stream_ = nullptr;
  int64_t skip_ = 0;
  int64_t seen_ = 0;
  bool ready_ = false;
};

// Items of one document: the fast engine first; when it leaves the document to expat, expat
// takes over from the first item not yet delivered.
class ItemStream {
 public:
  ItemStream(std::string path, uint64_t length, ItemHandler* handler)
      : path_(std::move(path)), length_(length), handler_(handler) {}

  // true: the handler holds the next item; false: the document has no more.
  Result<bool> Next() {
    if (!stream_) BG_RETURN_IF_ERROR(Open(XmlEngine::kFast));
    while (true) {
      switch (stream_->Pump()) {
        case XmlStream::State::kRunning:
          continue;
        case XmlStream::State::kSuspended:
          if (!handler_->TakeReady()) continue;
          ++delivered_;
          return true;
        case XmlStream::State::kDone:
          return false;
        case XmlStream::State::kUnsupported:
          if (engine_ == XmlEngine::kFast) {
            BG_RETURN_IF_ERROR(Open(XmlEngine::kExpat));
            continue;
          }
          [[fallthrough]];
        case XmlStream::State::kFailed: {
          const engine::XmlPosition& p = stream_->error_position();
          return Status(StatusCode::kDataLoss, path_ + ": byte " + std::to_string(p.byte_offset) +
                                                   " (line " + std::to_string(p.line) +
                                                   ", column " + std::to_string(p.column) +
                                                   "): " + stream_->error_what());
        }
      }
    }
  }
  uint64_t bytes_fed() const { return stream_ ? stream_->bytes_fed() : 0; }

 private:
  Status Open(XmlEngine engine) {
    engine_ = engine;
    BG_ASSIGN_OR_RETURN(stream_, XmlStream::Open(path_, length_, handler_, engine));
    handler_->Attach(stream_.get(), delivered_);
    return Status::Ok();
  }
  std::string path_;
  uint64_t length_;
  ItemHandler* handler_;
  XmlEngine engine_ = XmlEngine::kFast;
  std::unique_ptr<XmlStream> stream_;
  int64_t delivered_ = 0;
};

// <mutateResponse><rval>{<result><X xsi:type?>…</X></result> | <errorList><errors xsi:type>
// <fieldPath/>…</errors>…</errorList>}<index/></rval>… (results/writer.hpp).
class RvalHandler final : public ItemHandler {
 public:
  ResultRow row;

  void OnStart(const StartTag& tag) override {
    const int d = depth_++;
    field_ = nullptr;
    if (d == 1) {
      in_rval_ = tag.local == "rval";
      if (!in_rval_) return;
      row = ResultRow{};
      row.index = -1;
      section_.clear();
    } else if (!in_rval_) {
      return;
    } else if (d == 2) {
      section_ = tag.local;
      if (section_ == "errorList") row.failed = true;
      if (section_ == "index") StartField(&index_text_);
    } else if (d == 3 && section_ == "result" && row.result_type.empty()) {
      row.result_type = tag.xsi_type.empty() ? std::string(tag.local) : std::string(tag.xsi_type);
    } else if (d == 3 && section_ == "errorList" && tag.local == "errors") {
      row.errors.emplace_back().type = std::string(tag.xsi_type);
    } else if (d == 4 && section_ == "errorList" && !row.errors.empty()) {
      ApiError& e = row.errors.back();
      if (tag.local == "fieldPath") {
        StartField(&e.field_path);
      } else if (tag.local == "trigger") {
        StartField(&e.trigger);
      } else if (tag.local == "errorString") {
        StartField(&e.error_string);
      } else if (tag.local == "reason") {
        StartField(&e.reason);
      } else if (tag.local == "ApiError.Type") {
        StartField(&type_text_);
      } else {
        StartField(&e.extra.emplace_back(std::string(tag.local), std::string()).second);
      }
    }
  }

  void OnEnd() override {
    const int d = --depth_;
    field_ = nullptr;
    if (!in_rval_) return;
    if (d == 4 && !type_text_.empty() && !row.errors.empty()) {
      if (row.errors.back().type.empty()) row.errors.back().type = type_text_;
      type_text_.clear();
    } else if (d == 2 && section_ == "index") {
      int64_t v = -1;
      std::from_chars(index_text_.data(), index_text_.data() + index_text_.size(), v);
      row.index = v;
    } else if (d == 1) {
      in_rval_ = false;
      ItemDone();
    }
  }

 private:
  bool in_rval_ = false;
  std::string section_;
  std::string index_text_, type_text_;
};

// The upload's <mutate><operations xsi:type="XOperation"><operator/><operand xsi:type/>…
// (lenient like engine::OpReader: local names, an Operation.Type child when xsi:type is absent).
class OperationHandler final : public ItemHandler {
 public:
  std::string type, op_operator, operand_type;

  void OnStart(const StartTag& tag) override {
    const int d = depth_++;
    field_ = nullptr;
    if (d == 1) {
      type = std::string(tag.xsi_type);
      op_operator.clear();
      operand_type.clear();
      type_text_.clear();
    } else if (d == 2) {
      if (tag.local == "operator") StartField(&op_operator);
      if (tag.local == "Operation.Type") StartField(&type_text_);
      if (tag.local == "operand") operand_type = std::string(tag.xsi_type);
    }
  }
  void OnEnd() override {
    field_ = nullptr;
    if (--depth_ != 1) return;
    if (type.empty()) type = type_text_;
    ItemDone();
  }

 private:
  std::string type_text_;
};

// A file being written with stdio buffering; removed on destruction unless kept.
class OutFile {
 public:
  explicit OutFile(std::string path) : path_(std::move(path)) {
    f_ = std::fopen(path_.c_str(), "w+b");
  }
  ~OutFile() {
    if (f_ != nullptr) std::fclose(f_);
    if (!keep_) std::remove(path_.c_str());
  }
  bool ok() const { return f_ != nullptr && std::ferror(f_) == 0; }
  void Write(const void* data, size_t n) {
    if (f_ != nullptr) std::fwrite(data, 1, n, f_);
  }
  // Appends the whole of `other` (rewound).
  void Append(OutFile& other) {
    if (f_ == nullptr || other.f_ == nullptr) return;
    std::fflush(other.f_);
    std::rewind(other.f_);
    char buf[64 * 1024];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof(buf), other.f_)) > 0) Write(buf, n);
  }
  Status Close() {
    const bool good = ok() && std::fflush(f_) == 0;
    const bool closed = f_ != nullptr && std::fclose(f_) == 0;
    f_ = nullptr;
    if (!good || !closed) return Internal("results index: writing " + path_ + " failed");
    return Status::Ok();
  }
  void Keep() { keep_ = true; }
  const std::string& path() const { return path_; }
  FILE* get() { return f_; }

 private:
  std::string path_;
  FILE* f_ = nullptr;
  bool keep_ = false;
};

uint64_t FileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

}  // namespace

Status BuildResultsIndex(const IndexSource& source, BuildProgress* progress) {
  if (FileSize(source.results_path) < source.results_bytes) {
    return Status(StatusCode::kDataLoss, "results file " + source.results_path +
                                             " is missing or shorter than the job's results");
  }
  OutFile out(source.index_path + ".tmp");
  OutFile failures(source.index_path + ".tmp.failures");
  OutFile blob(source.index_path + ".tmp.blob");
  if (!out.ok() || !failures.ok() || !blob.ok()) {
    return Internal("results index: cannot create " + out.path() + ": " + std::strerror(errno));
  }
  internal::IndexHeader h{};
  out.Write(&h, sizeof(h));  // rewritten at the end

  RvalHandler results_handler;
  ItemStream results(source.results_path, source.results_bytes, &results_handler);
  OperationHandler op_handler;
  std::optional<ItemStream> upload;
  if (source.upload_bytes > 0 && FileSize(source.upload_path) >= source.upload_bytes) {
    upload.emplace(source.upload_path, source.upload_bytes, &op_handler);
  }
  int64_t ops_read = 0;  // operations taken from the upload; the handler holds op ops_read - 1
  bool all_ops = true;   // every row found its operation
  std::string record;
  while (true) {
    if (progress != nullptr && progress->cancel.load()) {
      return Status(StatusCode::kUnavailable, "results index: build cancelled");
    }
    BG_ASSIGN_OR_RETURN(bool more, results.Next());
    if (!more) break;
    ResultRow& row = results_handler.row;
    // The upload's operation row.index (results are in upload order: this only moves forward).
    while (upload && row.index >= ops_read) {
      Result<bool> next = upload->Next();
      if (!next.ok() || !*next) {
        upload.reset();  // missing, malformed or shorter: later rows go without its fields
        break;
      }
      ++ops_read;
    }
    if (upload && row.index >= 0 && row.index == ops_read - 1) {
      row.operation_type = op_handler.type;
      row.op_operator = op_handler.op_operator;
      row.operand_type = op_handler.operand_type;
    } else {
      all_ops = false;
    }
    record.clear();
    internal::EncodeRow(row, &record);
    const internal::RowRecord rec{h.blob_bytes, static_cast<uint32_t>(record.size()),
                                  row.failed ? internal::kRowFailed : 0u};
    out.Write(&rec, sizeof(rec));
    blob.Write(record.data(), record.size());
    if (row.failed) {
      failures.Write(&h.row_count, sizeof(h.row_count));
      ++h.failure_count;
    }
    h.blob_bytes += record.size();
    ++h.row_count;
    if (progress != nullptr) progress->bytes_read.store(results.bytes_fed());
  }
  std::memcpy(h.magic, internal::kIndexMagic, sizeof(h.magic));
  h.results_bytes = source.results_bytes;
  h.failures_offset = sizeof(h) + h.row_count * sizeof(internal::RowRecord);
  h.blob_offset = h.failures_offset + h.failure_count * 8;
  h.upload_complete = all_ops ? 1 : 0;
  out.Append(failures);
  out.Append(blob);
  if (out.ok()) {
    std::rewind(out.get());
    out.Write(&h, sizeof(h));
  }
  BG_RETURN_IF_ERROR(failures.Close());
  BG_RETURN_IF_ERROR(blob.Close());
  BG_RETURN_IF_ERROR(out.Close());
  if (std::rename(out.path().c_str(), source.index_path.c_str()) != 0) {
    return Internal("results index: rename to " + source.index_path + ": " + std::strerror(errno));
  }
  out.Keep();
  return Status::Ok();
}

}  // namespace bg::ui
