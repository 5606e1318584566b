// UploadPlan: how an upload file is cut into resumable-upload requests the way the Python client
// library sends them (reference legacy-protocol.md §3.1): every request holds whole top-level
// `<operations>` elements (the first one also the XML declaration and the `<mutate>` start tag,
// the last one the `</mutate>` end tag) and is padded with spaces (0x20) to a multiple of
// 262144 bytes; non-final requests say `bytes A-B/*`, the final one `bytes A-B/TOTAL`.
//
// The cuts come from one streaming expat pass that notes where each top-level element ends
// (names by local part; no DTD) and collects the ids the upload names (see named_ids). A request
// gets the operations that fit into `chunk_bytes` (at least one). A stretch longer than
// `chunk_bytes` without a cut (one huge operation, or a file that stops being well-formed — the
// gateway reports that as FILE_FORMAT_ERROR, so it is sent as it is) is sent in unpadded pieces of
// `chunk_bytes` (a multiple of 262144), with only its last piece padded: memory stays bounded by
// `chunk_bytes` whatever the file.
//
// The plan is a list of pieces of a virtual byte stream (file bytes then padding), so that any
// stream offset can be re-read when an upload resumes. Plain value; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace bg::client {

inline constexpr uint64_t kUploadUnit = 262144;
inline constexpr size_t kMaxNamedIds = 1 << 20;

struct UploadPiece {
  uint64_t file_begin = 0, file_end = 0;  // file bytes [begin, end)
  uint64_t padding = 0;                   // spaces after them
  uint64_t stream_begin = 0;              // offset of the piece in the uploaded stream

  uint64_t size() const { return file_end - file_begin + padding; }
  uint64_t stream_end() const { return stream_begin + size(); }
};

struct UploadPlan {
  std::vector<UploadPiece> pieces;  // in order; never empty
  uint64_t file_size = 0;
  uint64_t total = 0;       // bytes uploaded (file plus padding)
  uint64_t operations = 0;  // top-level elements the scan saw end (operations, for progress)
  // Positive integers the upload gives as the text of an `id` or `…Id` element: ids of entities
  // that exist already (or fixed ids such as location criteria), not assigned by the server.
  // Sorted, unique; at most kMaxNamedIds are kept.
  std::vector<std::string> named_ids;

  // The index of the piece holding stream offset `offset` (< total).
  size_t PieceAt(uint64_t offset) const;
};

// Plans `path`. `chunk_bytes` is rounded up to a multiple of kUploadUnit (at least one).
Result<UploadPlan> PlanUpload(const std::string& path, uint64_t chunk_bytes = kUploadUnit);

// Stream bytes [from, piece.stream_end()) of `piece` (file bytes, then spaces) into *out.
Status ReadPiece(int fd, const UploadPiece& piece, uint64_t from, std::string* out);

}  // namespace bg::client
