// Internal to ui/: the byte layout of a results index file (results_index.hpp describes it), shared
// by the builder (index_build.cpp) and the reader (results_index.cpp). Pure functions.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "ui/results_index.hpp"

namespace bg::ui::internal {

inline constexpr char kIndexMagic[8] = {'B', 'G', 'R', 'I', 'D', 'X', '1', '\n'};

struct IndexHeader {
  char magic[8];
  uint64_t results_bytes;
  uint64_t row_count;
  uint64_t failure_count;
  uint64_t failures_offset;
  uint64_t blob_offset;
  uint64_t blob_bytes;
  uint64_t upload_complete;
};
static_assert(sizeof(IndexHeader) == 64);

struct RowRecord {
  uint64_t blob_offset;
  uint32_t blob_length;
  uint32_t flags;  // kRowFailed
};
static_assert(sizeof(RowRecord) == 16);
inline constexpr uint32_t kRowFailed = 1;

// Longest string kept from a result or an upload field (the rest is cut): bounds the memory of a
// build and the size of a row, whatever the documents hold.
inline constexpr size_t kMaxFieldBytes = 4096;

// A row's blob record: varint op index, the four strings, varint error count, then per error
// type, reason, fieldPath, trigger, errorString, varint extra count, extra name/value pairs.
// Strings are a varint length and the bytes.
void EncodeRow(const ResultRow& row, std::string* out);
// False when `bytes` is not a whole record.
bool DecodeRow(std::string_view bytes, ResultRow* row);

}  // namespace bg::ui::internal
