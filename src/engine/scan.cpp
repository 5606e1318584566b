#include "engine/scan.hpp"

#include "engine/xml_stream.hpp"

namespace bg::engine {
namespace {

std::string Quote(std::string_view s) {
  std::string out = "'";
  out.append(s);
  out.push_back('\'');
  return out;
}

// Tracks the depth only; names are checked at depth 0 and 1 (the messages match OpReader's).
class ScanHandler final : public XmlHandler {
 public:
  XmlStream* stream = nullptr;

  void OnStart(const StartTag& tag) override {
    if (depth_ == 0 && tag.local != "mutate") {
      stream->Fail("root element is " + Quote(tag.local) + ", expected 'mutate'");
    } else if (depth_ == 1 && tag.local != "operations") {
      stream->Fail("element " + Quote(tag.local) +
                   " is not allowed in 'mutate' (expected 'operations')");
    }
    if (depth_ == 1) ++operations_;
    ++depth_;
  }
  void OnEnd() override { --depth_; }
  void OnText(std::string_view) override {}
  int64_t operations() const { return operations_; }

 private:
  int depth_ = 0;
  int64_t operations_ = 0;
};

// Runs the fast engine, then expat if the fast one gave up. `handler` sees the events of the
// engine whose state is returned.
Result<XmlStream::State> Run(const std::string& path, uint64_t length, ScanHandler* handler,
                             std::unique_ptr<XmlStream>* stream) {
  XmlStream::State st = XmlStream::State::kUnsupported;
  for (XmlEngine engine : {XmlEngine::kFast, XmlEngine::kExpat}) {
    *handler = ScanHandler();
    BG_ASSIGN_OR_RETURN(*stream, XmlStream::Open(path, length, handler, engine));
    handler->stream = stream->get();
    do {
      st = (*stream)->Pump();
    } while (st == XmlStream::State::kRunning || st == XmlStream::State::kSuspended);
    if (st != XmlStream::State::kUnsupported) break;
  }
  return st;
}

}  // namespace

Result<std::optional<DocumentError>> ScanDocument(const std::string& path, uint64_t length) {
  // The fast engine decides only documents it accepts; for anything else expat decides and says
  // where and what.
  ScanHandler handler;
  std::unique_ptr<XmlStream> stream;
  BG_ASSIGN_OR_RETURN(XmlStream::State st, Run(path, length, &handler, &stream));
  if (st == XmlStream::State::kDone) return std::optional<DocumentError>();
  DocumentError e;
  e.byte_offset = stream->error_position().byte_offset;
  e.line = stream->error_position().line;
  e.column = stream->error_position().column;
  e.what = stream->error_what();
  return std::optional<DocumentError>(std::move(e));
}

Result<int64_t> CountOperations(const std::string& path, uint64_t length) {
  ScanHandler handler;
  std::unique_ptr<XmlStream> stream;
  BG_ASSIGN_OR_RETURN(XmlStream::State st, Run(path, length, &handler, &stream));
  if (st != XmlStream::State::kDone) return InvalidArgument("not a well-formed upload");
  return handler.operations();
}

}  // namespace bg::engine
