#include "client/result_diff.hpp"

#include <algorithm>
#include <cctype>

namespace bg::client {
namespace {

constexpr size_t kSummaryChars = 120;

bool IsMarker(std::string_view name) {
  return name.size() > 5 && name.substr(name.size() - 5) == ".Type";
}

bool IsInteger(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsIdName(std::string_view name) {
  return name == "id" || (name.size() > 2 && name.substr(name.size() - 2) == "Id");
}

// Compact XML of a subtree, cut at kSummaryChars.
void Render(const XmlTree& t, std::string* out) {
  if (out->size() > kSummaryChars) return;
  if (t.children.empty()) {
    out->append(t.text);
    return;
  }
  for (const XmlTree& c : t.children) {
    if (IsMarker(c.name)) continue;
    out->append("<").append(c.name).append(">");
    Render(c, out);
    out->append("</").append(c.name).append(">");
  }
}

std::string Summary(const XmlTree& t) {
  std::string s;
  Render(t, &s);
  if (s.size() > kSummaryChars) s = s.substr(0, kSummaryChars) + "...";
  return s;
}

bool Glob(std::string_view p, std::string_view s) {
  if (p.empty()) return s.empty();
  if (p[0] == '*') {
    for (size_t i = 0; i <= s.size(); ++i) {
      if (Glob(p.substr(1), s.substr(i))) return true;
    }
    return false;
  }
  return !s.empty() && p[0] == s[0] && Glob(p.substr(1), s.substr(1));
}

}  // namespace

std::optional<std::string> IdMap::Match(const std::string& kind, const std::string& archived,
                                        const std::string& replayed) {
  if (pinned_.count(archived) != 0) {
    if (archived == replayed) return std::nullopt;
    return "the upload names " + kind + " id " + archived + ", the replay returned " + replayed;
  }
  auto& fwd = forward_[kind];
  auto& back = backward_[kind];
  auto f = fwd.find(archived);
  if (f != fwd.end()) {
    if (f->second == replayed) return std::nullopt;
    return "archived " + kind + " id " + archived + " was replayed as " + f->second +
           " before, here as " + replayed;
  }
  auto b = back.find(replayed);
  if (b != back.end()) {
    return "replayed " + kind + " id " + replayed + " stood for archived " + b->second +
           " before, here for " + archived;
  }
  fwd.emplace(archived, replayed);
  back.emplace(replayed, archived);
  ++pairs_;
  return std::nullopt;
}

bool IgnorePatternMatches(std::string_view pattern, std::string_view path) {
  for (size_t start = 0;;) {
    if (Glob(pattern, path.substr(start))) return true;
    size_t dot = path.find('.', start);
    if (dot == std::string_view::npos) return false;
    start = dot + 1;
  }
}

std::string DescribeOutcome(const XmlTree& rval) {
  if (const XmlTree* result = rval.Child("result")) {
    for (const XmlTree& c : result->children) {
      if (IsMarker(c.name)) continue;
      return c.xsi_type.empty() || c.xsi_type == c.name ? c.name : c.name + " " + c.xsi_type;
    }
    return "an empty result";
  }
  std::string out = "errors";
  if (const XmlTree* list = rval.Child("errorList")) {
    for (const XmlTree& e : list->children) {
      std::string type = e.xsi_type.empty() ? e.ChildText("ApiError.Type") : e.xsi_type;
      out.append(out.size() == 6 ? " " : ", ")
          .append(type)
          .append(".")
          .append(e.ChildText("reason"));
    }
  }
  return out;
}

ResultDiff::ResultDiff(const schema::Registry* registry, DiffOptions options)
    : registry_(registry), options_(std::move(options)) {}

void ResultDiff::Add(Difference d) {
  ++count_;
  if (listed_.size() < options_.max_listed) listed_.push_back(std::move(d));
}

void ResultDiff::OnlyArchived(const ResultEntry& archived) {
  Add({archived.index, "", DescribeOutcome(archived.rval), "", "missing in the replay"});
}

void ResultDiff::OnlyReplayed(const ResultEntry& replayed) {
  Add({replayed.index, "", "", DescribeOutcome(replayed.rval), "not in the archive"});
}

void ResultDiff::Compare(const ResultEntry& archived, const ResultEntry& replayed) {
  if (archived.ok() != replayed.ok()) {
    Add({archived.index, "", DescribeOutcome(archived.rval), DescribeOutcome(replayed.rval),
         "outcome differs"});
    return;
  }
  Tree(archived.rval, replayed.rval, "", "MutateResult", archived.index);
}

bool ResultDiff::Ignored(const std::string& path) const {
  std::string plain;  // without [n]
  plain.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '[') {
      i = path.find(']', i);
      if (i == std::string::npos) break;
      continue;
    }
    plain.push_back(path[i]);
  }
  for (const std::string& p : options_.ignore) {
    if (IgnorePatternMatches(p, plain)) return true;
  }
  return false;
}

