#include "client/upload_plan.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <string_view>
#include <vector>

#include "client/expat_file.hpp"

namespace bg::client {
namespace {

constexpr size_t kBlock = 256 * 1024;

uint64_t RoundUp(uint64_t n) { return (n + kUploadUnit - 1) / kUploadUnit * kUploadUnit; }

class Planner {
 public:
  explicit Planner(uint64_t target) : target_(target) {}

  // A top-level element of the document ends at file offset `end`.
  void OnCut(uint64_t end) {
    ++cuts_;
    if (end - start_ > target_ && last_cut_ > start_) {
      Emit(start_, last_cut_);
      start_ = last_cut_;
    }
    if (end - start_ > target_) {  // one operation larger than a chunk
      Emit(start_, end);
      start_ = end;
    }
    last_cut_ = end;
  }

  void OnId(std::string id) {
    if (named_.size() < kMaxNamedIds) named_.insert(std::move(id));
  }

  UploadPlan Finish(uint64_t size) {
    plan_.named_ids.assign(named_.begin(), named_.end());
    if (size > start_ || plan_.pieces.empty()) Emit(start_, size);
    plan_.file_size = size;
    plan_.operations = cuts_;
    plan_.total = plan_.pieces.back().stream_end();
    return std::move(plan_);
  }

 private:
  void Emit(uint64_t begin, uint64_t end) {
    while (end - begin > target_) {  // unpadded aligned pieces, then the padded rest
      Push(begin, begin + target_, 0);
      begin += target_;
    }
    uint64_t n = end - begin;
    Push(begin, end, n == 0 ? kUploadUnit : RoundUp(n) - n);
  }
  void Push(uint64_t begin, uint64_t end, uint64_t padding) {
    UploadPiece p{begin, end, padding, 0};
    if (!plan_.pieces.empty()) p.stream_begin = plan_.pieces.back().stream_end();
    plan_.pieces.push_back(p);
  }

  const uint64_t target_;
  UploadPlan plan_;
  uint64_t start_ = 0, last_cut_ = 0, cuts_ = 0;
  std::set<std::string> named_;
};

struct ScanState {
  XML_Parser parser = nullptr;
  Planner* planner = nullptr;
  int depth = 0;
  bool in_id = false;  // inside an `id` / `…Id` element
  std::string text;
};

bool IsIdElement(std::string_view name) {
  name = LocalName(name);
  return name == "id" || (name.size() > 2 && name.substr(name.size() - 2) == "Id");
}

void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char**) {
  auto* s = static_cast<ScanState*>(data);
  s->depth++;
  s->in_id = IsIdElement(name);
  s->text.clear();
}

void XMLCALL OnText(void* data, const XML_Char* text, int len) {
  auto* s = static_cast<ScanState*>(data);
  if (s->in_id && s->text.size() < 32) s->text.append(text, static_cast<size_t>(len));
}

void XMLCALL OnEnd(void* data, const XML_Char*) {
  auto* s = static_cast<ScanState*>(data);
  if (s->in_id) {
    s->in_id = false;
    std::string_view t = s->text;
    while (!t.empty() && (t.front() == ' ' || t.front() == '\n' || t.front() == '\t')) {
      t.remove_prefix(1);
    }
    while (!t.empty() && (t.back() == ' ' || t.back() == '\n' || t.back() == '\t')) {
      t.remove_suffix(1);
    }
    if (!t.empty() && t.size() < 20 && t[0] != '0' &&
        t.find_first_not_of("0123456789") == std::string_view::npos) {
      s->planner->OnId(std::string(t));
    }
  }
  if (--s->depth == 1) {
    auto at = static_cast<uint64_t>(XML_GetCurrentByteIndex(s->parser));
    s->planner->OnCut(at + static_cast<uint64_t>(XML_GetCurrentByteCount(s->parser)));
  }
}

// A DOCTYPE is refused by the gateway: stop cutting there (the rest goes as it is).
void XMLCALL OnDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  XML_StopParser(static_cast<ScanState*>(data)->parser, XML_FALSE);
}

}  // namespace

size_t UploadPlan::PieceAt(uint64_t offset) const {
  auto it =
      std::upper_bound(pieces.begin(), pieces.end(), offset,
                       [](uint64_t off, const UploadPiece& p) { return off < p.stream_end(); });
  return it == pieces.end() ? pieces.size() - 1 : static_cast<size_t>(it - pieces.begin());
}

Result<UploadPlan> PlanUpload(const std::string& path, uint64_t chunk_bytes) {
  Planner planner(std::max<uint64_t>(RoundUp(chunk_bytes), kUploadUnit));
  ScanState state;
  ExpatFile file;
  BG_RETURN_IF_ERROR(file.Open(path, &state));
  XML_Parser parser = file.parser();
  state.parser = parser;
  state.planner = &planner;
  XML_SetElementHandler(parser, OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser, OnText);
  XML_SetStartDoctypeDeclHandler(parser, OnDoctype);
  bool parsing = true;
  uint64_t size = 0;
  std::vector<char> buf(kBlock);
  for (;;) {
    ssize_t n = ::read(file.fd(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Internal("cannot read " + path + ": " + std::strerror(errno));
    size += static_cast<uint64_t>(n);
    // A document that stops being well-formed is still uploaded whole; only the cutting stops.
    if (parsing && XML_Parse(parser, buf.data(), static_cast<int>(n), n == 0) != XML_STATUS_OK) {
      parsing = false;
    }
    if (n == 0) break;
  }
  return planner.Finish(size);
}

Status ReadPiece(int fd, const UploadPiece& piece, uint64_t from, std::string* out) {
  out->clear();
  if (from < piece.stream_begin || from > piece.stream_end()) {
    return Internal("offset outside the piece");
  }
  uint64_t skip = from - piece.stream_begin;
  const uint64_t content = piece.file_end - piece.file_begin;
  if (skip < content) {
    out->resize(content - skip);
    uint64_t done = 0;
    while (done < out->size()) {
      ssize_t n = ::pread(fd, out->data() + done, out->size() - done,
                          static_cast<off_t>(piece.file_begin + skip + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Internal("the upload file changed while it was uploaded");
      done += static_cast<uint64_t>(n);
    }
    skip = 0;
  } else {
    skip -= content;
  }
  out->append(piece.padding - skip, ' ');
  return Status::Ok();
}

}  // namespace bg::client
