#include "engine/xml_stream.hpp"

#include <expat.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace bg::engine {
namespace {

std::string_view LocalPart(const char* name) {
  const char* colon = std::strrchr(name, ':');
  return colon ? std::string_view(colon + 1) : std::string_view(name);
}

class ExpatStream final : public XmlStream {
 public:
  ~ExpatStream() override;
  State Pump() override;
  void Suspend() override;
  void Fail(std::string what) override;
  XmlPosition Position() const override;
  uint64_t EventEnd() const override;
  uint64_t bytes_fed() const override { return fed_; }

 private:
  friend Result<std::unique_ptr<XmlStream>> bg::engine::OpenExpatStream(const std::string&,
                                                                       uint64_t, XmlHandler*);
  struct Impl;
  State Feed();
  State AfterParse(int status);

  std::unique_ptr<Impl> impl_;
  int fd_ = -1;
  uint64_t length_ = 0;
  uint64_t fed_ = 0;
  bool final_fed_ = false;
  bool suspended_ = false;
  State state_ = State::kRunning;
};

}  // namespace

struct ExpatStream::Impl {
  XML_Parser parser = nullptr;
  XmlHandler* handler = nullptr;
  ExpatStream* self = nullptr;

  ~Impl() {
    if (parser) XML_ParserFree(parser);
  }

  // Once a handler failed the document, expat may still deliver a few queued callbacks.
  bool failed() const { return !self->error_what_.empty(); }

  static void OnStart(void* ud, const XML_Char* name, const XML_Char** atts) {
    auto* impl = static_cast<Impl*>(ud);
    if (impl->failed()) return;
    StartTag tag;
    tag.local = LocalPart(name);
    for (const XML_Char** a = atts; *a; a += 2) {
      const char* an = a[0];
      if (std::strncmp(an, "xmlns", 5) == 0 && (an[5] == '\0' || an[5] == ':')) continue;
      std::string_view local = LocalPart(an);
      if (local == "type") {
        tag.xsi_type = LocalPart(a[1]);
      } else if (local == "nil") {
        std::string_view v(a[1]);
        tag.nil = (v == "true" || v == "1");
      }
    }
    impl->handler->OnStart(tag);
  }

  static void OnEnd(void* ud, const XML_Char*) {
    auto* impl = static_cast<Impl*>(ud);
    if (impl->failed()) return;
    impl->handler->OnEnd();
  }

  static void OnText(void* ud, const XML_Char* s, int len) {
    auto* impl = static_cast<Impl*>(ud);
    if (impl->failed()) return;
    impl->handler->OnText(std::string_view(s, static_cast<size_t>(len)));
  }

  static void OnDoctype(void* ud, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<Impl*>(ud)->self->Fail("DOCTYPE declarations are not allowed");
  }

  static void OnEntityDecl(void* ud, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                           const XML_Char*, const XML_Char*, const XML_Char*) {
    static_cast<Impl*>(ud)->self->Fail("entity declarations are not allowed");
  }

  static int OnExternalEntity(XML_Parser, const XML_Char*, const XML_Char*, const XML_Char*,
                              const XML_Char*) {
    return XML_STATUS_ERROR;  // never load anything
  }
};

Result<std::unique_ptr<XmlStream>> XmlStream::Open(const std::string& path, uint64_t length,
                                                   XmlHandler* handler, XmlEngine engine) {
  return engine == XmlEngine::kFast ? OpenFastStream(path, length, handler)
                                    : OpenExpatStream(path, length, handler);
}

