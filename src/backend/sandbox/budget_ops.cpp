// BudgetOperation: ADD / SET / REMOVE of shared budgets.
#include "backend/sandbox/ops.hpp"

namespace bg::backend::sandbox {
namespace {

bool IsShared(const model::Node& n) {
  auto t = n.Text("isExplicitlyShared");
  return t ? model::ParseBool(*t).value_or(true) : true;
}

// The simulated accounts' currency is USD: its minimum unit (and minimum CPC) is 0.01, i.e.
// 10000 micros. The schema's InRange (amount >= 1 micro) is checked before, by the validator.
constexpr int64_t kMinimumUnitMicros = 10000;

Status CheckAmount(const OpCtx& c, const model::Node& in) {
  const model::Node* amount = in.Child("amount");
  if (amount == nullptr) return Required(c, "amount");
  std::optional<int64_t> micros = amount->Int("microAmount");
  if (!micros) return Required(c, "amount.microAmount");
  // The real service reported both at operations[i].operand.amount, without a trigger.
  if (*micros < kMinimumUnitMicros) {
    return ApiErr("BudgetError", "MONEY_AMOUNT_LESS_THAN_CURRENCY_MINIMUM_CPC", c.Path("amount"));
  }
  if (*micros % kMinimumUnitMicros != 0) {
    return ApiErr("BudgetError", "NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT", c.Path("amount"));
  }
  return Status::Ok();
}

Status CheckName(OpCtx& c, std::string_view name, int64_t self) {
  BG_ASSIGN_OR_RETURN(bool taken, c.t.NameTaken(Kind::kBudget, name, std::nullopt, self));
  if (taken) return ApiErr("BudgetError", "DUPLICATE_NAME", c.Path("name"), std::string(name));
  return Status::Ok();
}

// The name column holds the name of explicitly shared budgets only (uniqueness is among those).
Entity ToEntity(int64_t id, model::Node node) {
  Entity e;
  e.kind = Kind::kBudget;
  e.id = id;
  e.status = std::string(node.Text("status").value_or("ENABLED"));
  if (IsShared(node)) e.name = std::string(Trimmed(node.Text("name").value_or("")));
  e.node = std::move(node);
  return e;
}

Result<model::Node> Add(OpCtx& c) {
  const model::Node& in = c.operand;
  BG_ASSIGN_OR_RETURN(std::optional<int64_t> temp,
                      NewTempId(c, Kind::kBudget, c.uploaded_operand, "budgetId", "budgetId"));
  bool shared = IsShared(in);
  std::string name(Trimmed(in.Text("name").value_or("")));
  if (shared && name.empty()) return Required(c, "name");
  BG_RETURN_IF_ERROR(CheckAmount(c, in));
  if (shared) BG_RETURN_IF_ERROR(CheckName(c, name, 0));

  BG_ASSIGN_OR_RETURN(int64_t id, c.t.NextId(Kind::kBudget));
  model::Node b("Budget");
  b.SetInt("budgetId", id);
  if (in.Has("name")) b.Set("name", std::string(*in.Text("name")));
  model::Node amount = *in.Child("amount");
  if (amount.type().empty()) amount.set_type("Money");
  b.SetChild("amount", std::move(amount));
  b.Set("deliveryMethod", std::string(in.Text("deliveryMethod").value_or("STANDARD")));
  b.Set("isExplicitlyShared", shared ? "true" : "false");
  b.Set("status", "ENABLED");
  BG_RETURN_IF_ERROR(c.t.Save(ToEntity(id, b)));
  BG_RETURN_IF_ERROR(DefineTemp(c, Kind::kBudget, temp, id));
  return b;
}

Result<Entity> Existing(OpCtx& c) {
  BG_ASSIGN_OR_RETURN(int64_t id, RequiredId(c, &c.operand, "budgetId", "budgetId"));
  BG_ASSIGN_OR_RETURN(Entity e, Resolve(c, Kind::kBudget, id, "budgetId"));
  if (e.status == "REMOVED") {
    return ApiErr("BudgetError", "BUDGET_REMOVED", c.Path("budgetId"));
  }
  return e;
}

Result<model::Node> Set(OpCtx& c) {
  BG_ASSIGN_OR_RETURN(Entity e, Existing(c));
  const model::Node& in = c.operand;
  bool was_shared = IsShared(e.node);
  if (in.Has("isExplicitlyShared")) {
    bool shared = IsShared(in);
    if (was_shared && !shared) {
      return ApiErr("BudgetError", "CANNOT_UPDATE_BUDGET_TO_IMPLICITLY_SHARED",
                    c.Path("isExplicitlyShared"));
    }
    if (!was_shared && shared && Trimmed(in.Text("name").value_or("")).empty() &&
        Trimmed(e.node.Text("name").value_or("")).empty()) {
      return ApiErr("BudgetError", "CANNOT_UPDATE_BUDGET_TO_EXPLICITLY_SHARED_WITHOUT_NAME",
                    c.Path("isExplicitlyShared"));
    }
  }
  if (in.Has("amount")) BG_RETURN_IF_ERROR(CheckAmount(c, in));
  model::Node merged = e.node;
  MergeFields(merged, in, {"budgetId", "status", "referenceCount"});
  if (IsShared(merged) && in.Has("name")) {
    std::string name(Trimmed(in.Text("name").value_or("")));
    if (name.empty()) return Required(c, "name");
    BG_RETURN_IF_ERROR(CheckName(c, name, e.id));
  }
  BG_RETURN_IF_ERROR(c.t.Save(ToEntity(e.id, merged)));
  return merged;
}

Result<model::Node> Remove(OpCtx& c) {
  BG_ASSIGN_OR_RETURN(Entity e, Existing(c));
  BG_ASSIGN_OR_RETURN(int64_t users, c.t.CountChildren(Kind::kCampaign, e.id));
  if (users > 0) return ApiErr("BudgetError", "BUDGET_IN_USE", c.Path("budgetId"));
  e.node.Set("status", "REMOVED");
  e.status = "REMOVED";
  BG_RETURN_IF_ERROR(c.t.Save(e));
  return e.node;
}

}  // namespace

Result<model::Node> ApplyBudget(OpCtx& c) {
  if (c.op_operator == "ADD") return Add(c);
  if (c.op_operator == "SET") return Set(c);
  if (c.op_operator == "REMOVE") return Remove(c);
  return NotSupported(c);
}

}  // namespace bg::backend::sandbox
