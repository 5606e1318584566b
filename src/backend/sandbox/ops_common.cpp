#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <set>

#include "backend/sandbox/ops.hpp"

namespace bg::backend::sandbox {
namespace {

constexpr std::string_view kInvalidKeywordChars = "!@%,*()={}~`<>?\\|";
constexpr size_t kMaxKeywordChars = 80;
constexpr size_t kMaxKeywordWords = 10;

// What one pass over a keyword text finds (every keyword of a job is checked: no per-character
// search of the invalid set, no locale calls).
struct TextStats {
  bool invalid_char = false;
  size_t chars = 0;  // UTF-8 code points
  size_t words = 0;  // runs of non-space bytes (space: the C locale's isspace)
};

TextStats Scan(std::string_view s) {
  static const auto kInvalid = [] {
    std::array<bool, 256> t{};
    for (unsigned char ch : kInvalidKeywordChars) t[ch] = true;
    return t;
  }();
  TextStats st;
  bool in_word = false;
  for (unsigned char ch : s) {
    st.invalid_char |= kInvalid[ch];
    st.chars += (ch & 0xC0) != 0x80;
    bool space = ch == ' ' || (ch >= '\t' && ch <= '\r');
    if (!space && !in_word) ++st.words;
    in_word = !space;
  }
  return st;
}

}  // namespace

std::vector<ApiError> KeywordErrors(const OpCtx& c, std::string_view text, std::string_view field) {
  std::vector<ApiError> errors;
  auto err = [&](const char* reason) {
    errors.push_back(ApiError::Make("CriterionError", reason, c.Path(field), std::string(text)));
  };
  if (Trimmed(text).empty()) {
    err("INVALID_KEYWORD_TEXT");
    return errors;
  }
  const TextStats st = Scan(text);
  if (st.invalid_char) err("KEYWORD_HAS_INVALID_CHARS");
  if (st.chars > kMaxKeywordChars) err("KEYWORD_TEXT_TOO_LONG");
  if (st.words > kMaxKeywordWords) err("KEYWORD_HAS_TOO_MANY_WORDS");
  return errors;
}

std::string CriterionTypeValue(const OpCtx& c, std::string_view type) {
  // Most jobs add one criterion type over and over (keywords): this thread's last answer is
  // kept, by API version (the answer depends on that version's Criterion.Type values alone).
  struct Memo {
    bool set = false;
    std::string version, type, value;
  };
  thread_local Memo memo;
  const std::string_view version = c.ctx.registry != nullptr ? c.version() : std::string_view();
  if (memo.set && memo.type == type && memo.version == version) return memo.value;
  std::string out;
  for (size_t i = 0; i < type.size(); ++i) {
    unsigned char ch = type[i];
    if (i > 0 && std::isupper(ch)) out += '_';
    out += static_cast<char>(std::toupper(ch));
  }
  if (c.ctx.registry != nullptr) {
    const schema::TypeDef* def = c.ctx.registry->Find("Criterion.Type");
    if (def != nullptr && std::find(def->enum_values.begin(), def->enum_values.end(), out) ==
                              def->enum_values.end()) {
      out = "UNKNOWN";
    }
  }
  memo = {true, std::string(version), std::string(type), out};
  return out;
}

bool IsRemoved(const Entity& e) { return e.status == "REMOVED"; }

Status NotPermittedForRemoved(const OpCtx& c) {
  return ApiErr("OperationAccessDenied", "OPERATION_NOT_PERMITTED_FOR_REMOVED_ENTITY",
                c.OperationPath());
}

Status CheckAddStatus(const OpCtx& c, const model::Node& operand) {
  if (operand.Text("status") != std::optional<std::string_view>("REMOVED")) return Status::Ok();
  return ApiErr("OperationAccessDenied", "ADD_AS_REMOVED_NOT_PERMITTED", c.Path("status"),
                "REMOVED");
}

Result<Entity> ResolveField(OpCtx& c, Kind kind, const model::Node* n, std::string_view field,
                            std::string_view path_field, int64_t scope) {
  BG_ASSIGN_OR_RETURN(int64_t id, RequiredId(c, n, field, path_field));
  BG_ASSIGN_OR_RETURN(Entity e, Resolve(c, kind, id, path_field, scope));
  if (IsRemoved(e)) return ApiErr("EntityNotFound", "INVALID_ID", c.Path(path_field));
  return e;
}

int64_t FeedTypeOrdinal(const OpCtx& c, std::string_view feed_type) {
  if (c.ctx.registry == nullptr) return 0;
  const schema::TypeDef* def = c.ctx.registry->Find("Feed.Type");
  if (def == nullptr) return 0;
  for (size_t i = 0; i < def->enum_values.size(); ++i) {
    if (def->enum_values[i] == feed_type) return static_cast<int64_t>(i);
  }
  return 0;
}

std::string OpCtx::Path(std::string_view field) const {
  std::string p = "operations[" + std::to_string(op.index) + "].operand";
  if (!field.empty()) {
    p += '.';
    p += field;
  }
  return p;
}

std::string_view OpCtx::version() const {
  return ctx.registry != nullptr ? ctx.registry->version() : std::string_view("v201702");
}

std::string OpCtx::OperatorPath() const { return OperationPath() + ".operator"; }

std::string OpCtx::OperationPath() const { return "operations[" + std::to_string(op.index) + "]"; }

Status ApiErr(std::string type, std::string reason, std::string path, std::string trigger) {
  return Status(
      ApiError::Make(std::move(type), std::move(reason), std::move(path), std::move(trigger)));
}

Status Required(const OpCtx& c, std::string_view field) {
  return ApiErr("RequiredError", "REQUIRED", c.Path(field));
}

Status NotSupported(const OpCtx& c) {
  return ApiErr("OperatorError", "OPERATOR_NOT_SUPPORTED", c.OperatorPath(),
                std::string(c.op_operator));
}

std::optional<std::pair<Kind, int64_t>> DefinedTempId(const model::Operation& op) {
  if (op.op_operator() != "ADD" || op.operand() == nullptr) return std::nullopt;
  const model::Node& operand = *op.operand();
  std::optional<int64_t> id;
  Kind kind;
  std::string_view t = op.op_type();
  if (t == "BudgetOperation") {
    kind = Kind::kBudget;
    id = operand.Int("budgetId");
  } else if (t == "CampaignOperation") {
    kind = Kind::kCampaign;
    id = operand.Int("id");
  } else if (t == "AdGroupOperation") {
    kind = Kind::kAdGroup;
    id = operand.Int("id");
  } else if (t == "AdGroupCriterionOperation") {
    kind = Kind::kCriterion;
    const model::Node* crit = operand.Child("criterion");
    if (crit) id = crit->Int("id");
  } else if (t == "AdGroupAdOperation") {
    kind = Kind::kAd;
    const model::Node* ad = operand.Child("ad");
    if (ad) id = ad->Int("id");
  } else if (t == "SharedSetOperation") {
    kind = Kind::kSharedSet;
    id = operand.Int("sharedSetId");
  } else {
    return std::nullopt;
  }
  if (!id || *id >= 0) return std::nullopt;
  return std::make_pair(kind, *id);
}

Result<std::optional<int64_t>> NewTempId(OpCtx& c, Kind kind, const model::Node* holder,
                                         std::string_view field, std::string_view path_field) {
  if (holder == nullptr || !holder->Has(field)) return std::optional<int64_t>();
  std::optional<int64_t> id = holder->Int(field);
  if (!id || *id >= 0) {
    return ApiErr("NewEntityCreationError", "CANNOT_SET_ID_FOR_ADD", c.Path(path_field));
  }
  BG_ASSIGN_OR_RETURN(std::optional<TempId> existing, c.t.FindTemp(kind, *id));
  if (existing) {
    return ApiErr("NewEntityCreationError", "DUPLICATE_TEMP_IDS", c.Path(path_field),
                  std::to_string(*id));
  }
  return id;
}

Status DefineTemp(OpCtx& c, Kind kind, std::optional<int64_t> temp, int64_t real_id) {
  if (!temp) return Status::Ok();
  return c.t.DefineTemp(kind, *temp, real_id);
}

namespace {

// A temp id of this job to its real id; a real id as it is.
Result<int64_t> RealId(OpCtx& c, Kind kind, int64_t id, std::string_view field) {
  if (id >= 0) return id;
  BG_ASSIGN_OR_RETURN(std::optional<TempId> temp, c.t.FindTemp(kind, id));
  if (!temp) return ApiErr("EntityNotFound", "INVALID_ID", c.Path(field));
  if (temp->failed) {
    return ApiErr("NewEntityCreationError", "TEMP_ID_ENTITY_HAD_ERRORS", c.Path(field));
  }
  return temp->real_id;
}

}  // namespace

Result<Entity> Resolve(OpCtx& c, Kind kind, int64_t id, std::string_view field, int64_t scope) {
  BG_ASSIGN_OR_RETURN(int64_t real, RealId(c, kind, id, field));
  BG_ASSIGN_OR_RETURN(std::optional<Entity> e, c.t.Load(kind, real, scope));
  if (!e) return ApiErr("EntityNotFound", "INVALID_ID", c.Path(field));
  return std::move(*e);
}

Result<int64_t> ResolveLiveId(OpCtx& c, Kind kind, int64_t id, std::string_view field,
                              int64_t scope) {
  BG_ASSIGN_OR_RETURN(int64_t real, RealId(c, kind, id, field));
  BG_ASSIGN_OR_RETURN(std::optional<std::string> status, c.t.LoadStatus(kind, real, scope));
  if (!status || *status == "REMOVED") return ApiErr("EntityNotFound", "INVALID_ID", c.Path(field));
  return real;
}

Result<int64_t> RequiredId(const OpCtx& c, const model::Node* n, std::string_view field,
                           std::string_view path_field) {
  std::optional<int64_t> v = n ? n->Int(field) : std::nullopt;
  if (!v) return Required(c, path_field);
  return *v;
}

void MergeFields(model::Node& into, const model::Node& from,
                 std::initializer_list<std::string_view> skip) {
  std::set<std::string, std::less<>> done;
  for (const auto& f : from.fields()) {
    bool skipped = false;
    for (std::string_view s : skip) skipped = skipped || f.name == s;
    if (skipped || done.count(f.name)) continue;
    done.insert(f.name);
    into.Remove(f.name);
    for (const model::Field* g : from.FindAll(f.name)) into.mutable_fields().push_back(*g);
  }
}

std::string Today(int64_t now_ms) {
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y%m%d", &tm);
  return buf;
}

std::string_view Trimmed(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

void FillCpcBidSource(model::Node* bsc, std::string_view source) {
  if (bsc == nullptr) return;
  for (auto& f : bsc->mutable_fields()) {
    if (f.name == "bids" && f.child && f.child->type() == "CpcBid" &&
        !f.child->Has("cpcBidSource")) {
      f.child->Set("cpcBidSource", std::string(source));
    }
  }
}

}  // namespace bg::backend::sandbox
