// OpReader over XmlStream: turns the SAX events of the upload into typed model::Operations, one
// `<operations>` element at a time, with every decision taken from the schema Registry.
#include "engine/op_reader.hpp"

#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/xml_stream.hpp"

namespace bg::engine {

std::string DocumentError::ToString() const {
  return "byte " + std::to_string(byte_offset) + " (line " + std::to_string(line) + ", column " +
         std::to_string(column) + "): " + what;
}

namespace {

constexpr std::string_view kOperationBase = "Operation";
constexpr std::string_view kOperationMarker = "Operation.Type";

std::string_view TrimXmlSpace(std::string_view s) {
  auto sp = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && sp(s.front())) s.remove_prefix(1);
  while (!s.empty() && sp(s.back())) s.remove_suffix(1);
  return s;
}

std::string Quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('\'');
  out.append(s);
  out.push_back('\'');
  return out;
}

class OpReaderImpl final : public OpReader, private XmlHandler {
 public:
  explicit OpReaderImpl(const schema::Registry& registry) : registry_(registry) {
    for (const auto& t : registry_.OperationTypes()) op_types_.insert(t);
    if (const schema::TypeDef* base = registry_.Find(kOperationBase)) base_cache_ = CacheFor(base);
    stack_.reserve(32);
  }

  Status Init(const std::string& path, uint64_t length) {
    if (base_cache_ == nullptr) return Internal("the registry has no type 'Operation'");
    BG_ASSIGN_OR_RETURN(stream_, XmlStream::Open(path, length, this));
    return Status::Ok();
  }

  Result<std::optional<model::Operation>> Next() override {
    if (failed_) return InvalidArgument(error_.ToString());
    if (done_) return std::optional<model::Operation>();
    for (;;) {
      switch (stream_->Pump()) {
        case XmlStream::State::kSuspended:
        case XmlStream::State::kRunning:
          if (ready_) {
            ready_ = false;
            std::optional<model::Operation> out(std::move(*op_));
            op_.reset();
            return out;
          }
          continue;
        case XmlStream::State::kDone:
          done_ = true;
          consumed_ = stream_->bytes_fed();
          return std::optional<model::Operation>();
        case XmlStream::State::kFailed:
          failed_ = true;
          error_.byte_offset = stream_->error_position().byte_offset;
          error_.line = stream_->error_position().line;
          error_.column = stream_->error_position().column;
          error_.what = stream_->error_what();
          return InvalidArgument(error_.ToString());
      }
    }
  }

  uint64_t bytes_consumed() const override { return consumed_; }
  const DocumentError& error() const override { return error_; }

 private:
  enum class Kind : uint8_t { kRoot, kOperation, kComplex, kLeaf, kOpTypeLeaf };

  // Per complex type, the fields met so far with what typing them needs: saves the registry's
  // string-keyed lookups on every element (types have few fields: a linear scan is cheapest).
  struct FieldInfo {
    std::string name;
    const schema::FieldDef* def;
    const schema::TypeDef* declared;  // nullptr for xsd built-ins
    bool complex;
    bool trim;  // non-string simple values lose surrounding whitespace
    // The last xsi:type met on this field and what it resolved to (uploads repeat the same one).
    std::string last_xsi;
    const schema::TypeDef* last_runtime = nullptr;
  };
  struct TypeCache {
    const schema::TypeDef* type;
    std::vector<FieldInfo> fields;
  };

  struct Frame {
    Kind kind;
    model::Node* node;              // kOperation/kComplex: the node; kLeaf: the parent
    const schema::FieldDef* field;  // kLeaf: the field
    TypeCache* cache;               // kComplex: the node's type
    bool trim = false;              // kLeaf: not an xsd:string, trim surrounding whitespace
  };

  TypeCache* CacheFor(const schema::TypeDef* type) {
    auto& slot = caches_[type];
    if (!slot) slot = std::make_unique<TypeCache>(TypeCache{type, {}});
    return slot.get();
  }

