// OpReader over XmlStream: turns the SAX events of the upload into typed model::Operations, one
// `<operations>` element at a time, with every decision taken from the schema Registry.
//
// Two kinds of trouble, kept apart (issue 3, "Bad input"):
//  * the document itself is broken (not well-formed, a DOCTYPE, a wrong root, a root child that
//    is not `operations`): XmlStream::Fail, the whole job ends with FILE_FORMAT_ERROR;
//  * one operation is wrong (an unknown operation type or xsi:type, an xsi:type that does not
//    belong under its field, an abstract type without xsi:type, an element its type does not
//    have, markup inside a simple value): the operation still comes out, with the error in
//    Operation::parse_errors, and the offending element is skipped. The count of operations
//    therefore always equals the count of uploaded `operations` elements.
//
// The error for every per-operation typing problem is RequestError.INVALID_INPUT, with the
// fieldPath of the offending element (`operations[i]`, `operations[i].operand.criterion`,
// `operations[i].operand.ad.headlinePart3`, ...) and the offending name as trigger (the unknown
// type or element name; for a missing xsi:type the abstract declared type). Why this one: the
// real service rejected such input in its XML (JAXB) layer, before any ApiError-typed check
// ("Unmarshalling Error" in synchronous calls); of the v201702 ApiError subtypes only
// RequestError.INVALID_INPUT describes "the request could not be read as the schema says".
// RejectedError.UNKNOWN_VALUE is about forward-compatible enum values, not types or elements.
#include "engine/op_reader.hpp"

#include <algorithm>
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
constexpr std::string_view kMarkerSuffix = ".Type";
// Per-operation errors kept (an operation of a million unknown elements stays small).
constexpr size_t kMaxErrorsPerOperation = 50;

std::string_view TrimXmlSpace(std::string_view s) {
  auto sp = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && sp(s.front())) s.remove_prefix(1);
  while (!s.empty() && sp(s.back())) s.remove_suffix(1);
  return s;
}

bool IsMarkerName(std::string_view local) {
  return local.size() > kMarkerSuffix.size() &&
         local.substr(local.size() - kMarkerSuffix.size()) == kMarkerSuffix;
}

std::string Quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('\'');
  out.append(s);
  out.push_back('\'');
  return out;
}

