#include "client/element_locator.hpp"

#include <unistd.h>

#include <cerrno>
#include <vector>

#include "client/expat_file.hpp"

namespace bg::client {
namespace {

constexpr int kBlock = 256 * 1024;

}  // namespace

std::string NormalizeFieldPath(const std::string& field_path) {
  std::string out;
  size_t start = 0;
  for (;;) {
    size_t dot = field_path.find('.', start);
    std::string_view seg(field_path.data() + start,
                         (dot == std::string::npos ? field_path.size() : dot) - start);
    if (!out.empty()) out.push_back('.');
    out.append(seg);
    if (!seg.empty() && seg.back() != ']') out.append("[0]");
    if (dot == std::string::npos) return out;
    start = dot + 1;
  }
}

struct ElementLocator::Impl {
  struct Frame {
    std::string key;
    std::unordered_map<std::string, int> seen;  // children met so far, by name
  };

  ExpatFile file;
  XML_Parser parser = nullptr;  // file.parser()
  int depth = 0;
  int64_t started = 0;  // operations elements started
  int64_t target = -1;
  bool collecting = false;
  bool target_done = false;
  bool suspended = false;
  bool finished = false;
  std::vector<Frame> frames;
  std::unordered_map<std::string, Location> positions;

  Location Here() const {
    return {static_cast<uint64_t>(XML_GetCurrentLineNumber(parser)),
            static_cast<uint64_t>(XML_GetCurrentColumnNumber(parser)) + 1, true};
  }

  static void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char**) {
    auto* self = static_cast<Impl*>(data);
    ++self->depth;
    if (self->depth == 2) {
      const int64_t index = self->started++;
      self->collecting = index == self->target;
      if (!self->collecting) return;
      self->frames.clear();
      self->frames.push_back({"operations[" + std::to_string(index) + "]", {}});
      self->positions.emplace(self->frames.back().key, self->Here());
    } else if (self->depth > 2 && self->collecting) {
      std::string local(LocalName(name));
      Frame& parent = self->frames.back();
      int k = parent.seen[local]++;
      std::string key = parent.key + "." + local + "[" + std::to_string(k) + "]";
      self->positions.emplace(key, self->Here());
      self->frames.push_back({std::move(key), {}});
    }
  }

  static void XMLCALL OnEnd(void* data, const XML_Char*) {
    auto* self = static_cast<Impl*>(data);
    if (self->collecting) {
      self->frames.pop_back();
      if (self->depth == 2) {
        self->collecting = false;
        self->target_done = true;
        XML_StopParser(self->parser, XML_TRUE);
      }
    }
    --self->depth;
  }

  static void XMLCALL OnDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*,
                                int) {
    XML_StopParser(static_cast<Impl*>(data)->parser, XML_FALSE);
  }

  // Parses until the target operation has ended; false when the document ends (or breaks) first.
  bool Run() {
    for (;;) {
      if (target_done) return true;
      if (finished) return false;
      XML_Status st;
      if (suspended) {
        suspended = false;
        st = XML_ResumeParser(parser);
      } else {
        void* buf = XML_GetBuffer(parser, kBlock);
        if (buf == nullptr) return false;
        ssize_t n;
        do {
          n = ::read(file.fd(), buf, kBlock);
        } while (n < 0 && errno == EINTR);
        if (n < 0) return false;
        st = XML_ParseBuffer(parser, static_cast<int>(n), n == 0);
        if (n == 0 && st != XML_STATUS_SUSPENDED) finished = true;
      }
      if (st == XML_STATUS_SUSPENDED) suspended = true;
      if (st == XML_STATUS_ERROR) finished = true;
    }
  }
};

ElementLocator::ElementLocator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ElementLocator::~ElementLocator() = default;

Result<std::unique_ptr<ElementLocator>> ElementLocator::Open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  BG_RETURN_IF_ERROR(impl->file.Open(path, impl.get()));
  impl->parser = impl->file.parser();
  XML_SetElementHandler(impl->parser, Impl::OnStart, Impl::OnEnd);
  XML_SetStartDoctypeDeclHandler(impl->parser, Impl::OnDoctype);
  return std::unique_ptr<ElementLocator>(new ElementLocator(std::move(impl)));
}

Status ElementLocator::Seek(int64_t index) {
  if (index == impl_->target && impl_->target_done) return Status::Ok();
  if (index < impl_->started) return FailedPrecondition("operations must be located in order");
  impl_->target = index;
  impl_->target_done = false;
  impl_->positions.clear();
  if (!impl_->Run()) return NotFound("operation " + std::to_string(index) + " not found");
  return Status::Ok();
}

Location ElementLocator::Find(const std::string& field_path) const {
  std::string key = field_path.empty() ? "operations[" + std::to_string(impl_->target) + "]"
                                       : NormalizeFieldPath(field_path);
  bool exact = true;
  for (;;) {
    auto it = impl_->positions.find(key);
    if (it != impl_->positions.end()) {
      Location l = it->second;
      l.exact = exact;
      return l;
    }
    size_t dot = key.rfind('.');
    if (dot == std::string::npos) break;
    key.resize(dot);
    exact = false;
  }
  auto op = impl_->positions.find("operations[" + std::to_string(impl_->target) + "]");
  if (op == impl_->positions.end()) return {0, 0, false};
  Location l = op->second;
  l.exact = false;
  return l;
}

}  // namespace bg::client
