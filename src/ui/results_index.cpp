// The results index reader and the row codec shared with the builder (index_build.cpp).
#include "ui/results_index.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/varint.hpp"
#include "ui/index_format.hpp"

namespace bg::ui {
namespace internal {
namespace {

using varint::GetVarint;
using varint::PutString;
using varint::PutVarint;

bool GetString(std::string_view* in, std::string* s) {
  std::string_view v;
  if (!varint::GetString(in, &v)) return false;
  s->assign(v);
  return true;
}

}  // namespace

void EncodeRow(const ResultRow& row, std::string* out) {
  PutVarint(static_cast<uint64_t>(row.index), out);
  PutString(row.operation_type, out);
  PutString(row.op_operator, out);
  PutString(row.operand_type, out);
  PutString(row.result_type, out);
  PutVarint(row.errors.size(), out);
  for (const ApiError& e : row.errors) {
    for (const std::string* s : {&e.type, &e.reason, &e.field_path, &e.trigger, &e.error_string}) {
      PutString(*s, out);
    }
    PutVarint(e.extra.size(), out);
    for (const auto& [name, value] : e.extra) {
      PutString(name, out);
      PutString(value, out);
    }
  }
}

bool DecodeRow(std::string_view in, ResultRow* row) {
  uint64_t index = 0, errors = 0;
  if (!GetVarint(&in, &index)) return false;
  row->index = static_cast<int64_t>(index);
  for (std::string* s :
       {&row->operation_type, &row->op_operator, &row->operand_type, &row->result_type}) {
    if (!GetString(&in, s)) return false;
  }
  if (!GetVarint(&in, &errors) || errors > in.size()) return false;
  row->errors.resize(errors);
  for (ApiError& e : row->errors) {
    for (std::string* s : {&e.type, &e.reason, &e.field_path, &e.trigger, &e.error_string}) {
      if (!GetString(&in, s)) return false;
    }
    uint64_t extra = 0;
    if (!GetVarint(&in, &extra) || extra > in.size()) return false;
    e.extra.resize(extra);
    for (auto& [name, value] : e.extra) {
      if (!GetString(&in, &name) || !GetString(&in, &value)) return false;
    }
  }
  return in.empty();
}

}  // namespace internal

namespace {

using internal::IndexHeader;
using internal::RowRecord;

Status Corrupt(const std::string& what) {
  return Status(StatusCode::kDataLoss, "results index: " + what);
}

// Reads exactly n bytes at `offset`.
Status ReadAt(int fd, uint64_t offset, void* buf, size_t n) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    const ssize_t got = ::pread(fd, p, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Internal(std::string("results index: read: ") + std::strerror(errno));
    if (got == 0) return Corrupt("file is shorter than its header says");
    p += got;
    n -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<ResultsIndex>> ResultsIndex::Open(const std::string& path,
                                                         uint64_t results_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("no results index " + path);
    return Internal("results index: open " + path + ": " + std::strerror(errno));
  }
  // Owns fd until the index does.
  std::unique_ptr<ResultsIndex> index(new ResultsIndex(fd, 0, 0, 0, 0, 0, false));
  IndexHeader h{};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Internal("results index: fstat failed");
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size < sizeof(h)) return Corrupt("no header");
  BG_RETURN_IF_ERROR(ReadAt(fd, 0, &h, sizeof(h)));
  if (std::memcmp(h.magic, internal::kIndexMagic, sizeof(h.magic)) != 0) {
    return Corrupt("not an index file");
  }
  if (h.results_bytes != results_bytes) return Corrupt("built from another results file");
  const uint64_t rows_end = sizeof(h) + h.row_count * sizeof(RowRecord);
  if (h.row_count > size / sizeof(RowRecord) || h.failure_count > h.row_count ||
      h.failures_offset != rows_end || h.blob_offset != rows_end + h.failure_count * 8 ||
      h.blob_offset + h.blob_bytes != size) {
    return Corrupt("inconsistent header");
  }
  index->row_count_ = static_cast<int64_t>(h.row_count);
  index->failure_count_ = static_cast<int64_t>(h.failure_count);
  index->failures_offset_ = h.failures_offset;
  index->blob_offset_ = h.blob_offset;
  index->blob_bytes_ = h.blob_bytes;
  index->upload_complete_ = h.upload_complete != 0;
  return index;
}

ResultsIndex::ResultsIndex(int fd, int64_t rows, int64_t failures, uint64_t failures_offset,
                           uint64_t blob_offset, uint64_t blob_bytes, bool upload_complete)
    : fd_(fd),
      row_count_(rows),
      failure_count_(failures),
      failures_offset_(failures_offset),
      blob_offset_(blob_offset),
      blob_bytes_(blob_bytes),
      upload_complete_(upload_complete) {}

ResultsIndex::~ResultsIndex() { ::close(fd_); }

Result<ResultRow> ResultsIndex::ReadRow(int64_t row) const {
  RowRecord rec{};
  BG_RETURN_IF_ERROR(ReadAt(fd_, sizeof(IndexHeader) + static_cast<uint64_t>(row) * sizeof(rec),
                            &rec, sizeof(rec)));
  if (rec.blob_offset > blob_bytes_ || rec.blob_length > blob_bytes_ - rec.blob_offset) {
    return Corrupt("row " + std::to_string(row) + " points outside the file");
  }
  std::string bytes(rec.blob_length, '\0');
  BG_RETURN_IF_ERROR(ReadAt(fd_, blob_offset_ + rec.blob_offset, bytes.data(), bytes.size()));
  ResultRow r;
  if (!internal::DecodeRow(bytes, &r)) return Corrupt("row " + std::to_string(row) + " is garbled");
  r.row = row;
  r.failed = (rec.flags & internal::kRowFailed) != 0;
  return r;
}

Result<ResultsPage> ResultsIndex::Read(bool failures_only, int64_t offset, int64_t limit) const {
  ResultsPage page;
  page.total = failures_only ? failure_count_ : row_count_;
  offset = std::max<int64_t>(0, offset);
  const int64_t end = std::min(page.total, offset + std::max<int64_t>(0, limit));
  std::vector<uint64_t> failed_rows;
  if (failures_only && end > offset) {
    failed_rows.resize(static_cast<size_t>(end - offset));
    BG_RETURN_IF_ERROR(ReadAt(fd_, failures_offset_ + static_cast<uint64_t>(offset) * 8,
                              failed_rows.data(), failed_rows.size() * 8));
  }
  for (int64_t i = offset; i < end; ++i) {
    const int64_t row =
        failures_only ? static_cast<int64_t>(failed_rows[static_cast<size_t>(i - offset)]) : i;
    if (row < 0 || row >= row_count_) return Corrupt("failure list points outside the rows");
    BG_ASSIGN_OR_RETURN(ResultRow r, ReadRow(row));
    page.rows.push_back(std::move(r));
  }
  return page;
}

}  // namespace bg::ui