size_t CountNamed(const model::Node& node, std::string_view name, const model::Node* upto) {
  size_t n = 0;
  for (const model::Field& f : node.fields()) {
    if (upto != nullptr && f.child.get() == upto) break;
    if (f.name == name) ++n;
  }
  return n;
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
    path_ = path;
    length_ = length;
    BG_ASSIGN_OR_RETURN(stream_, XmlStream::Open(path, length, this, XmlEngine::kFast));
    return Status::Ok();
  }

  // The fast engine met something it leaves to expat (xml_stream.hpp): parse again with expat
  // from the start, dropping the operations already returned. The operation in progress (if
  // any) is read again whole.
  Status FallBackToExpat() {
    stack_.clear();
    text_.clear();
    skip_depth_ = 0;
    op_.reset();
    type_pending_ = op_rejected_ = ready_ = false;
    skip_below_ = next_index_;
    next_index_ = 0;
    BG_ASSIGN_OR_RETURN(stream_, XmlStream::Open(path_, length_, this, XmlEngine::kExpat));
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
        case XmlStream::State::kUnsupported: {
          Status s = FallBackToExpat();
          if (!s.ok()) return s;
          continue;
        }
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
    const schema::FieldDef* field;  // kComplex/kLeaf: the field the element fills
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

  // --- field paths (built only when an operation has an error) -------------------------------
  // "operations[i]" followed by the fields of the open frames up to stack_[depth].
  std::string FramePath(size_t depth) const {
    std::string p = "operations[" + std::to_string(op_->index) + "]";
    for (size_t k = 2; k <= depth && k < stack_.size(); ++k) {
      const Frame& f = stack_[k];
      if (f.field == nullptr) continue;
      p.append(".").append(f.field->name);
      if (!f.field->repeated) continue;
      // A complex item is already in its parent; a leaf is added when it ends.
      size_t item = f.kind == Kind::kComplex
                        ? CountNamed(*stack_[k - 1].node, f.field->name, f.node)
                        : CountNamed(*f.node, f.field->name, nullptr);
      p.append("[").append(std::to_string(item)).append("]");
    }
    return p;
  }

  // The path of a new element `name` (field `fd`, may be null) under the innermost frame.
  std::string ChildPath(std::string_view name, const schema::FieldDef* fd) const {
    std::string p = FramePath(stack_.size() - 1);
    p.append(".").append(name);
    if (fd != nullptr && fd->repeated) {
      p.append("[")
          .append(std::to_string(CountNamed(*stack_.back().node, fd->name, nullptr)))
          .append("]");
    }
    return p;
  }

  void Reject(std::string path, std::string_view trigger) {
    if (op_->parse_errors.size() >= kMaxErrorsPerOperation) return;
    op_->parse_errors.push_back(
        ApiError::Make("RequestError", "INVALID_INPUT", std::move(path), std::string(trigger)));
  }

  // Rejects the element being started (a value of field `fd` of the innermost frame, or an
  // element that is no field when `fd` is null) and skips its content. A rejected value of a
  // known field leaves an empty placeholder so that the indexes of its later siblings stay right.
  void RejectElement(std::string_view name, const schema::FieldDef* fd, std::string_view trigger) {
    Reject(ChildPath(name, fd), trigger);
    if (fd != nullptr) stack_.back().node->Add(fd->name, std::string());
    skip_depth_ = 1;
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
        // Markup inside a simple value: the value is wrong, the document is not.
        Reject(FramePath(stack_.size() - 1), tag.local);
        skip_depth_ = 1;
        return;
      case Kind::kOperation:
      case Kind::kComplex:
        return StartField(tag);
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
      case Kind::kOpTypeLeaf:
        SetOperationType(TrimXmlSpace(text_));
        break;
      case Kind::kOperation:
        ++next_index_;
        consumed_ = std::max(consumed_, stream_->EventEnd());
        if (op_->index < skip_below_) {  // returned before a fall-back to expat
          op_.reset();
          break;
        }
        // Operation is abstract: without a type the operation cannot be read.
        if (type_pending_ && op_->parse_errors.empty()) Reject(FramePath(1), kOperationBase);
        ready_ = true;
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
    op_rejected_ = false;
    stack_.push_back({Kind::kOperation, &op_->node, nullptr, nullptr});
    if (!tag.xsi_type.empty()) SetOperationType(tag.xsi_type);
  }

  // Types the current operation (xsi:type wins over a later Operation.Type marker). An unknown
  // operation type rejects the operation: its content is skipped.
  void SetOperationType(std::string_view type) {
    if (!type_pending_ || op_rejected_) return;
    if (op_types_.find(type) == op_types_.end()) {
      Reject(FramePath(1), type);
      op_rejected_ = true;
      return;
    }
    op_->node.set_type(std::string(type));
    op_cache_ = CacheFor(registry_.Find(type));
    type_pending_ = false;
  }

  void StartField(const StartTag& tag) {
    Frame& top = stack_.back();
    const bool at_op = top.kind == Kind::kOperation;
    if (at_op && op_rejected_) {
      skip_depth_ = 1;
      return;
    }
    const bool pending = at_op && type_pending_;
    TypeCache* cache = !at_op ? top.cache : pending ? base_cache_ : op_cache_;
    FieldInfo* info = Lookup(cache, tag.local);
    if (info == nullptr) {
      if (IsMarkerName(tag.local)) {  // an `X.Type` marker of another level: ignored on input
        skip_depth_ = 1;
        return;
      }
      if (pending) {  // e.g. <operand> before any type is known
        Reject(FramePath(1), kOperationBase);
        op_rejected_ = true;
        skip_depth_ = 1;
        return;
      }
      return RejectElement(tag.local, nullptr, tag.local);
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
      // Not a complex type of this version, or one that does not belong under this field.
      if (actual == nullptr || actual->kind != schema::Kind::kComplex ||
          !registry_.IsSubtypeOf(actual->name, declared->name)) {
        return RejectElement(tag.local, fd, tag.xsi_type);
      }
      runtime = actual;
      if (!actual->abstract) {
        info->last_xsi.assign(tag.xsi_type);
        info->last_runtime = actual;
      }
    }
    if (runtime->abstract) {  // no instance of an abstract type: an xsi:type is mandatory
      return RejectElement(tag.local, fd, runtime->name);
    }
    model::Node* child = top.node->AddChild(fd->name, model::Node(runtime->name));
    child->mutable_fields().reserve(4);
    stack_.push_back({Kind::kComplex, child, fd, CacheFor(runtime)});
  }

  const schema::Registry& registry_;
  std::unordered_set<std::string_view> op_types_;
  std::string path_;
  uint64_t length_ = 0;
  std::unique_ptr<XmlStream> stream_;
  std::unordered_map<const schema::TypeDef*, std::unique_ptr<TypeCache>> caches_;
  TypeCache* base_cache_ = nullptr;  // "Operation": while an operation's type is not known yet
  TypeCache* op_cache_ = nullptr;    // the current operation's type
  std::vector<Frame> stack_;
  std::string text_;
  int skip_depth_ = 0;
  std::optional<model::Operation> op_;
  bool type_pending_ = false;
  bool op_rejected_ = false;  // unknown/missing operation type: the content is skipped
  bool ready_ = false;
  bool done_ = false;
  bool failed_ = false;
  int64_t next_index_ = 0;
  int64_t skip_below_ = 0;  // after a fall-back: operations below this index were returned
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