  FieldInfo* Lookup(TypeCache* cache, std::string_view local) {
    for (FieldInfo& f : cache->fields) {
      if (f.name == local) return &f;
    }
    const schema::FieldDef* fd = registry_.FindField(cache->type->name, local);
    if (fd == nullptr) return nullptr;
    const schema::TypeDef* declared = registry_.Find(fd->type);
    const bool complex = declared != nullptr && declared->kind == schema::Kind::kComplex;
    cache->fields.push_back({std::string(local), fd, declared, complex, fd->type != "string", {}});
    return &cache->fields.back();
  }

  // --- XmlHandler ---------------------------------------------------------------------------
  void OnStart(const StartTag& tag) override {
    if (skip_depth_ > 0) {
      ++skip_depth_;
      return;
    }
    if (stack_.empty()) {
      if (tag.local != "mutate") {
        return stream_->Fail("root element is " + Quote(tag.local) + ", expected 'mutate'");
      }
      stack_.push_back({Kind::kRoot, nullptr, nullptr, nullptr});
      return;
    }
    const Frame& top = stack_.back();
    switch (top.kind) {
      case Kind::kRoot:
        return StartOperation(tag);
      case Kind::kLeaf:
      case Kind::kOpTypeLeaf:
        return stream_->Fail("element " + Quote(tag.local) +
                             " is not allowed inside simple field " +
                             Quote(top.field ? top.field->name : std::string(kOperationMarker)));
      case Kind::kOperation:
      case Kind::kComplex:
        return StartField(tag, top);
    }
  }

  void OnText(std::string_view text) override {
    if (skip_depth_ > 0 || stack_.empty()) return;
    Kind k = stack_.back().kind;
    if (k == Kind::kLeaf || k == Kind::kOpTypeLeaf) text_.append(text);
  }

  void OnEnd() override {
    if (skip_depth_ > 0) {
      --skip_depth_;
      return;
    }
    Frame f = stack_.back();
    stack_.pop_back();
    switch (f.kind) {
      case Kind::kLeaf: {
        std::string_view v = text_;
        if (f.trim) v = TrimXmlSpace(v);
        f.node->Add(f.field->name, std::string(v));
        break;
      }
      case Kind::kOpTypeLeaf: {
        std::string_view v = TrimXmlSpace(text_);
        if (!SetOperationType(v)) return;
        break;
      }
      case Kind::kOperation:
        if (type_pending_) {
          return stream_->Fail("operations element has neither an xsi:type nor an Operation.Type");
        }
        ready_ = true;
        ++next_index_;
        consumed_ = stream_->EventEnd();
        stream_->Suspend();
        break;
      case Kind::kRoot:
      case Kind::kComplex:
        break;
    }
  }

  // --- typing -------------------------------------------------------------------------------
  void StartOperation(const StartTag& tag) {
    if (tag.local != "operations") {
      return stream_->Fail("element " + Quote(tag.local) +
                           " is not allowed in 'mutate' (expected 'operations')");
    }
    op_.emplace();
    op_->index = next_index_;
    type_pending_ = true;
    if (!tag.xsi_type.empty() && !SetOperationType(tag.xsi_type)) return;
    stack_.push_back({Kind::kOperation, &op_->node, nullptr, nullptr});
  }

  bool SetOperationType(std::string_view type) {
    if (!type_pending_) return true;  // xsi:type wins over the marker
    if (op_types_.find(type) == op_types_.end()) {
      stream_->Fail("operation type " + Quote(type) + " is not an operation type of " +
                    std::string(registry_.version()));
      return false;
    }
    op_->node.set_type(std::string(type));
    op_cache_ = CacheFor(registry_.Find(type));
    type_pending_ = false;
    return true;
  }