std::string ResultDiff::IdKind(std::string_view owner, std::string_view field) const {
  if (field != "id") {
    static const std::map<std::string_view, std::string_view> kAliases = {
        {"parentCriterionId", "Criterion"},
        {"baseCampaignId", "Campaign"},
        {"baseAdGroupId", "AdGroup"},
        {"TargetingCampaignId", "Campaign"},
        {"TargetingAdGroupId", "AdGroup"},
        {"originAdId", "Ad"},
        {"userInterestParentId", "UserInterest"},
        {"verticalParentId", "Vertical"}};
    auto a = kAliases.find(field);
    if (a != kAliases.end()) return std::string(a->second);
    std::string kind(field.substr(0, field.size() - 2));
    kind[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(kind[0])));
    return kind;
  }
  // The type that declares `id`: the highest base that still has the field.
  std::string type(owner);
  for (const schema::TypeDef* t = registry_->Find(type); t != nullptr && !t->base.empty();
       t = registry_->Find(type)) {
    if (registry_->FindField(t->base, "id") == nullptr) break;
    type = t->base;
  }
  return type;
}

void ResultDiff::Leaf(const XmlTree& a, const XmlTree& b, const std::string& path,
                      std::string_view owner, int64_t index) {
  const schema::FieldDef* fd =
      registry_ && !owner.empty() ? registry_->FindField(owner, a.name) : nullptr;
  if (fd != nullptr && fd->type == "long" && IsIdName(a.name) && IsInteger(a.text) &&
      IsInteger(b.text)) {
    if (auto conflict = ids_.Match(IdKind(owner, a.name), a.text, b.text)) {
      Add({index, path, a.text, b.text, *conflict});
    }
    return;
  }
  if (a.xsi_type != b.xsi_type) {
    Add({index, path + ".xsi:type", a.xsi_type, b.xsi_type, ""});
  } else if (a.text != b.text) {
    Add({index, path, a.text, b.text, ""});
  }
}

void ResultDiff::Tree(const XmlTree& a, const XmlTree& b, const std::string& path,
                      std::string_view declared, int64_t index) {
  if (a.xsi_type != b.xsi_type) {
    Add({index, path + (path.empty() ? "" : ".") + "xsi:type", a.xsi_type, b.xsi_type, ""});
    return;
  }
  const std::string runtime = a.xsi_type.empty() ? std::string(declared) : a.xsi_type;
  // The element names of both sides, in order of first appearance.
  std::vector<std::string_view> names;
  for (const auto* side : {&a, &b}) {
    for (const XmlTree& c : side->children) {
      if (IsMarker(c.name)) continue;
      if (std::find(names.begin(), names.end(), c.name) == names.end()) names.push_back(c.name);
    }
  }
  std::vector<const XmlTree*> as, bs;
  for (std::string_view name : names) {
    as.clear();
    bs.clear();
    for (const XmlTree& c : a.children) {
      if (c.name == name) as.push_back(&c);
    }
    for (const XmlTree& c : b.children) {
      if (c.name == name) bs.push_back(&c);
    }
    const bool many = as.size() > 1 || bs.size() > 1;
    const schema::FieldDef* fd =
        registry_ && !runtime.empty() ? registry_->FindField(runtime, name) : nullptr;
    const std::string child_type = fd ? fd->type : "";
    for (size_t k = 0; k < std::max(as.size(), bs.size()); ++k) {
      std::string p = path;
      if (!p.empty()) p.push_back('.');
      p.append(name);
      if (many) p.append("[").append(std::to_string(k)).append("]");
      if (Ignored(p)) continue;
      const XmlTree* x = k < as.size() ? as[k] : nullptr;
      const XmlTree* y = k < bs.size() ? bs[k] : nullptr;
      if (x == nullptr) {
        Add({index, p, "", Summary(*y), "not in the archive"});
      } else if (y == nullptr) {
        Add({index, p, Summary(*x), "", "missing in the replay"});
      } else if (x->children.empty() && y->children.empty()) {
        Leaf(*x, *y, p, runtime, index);
      } else if (x->children.empty() || y->children.empty()) {
        Add({index, p, Summary(*x), Summary(*y), ""});
      } else {
        Tree(*x, *y, p, child_type, index);
      }
    }
  }
}

}  // namespace bg::client
