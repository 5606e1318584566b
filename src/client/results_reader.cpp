#include "client/results_reader.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "client/expat_file.hpp"

namespace bg::client {
namespace {

constexpr size_t kBlock = 64 * 1024;

bool AllSpace(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

const XmlTree* XmlTree::Child(std::string_view local) const {
  for (const XmlTree& c : children) {
    if (c.name == local) return &c;
  }
  return nullptr;
}

std::string XmlTree::ChildText(std::string_view local) const {
  const XmlTree* c = Child(local);
  return c ? c->text : std::string();
}

struct ResultsReader::Impl {
  ExpatFile file;
  XML_Parser parser = nullptr;  // file.parser()
  std::vector<XmlTree*> open;   // the rval being read and its open descendants
  std::optional<XmlTree> current;
  std::deque<ResultEntry> ready;
  bool eof = false;
  bool failed = false;
  bool seen_only_space = true;  // so far the file is whitespace only
  std::string error;

  static void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char** attrs) {
    auto* self = static_cast<Impl*>(data);
    std::string_view local = LocalName(name);
    if (self->open.empty()) {
      if (local != "rval") return;
      self->current.emplace();
      self->open.push_back(&*self->current);
    } else {
      XmlTree* parent = self->open.back();
      parent->text.clear();  // text between children is not a value
      parent->children.emplace_back();
      self->open.push_back(&parent->children.back());
    }
    XmlTree* node = self->open.back();
    node->name = std::string(local);
    for (const XML_Char** a = attrs; *a != nullptr; a += 2) {
      if (LocalName(a[0]) == "type") node->xsi_type = std::string(LocalName(a[1]));
    }
  }

  static void XMLCALL OnEnd(void* data, const XML_Char*) {
    auto* self = static_cast<Impl*>(data);
    if (self->open.empty()) return;
    XmlTree* node = self->open.back();
    if (!node->children.empty() && AllSpace(node->text)) node->text.clear();
    self->open.pop_back();
    if (!self->open.empty()) return;
    ResultEntry e;
    e.rval = std::move(*self->current);
    self->current.reset();
    std::string index = e.rval.ChildText("index");
    char* end = nullptr;
    long long v = std::strtoll(index.c_str(), &end, 10);
    if (!index.empty() && end != nullptr && *end == '\0') e.index = v;
    self->ready.push_back(std::move(e));
  }

  static void XMLCALL OnText(void* data, const XML_Char* s, int len) {
    auto* self = static_cast<Impl*>(data);
    if (self->open.empty()) return;
    XmlTree* node = self->open.back();
    if (node->children.empty()) node->text.append(s, static_cast<size_t>(len));
  }

  static void XMLCALL OnDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*,
                                int) {
    auto* self = static_cast<Impl*>(data);
    self->error = "a DOCTYPE is not allowed";
    XML_StopParser(self->parser, XML_FALSE);
  }

  void Fail() {
    failed = true;
    if (error.empty()) error = XML_ErrorString(XML_GetErrorCode(parser));
    error = "line " + std::to_string(XML_GetCurrentLineNumber(parser)) + ", column " +
            std::to_string(XML_GetCurrentColumnNumber(parser) + 1) + ": " + error;
  }

  // Feeds one block; false at the end of the file or on failure.
  bool Feed() {
    char buf[kBlock];
    ssize_t n;
    do {
      n = ::read(file.fd(), buf, sizeof(buf));
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      failed = true;
      error = std::strerror(errno);
      return false;
    }
    if (n == 0) {
      eof = true;
      // Nothing but whitespace (or nothing at all): no results, not an error.
      if (seen_only_space) return false;
      if (XML_Parse(parser, buf, 0, XML_TRUE) != XML_STATUS_OK) Fail();
      return false;
    }
    if (seen_only_space) seen_only_space = AllSpace(std::string_view(buf, static_cast<size_t>(n)));
    if (XML_Parse(parser, buf, static_cast<int>(n), XML_FALSE) != XML_STATUS_OK) {
      Fail();
      return false;
    }
    return true;
  }
};

ResultsReader::ResultsReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ResultsReader::~ResultsReader() = default;

Result<std::unique_ptr<ResultsReader>> ResultsReader::Open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  BG_RETURN_IF_ERROR(impl->file.Open(path, impl.get()));
  impl->parser = impl->file.parser();
  XML_SetElementHandler(impl->parser, Impl::OnStart, Impl::OnEnd);
  XML_SetCharacterDataHandler(impl->parser, Impl::OnText);
  XML_SetStartDoctypeDeclHandler(impl->parser, Impl::OnDoctype);
  return std::unique_ptr<ResultsReader>(new ResultsReader(std::move(impl)));
}

Result<std::optional<ResultEntry>> ResultsReader::Next() {
  while (impl_->ready.empty() && !impl_->failed && !impl_->eof) impl_->Feed();
  if (!impl_->ready.empty()) {
    std::optional<ResultEntry> e(std::move(impl_->ready.front()));
    impl_->ready.pop_front();
    return e;
  }
  if (impl_->failed) return InvalidArgument(impl_->error);
  return std::optional<ResultEntry>();
}

}  // namespace bg::client