  void StartField(const StartTag& tag, const Frame& top) {
    const bool pending = top.kind == Kind::kOperation && type_pending_;
    TypeCache* cache = top.kind == Kind::kComplex ? top.cache : pending ? base_cache_ : op_cache_;
    FieldInfo* info = Lookup(cache, tag.local);
    if (info == nullptr) {
      if (pending) {
        return stream_->Fail("operations element has no xsi:type (needed before element " +
                             Quote(tag.local) + ")");
      }
      return stream_->Fail("element " + Quote(tag.local) + " is not a field of type " +
                           Quote(cache->type->name));
    }
    const schema::FieldDef* fd = info->def;
    if (fd->is_marker) {
      if (pending && fd->name == kOperationMarker) {
        text_.clear();
        stack_.push_back({Kind::kOpTypeLeaf, top.node, nullptr, nullptr});
      } else {
        skip_depth_ = 1;
      }
      return;
    }
    if (tag.nil) {
      skip_depth_ = 1;
      return;
    }
    if (!info->complex) {
      // Simple or enum value; an xsi:type on it (Axis: "ns1:long") names an XSD type: ignored.
      text_.clear();
      stack_.push_back({Kind::kLeaf, top.node, fd, nullptr, info->trim});
      return;
    }
    const schema::TypeDef* declared = info->declared;
    const schema::TypeDef* runtime = declared;
    if (!tag.xsi_type.empty() && info->last_runtime != nullptr && tag.xsi_type == info->last_xsi) {
      runtime = info->last_runtime;
    } else if (!tag.xsi_type.empty() && tag.xsi_type != declared->name) {
      const schema::TypeDef* actual = registry_.Find(tag.xsi_type);
      if (actual == nullptr || actual->kind != schema::Kind::kComplex) {
        return stream_->Fail("xsi:type " + Quote(tag.xsi_type) + " of element " + Quote(tag.local) +
                             " is not a type of " + std::string(registry_.version()));
      }
      if (!registry_.IsSubtypeOf(actual->name, declared->name)) {
        return stream_->Fail("xsi:type " + Quote(tag.xsi_type) + " of element " + Quote(tag.local) +
                             " is not a subtype of " + Quote(declared->name));
      }
      runtime = actual;
      if (!actual->abstract) {
        info->last_xsi.assign(tag.xsi_type);
        info->last_runtime = actual;
      }
    }
    if (runtime->abstract) {
      if (runtime == declared) {
        return stream_->Fail("element " + Quote(tag.local) + " has the abstract type " +
                             Quote(declared->name) + " and no xsi:type");
      }
      return stream_->Fail("xsi:type " + Quote(tag.xsi_type) + " of element " + Quote(tag.local) +
                           " is abstract");
    }
    model::Node* child = top.node->AddChild(fd->name, model::Node(runtime->name));
    child->mutable_fields().reserve(4);
    stack_.push_back({Kind::kComplex, child, nullptr, CacheFor(runtime)});
  }

  const schema::Registry& registry_;
  std::unordered_set<std::string_view> op_types_;
  std::unique_ptr<XmlStream> stream_;
  std::unordered_map<const schema::TypeDef*, std::unique_ptr<TypeCache>> caches_;
  TypeCache* base_cache_ = nullptr;  // "Operation": while an operation's type is not known yet
  TypeCache* op_cache_ = nullptr;    // the current operation's type
  std::vector<Frame> stack_;
  std::string text_;
  int skip_depth_ = 0;
  std::optional<model::Operation> op_;
  bool type_pending_ = false;
  bool ready_ = false;
  bool done_ = false;
  bool failed_ = false;
  int64_t next_index_ = 0;
  uint64_t consumed_ = 0;
  DocumentError error_;
};

}  // namespace

Result<std::unique_ptr<OpReader>> OpReader::Open(const std::string& path, uint64_t length,
                                                 const schema::Registry& registry) {
  auto reader = std::make_unique<OpReaderImpl>(registry);
  BG_RETURN_IF_ERROR(reader->Init(path, length));
  return std::unique_ptr<OpReader>(std::move(reader));
}

}  // namespace bg::engine
