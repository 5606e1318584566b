#include "backend/sandbox/node_codec.hpp"

#include <charconv>

namespace bg::backend::sandbox {
namespace {

void AppendStr(std::string_view s, std::string* out) {
  out->append(std::to_string(s.size()));
  out->push_back(':');
  out->append(s);
}

void Encode(const model::Node& node, std::string* out) {
  out->push_back('N');
  AppendStr(node.type(), out);
  out->push_back('{');
  for (const auto& f : node.fields()) {
    if (f.child) {
      out->push_back('C');
      AppendStr(f.name, out);
      Encode(*f.child, out);
    } else {
      out->push_back('T');
      AppendStr(f.name, out);
      AppendStr(f.text, out);
    }
  }
  out->push_back('}');
}

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}

  bool Str(std::string* s) {
    size_t colon = in_.find(':', pos_);
    if (colon == std::string_view::npos) return false;
    size_t n = 0;
    auto [p, ec] = std::from_chars(in_.data() + pos_, in_.data() + colon, n);
    if (ec != std::errc() || p != in_.data() + colon) return false;
    if (n > in_.size() - colon - 1) return false;
    s->assign(in_.substr(colon + 1, n));
    pos_ = colon + 1 + n;
    return true;
  }

  bool Node(model::Node* node, int depth) {
    if (depth > 64 || !Eat('N')) return false;
    std::string type;
    if (!Str(&type) || !Eat('{')) return false;
    node->set_type(std::move(type));
    while (pos_ < in_.size() && in_[pos_] != '}') {
      char tag = in_[pos_++];
      std::string name;
      if (!Str(&name)) return false;
      if (tag == 'T') {
        std::string text;
        if (!Str(&text)) return false;
        node->Add(std::move(name), std::move(text));
      } else if (tag == 'C') {
        model::Node child;
        if (!Node(&child, depth + 1)) return false;
        node->AddChild(std::move(name), std::move(child));
      } else {
        return false;
      }
    }
    return Eat('}');
  }

  bool AtEnd() const { return pos_ == in_.size(); }

 private:
  bool Eat(char c) {
    if (pos_ >= in_.size() || in_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

std::string EncodeNode(const model::Node& node) {
  std::string out;
  Encode(node, &out);
  return out;
}

std::optional<model::Node> DecodeNode(std::string_view bytes) {
  Decoder d(bytes);
  model::Node node;
  if (!d.Node(&node, 0) || !d.AtEnd()) return std::nullopt;
  return node;
}

}  // namespace bg::backend::sandbox
