// The differential check of the two XmlStream engines (engine/xml_stream.hpp): the fast engine
// may give up on any document (kUnsupported), but a document it parses to the end must be one
// expat accepts, with the same events. Shared by tests/unit/engine/fast_xml_stream_test.cpp and
// the fuzz target tests/fuzz/xml_engines_fuzz.cpp. Header-only; needs bg_engine's xml streams.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include "engine/xml_stream.hpp"

namespace bg::testing {

// Events as one string: "<local|type|nil>" for a start, "</>" for an end, texts merged between.
class RecordingHandler : public engine::XmlHandler {
 public:
  engine::XmlStream* stream = nullptr;
  std::string log;
  bool suspend_on_end = false;  // as OpReader does after every element end

  void OnStart(const engine::StartTag& tag) override {
    Close();
    log += "<";
    log += tag.local;
    log += "|";
    log += tag.xsi_type;
    log += tag.nil ? "|nil>" : "|>";
  }
  void OnEnd() override {
    Close();
    log += "</>";
    if (suspend_on_end) stream->Suspend();
  }
  void OnText(std::string_view text) override {
    if (!in_text_) log += "\"";
    in_text_ = true;
    log += text;
  }

 private:
  void Close() {
    if (in_text_) log += "\"";
    in_text_ = false;
  }
  bool in_text_ = false;
};

struct EngineRun {
  engine::XmlStream::State state = engine::XmlStream::State::kFailed;
  std::string log;
};

// Runs one engine over `bytes` (placed in an anonymous memory file).
inline EngineRun RunEngine(std::string_view bytes, engine::XmlEngine which, bool suspend = false) {
  EngineRun run;
  int fd = ::memfd_create("xml_engines", MFD_CLOEXEC);
  if (fd < 0) return run;
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  RecordingHandler handler;
  handler.suspend_on_end = suspend;
  auto stream = engine::XmlStream::Open("/proc/self/fd/" + std::to_string(fd), bytes.size(),
                                        &handler, which);
  if (stream.ok()) {
    handler.stream = stream->get();
    do {
      run.state = (*stream)->Pump();
    } while (run.state == engine::XmlStream::State::kRunning ||
             run.state == engine::XmlStream::State::kSuspended);
    run.log = std::move(handler.log);
  }
  ::close(fd);
  return run;
}

// "" when the engines agree as they must; otherwise what went wrong.
inline std::string DiffEngines(std::string_view bytes, bool* fast_accepted = nullptr) {
  EngineRun fast = RunEngine(bytes, engine::XmlEngine::kFast, /*suspend=*/bytes.size() % 2 == 0);
  if (fast_accepted) *fast_accepted = fast.state == engine::XmlStream::State::kDone;
  if (fast.state != engine::XmlStream::State::kDone) {
    if (fast.state == engine::XmlStream::State::kUnsupported) return "";
    return "fast engine ended in state " + std::to_string(static_cast<int>(fast.state));
  }
  EngineRun expat = RunEngine(bytes, engine::XmlEngine::kExpat);
  if (expat.state != engine::XmlStream::State::kDone) {
    return "fast accepted a document expat rejects";
  }
  if (fast.log != expat.log) return "events differ:\nfast:  " + fast.log + "\nexpat: " + expat.log;
  return "";
}

}  // namespace bg::testing