Result<std::unique_ptr<XmlStream>> OpenExpatStream(const std::string& path, uint64_t length,
                                                   XmlHandler* handler) {
  std::unique_ptr<ExpatStream> s(new ExpatStream());
  s->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (s->fd_ < 0) {
    return Status(StatusCode::kNotFound, "cannot open " + path + ": " + std::strerror(errno));
  }
#ifdef POSIX_FADV_SEQUENTIAL
  (void)::posix_fadvise(s->fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  s->length_ = length;
  s->impl_ = std::make_unique<ExpatStream::Impl>();
  s->impl_->self = s.get();
  s->impl_->handler = handler;
  XML_Parser p = XML_ParserCreate(nullptr);  // no namespace processing: names stay "prefix:local"
  if (p == nullptr) return Internal("XML_ParserCreate failed");
  s->impl_->parser = p;
  XML_SetUserData(p, s->impl_.get());
  XML_SetElementHandler(p, &ExpatStream::Impl::OnStart, &ExpatStream::Impl::OnEnd);
  XML_SetCharacterDataHandler(p, &ExpatStream::Impl::OnText);
  XML_SetStartDoctypeDeclHandler(p, &ExpatStream::Impl::OnDoctype);
  XML_SetEntityDeclHandler(p, &ExpatStream::Impl::OnEntityDecl);
  XML_SetExternalEntityRefHandler(p, &ExpatStream::Impl::OnExternalEntity);
#ifdef XML_DTD
  XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
#endif
  return std::unique_ptr<XmlStream>(std::move(s));
}

ExpatStream::~ExpatStream() {
  impl_.reset();
  if (fd_ >= 0) ::close(fd_);
}

void ExpatStream::Suspend() { XML_StopParser(impl_->parser, XML_TRUE); }

void ExpatStream::Fail(std::string what) {
  if (!error_what_.empty()) return;
  error_pos_ = Position();
  error_what_ = std::move(what);
  XML_StopParser(impl_->parser, XML_FALSE);
}

XmlPosition ExpatStream::Position() const {
  XML_Parser p = impl_->parser;
  XmlPosition pos;
  XML_Index idx = XML_GetCurrentByteIndex(p);
  pos.byte_offset = idx < 0 ? fed_ : static_cast<uint64_t>(idx);
  pos.line = XML_GetCurrentLineNumber(p);
  pos.column = XML_GetCurrentColumnNumber(p) + 1;
  return pos;
}

uint64_t ExpatStream::EventEnd() const {
  XML_Index idx = XML_GetCurrentByteIndex(impl_->parser);
  if (idx < 0) return fed_;
  return static_cast<uint64_t>(idx) + static_cast<uint64_t>(XML_GetCurrentByteCount(impl_->parser));
}

XmlStream::State ExpatStream::Pump() {
  while (state_ == State::kRunning || state_ == State::kSuspended) {
    int st;
    if (suspended_) {
      suspended_ = false;
      st = XML_ResumeParser(impl_->parser);
    } else if (!final_fed_) {
      State s = Feed();
      if (s != State::kRunning) return s;
      continue;
    } else {
      state_ = State::kDone;
      break;
    }
    State s = AfterParse(st);
    if (s != State::kRunning) return s;
  }
  return state_;
}

XmlStream::State ExpatStream::Feed() {
  XML_Parser p = impl_->parser;
  size_t want = static_cast<size_t>(std::min<uint64_t>(kBlockSize, length_ - fed_));
  void* buf = XML_GetBuffer(p, static_cast<int>(want > 0 ? want : 1));
  if (buf == nullptr) {
    state_ = State::kFailed;
    error_what_ = "out of memory for the XML parser buffer";
    return state_;
  }
  size_t got = 0;
  while (got < want) {
    ssize_t n =
        ::pread(fd_, static_cast<char*>(buf) + got, want - got, static_cast<off_t>(fed_ + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      state_ = State::kFailed;
      error_pos_.byte_offset = fed_ + got;
      error_what_ = std::string("read error: ") + std::strerror(errno);
      return state_;
    }
    if (n == 0) break;  // file shorter than announced: parse what is there (truncated document)
    got += static_cast<size_t>(n);
  }
  fed_ += got;
  final_fed_ = (got < want) || fed_ >= length_;
  int st = XML_ParseBuffer(p, static_cast<int>(got), final_fed_ ? XML_TRUE : XML_FALSE);
  return AfterParse(st);
}

XmlStream::State ExpatStream::AfterParse(int status) {
  XML_Parser p = impl_->parser;
  if (status == XML_STATUS_SUSPENDED) {
    suspended_ = true;
    state_ = State::kSuspended;
    return state_;
  }
  if (status == XML_STATUS_ERROR) {
    if (error_what_.empty()) {
      error_pos_ = Position();
      error_what_ = XML_ErrorString(XML_GetErrorCode(p));
    }
    state_ = State::kFailed;
    return state_;
  }
  state_ = State::kRunning;
  return state_;
}

}  // namespace bg::engine
