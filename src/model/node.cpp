#include "model/node.hpp"

#include <algorithm>
#include <charconv>
#include <strings.h>

namespace bg::model {

Field::Field(const Field& o)
    : name(o.name), text(o.text), child(o.child ? std::make_unique<Node>(*o.child) : nullptr) {}

Field& Field::operator=(const Field& o) {
  if (this != &o) {
    name = o.name;
    text = o.text;
    child = o.child ? std::make_unique<Node>(*o.child) : nullptr;
  }
  return *this;
}

const Field* Node::Find(std::string_view name) const {
  for (const auto& f : fields_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Field* Node::Find(std::string_view name) {
  for (auto& f : fields_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::vector<const Field*> Node::FindAll(std::string_view name) const {
  std::vector<const Field*> out;
  for (const auto& f : fields_) {
    if (f.name == name) out.push_back(&f);
  }
  return out;
}

std::optional<std::string_view> Node::Text(std::string_view name) const {
  const Field* f = Find(name);
  if (f == nullptr || f->child) return std::nullopt;
  return std::string_view(f->text);
}

std::optional<int64_t> Node::Int(std::string_view name) const {
  auto t = Text(name);
  if (!t) return std::nullopt;
  return ParseInt64(*t);
}

const Node* Node::Child(std::string_view name) const {
  const Field* f = Find(name);
  return f ? f->child.get() : nullptr;
}

Node* Node::Child(std::string_view name) {
  Field* f = Find(name);
  return f ? f->child.get() : nullptr;
}

void Node::Set(std::string_view name, std::string text) {
  if (Field* f = Find(name)) {
    f->child.reset();
    f->text = std::move(text);
    return;
  }
  fields_.emplace_back(std::string(name), std::move(text));
}

Node* Node::SetChild(std::string_view name, Node child) {
  if (Field* f = Find(name)) {
    f->text.clear();
    f->child = std::make_unique<Node>(std::move(child));
    return f->child.get();
  }
  fields_.emplace_back(std::string(name), std::make_unique<Node>(std::move(child)));
  return fields_.back().child.get();
}

void Node::Add(std::string name, std::string text) {
  fields_.emplace_back(std::move(name), std::move(text));
}

Node* Node::AddChild(std::string name, Node child) {
  fields_.emplace_back(std::move(name), std::make_unique<Node>(std::move(child)));
  return fields_.back().child.get();
}

void Node::Remove(std::string_view name) {
  fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                               [&](const Field& f) { return f.name == name; }),
                fields_.end());
}

std::optional<int64_t> ParseInt64(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' ||
                        s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<bool> ParseBool(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s == "1") return true;
  if (s == "0") return false;
  if (s.size() == 4 && strncasecmp(s.data(), "true", 4) == 0) return true;
  if (s.size() == 5 && strncasecmp(s.data(), "false", 5) == 0) return false;
  return std::nullopt;
}

}  // namespace bg::model
