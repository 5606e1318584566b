// CampaignOperation: ADD / SET (REMOVE is not an operator of CampaignService: status REMOVED is
// set through SET).
#include "backend/sandbox/ops.hpp"

namespace bg::backend::sandbox {
namespace {

constexpr std::string_view kEndOfTime = "20371230";

Result<Entity> UsableBudget(OpCtx& c, const model::Node& budget) {
  BG_ASSIGN_OR_RETURN(int64_t id, RequiredId(c, &budget, "budgetId", "budget.budgetId"));
  BG_ASSIGN_OR_RETURN(Entity b, Resolve(c, Kind::kBudget, id, "budget.budgetId"));
  if (b.status == "REMOVED") {
    return ApiErr("BudgetError", "BUDGET_REMOVED", c.Path("budget.budgetId"));
  }
  return b;
}

Status CheckName(OpCtx& c, std::string_view name, int64_t self) {
  if (name.empty()) return Required(c, "name");
  BG_ASSIGN_OR_RETURN(bool taken, c.t.NameTaken(Kind::kCampaign, name, std::nullopt, self));
  if (taken) {
    return ApiErr("CampaignError", "DUPLICATE_CAMPAIGN_NAME", c.Path("name"), std::string(name));
  }
  return Status::Ok();
}

Entity ToEntity(int64_t id, int64_t budget_id, model::Node node) {
  Entity e;
  e.kind = Kind::kCampaign;
  e.id = id;
  e.parent_id = budget_id;
  e.name = std::string(Trimmed(node.Text("name").value_or("")));
  e.status = std::string(node.Text("status").value_or("ENABLED"));
  e.node = std::move(node);
  return e;
}

// The stored campaign keeps only budget.budgetId; results show the budget as it is now.
Result<model::Node> View(OpCtx& c, const Entity& e) {
  model::Node out = e.node;
  BG_ASSIGN_OR_RETURN(std::optional<Entity> b, c.t.Load(Kind::kBudget, e.parent_id));
  if (b) out.SetChild("budget", b->node);
  return out;
}

void DefaultBidding(model::Node& n) {
  model::Node* bsc = n.Child("biddingStrategyConfiguration");
  if (bsc == nullptr) {
    bsc = n.SetChild("biddingStrategyConfiguration", model::Node("BiddingStrategyConfiguration"));
  }
  if (!bsc->Has("biddingStrategyType") && !bsc->Has("biddingStrategyId") &&
      !bsc->Has("biddingScheme")) {
    bsc->Set("biddingStrategyType", "MANUAL_CPC");
  }
  if (bsc->Text("biddingStrategyType") == std::optional<std::string_view>("MANUAL_CPC") &&
      !bsc->Has("biddingScheme")) {
    model::Node scheme("ManualCpcBiddingScheme");
    scheme.Set("enhancedCpcEnabled", "false");
    bsc->SetChild("biddingScheme", std::move(scheme));
  }
}

Result<model::Node> Add(OpCtx& c) {
  const model::Node& in = c.operand;
  BG_ASSIGN_OR_RETURN(std::optional<int64_t> temp,
                      NewTempId(c, Kind::kCampaign, c.uploaded_operand, "id", "id"));
  std::string name(Trimmed(in.Text("name").value_or("")));
  BG_RETURN_IF_ERROR(CheckName(c, name, 0));
  BG_RETURN_IF_ERROR(CheckAddStatus(c, in));
  const model::Node* budget = in.Child("budget");
  if (budget == nullptr) return Required(c, "budget");
  BG_ASSIGN_OR_RETURN(Entity b, UsableBudget(c, *budget));

  BG_ASSIGN_OR_RETURN(int64_t id, c.t.NextId(Kind::kCampaign));
  model::Node n = in;
  n.set_type("Campaign");
  n.SetInt("id", id);
  if (!n.Has("status")) n.Set("status", "ENABLED");
  n.Set("servingStatus", "SERVING");
  if (!n.Has("startDate")) n.Set("startDate", Today(c.ctx.now_ms));
  if (!n.Has("endDate")) n.Set("endDate", std::string(kEndOfTime));
  model::Node ref("Budget");
  ref.SetInt("budgetId", b.id);
  n.SetChild("budget", std::move(ref));
  DefaultBidding(n);
  Entity e = ToEntity(id, b.id, std::move(n));
  BG_RETURN_IF_ERROR(c.t.Save(e));
  BG_RETURN_IF_ERROR(DefineTemp(c, Kind::kCampaign, temp, id));
  return View(c, e);
}

Result<model::Node> Set(OpCtx& c) {
  const model::Node& in = c.operand;
  BG_ASSIGN_OR_RETURN(int64_t id, RequiredId(c, &in, "id", "id"));
  BG_ASSIGN_OR_RETURN(Entity e, Resolve(c, Kind::kCampaign, id, "id"));
  if (IsRemoved(e)) return NotPermittedForRemoved(c);  // REMOVED is final: no revival
  int64_t budget_id = e.parent_id;
  if (const model::Node* budget = in.Child("budget")) {
    BG_ASSIGN_OR_RETURN(Entity b, UsableBudget(c, *budget));
    budget_id = b.id;
  }
  if (in.Has("name")) {
    BG_RETURN_IF_ERROR(CheckName(c, Trimmed(in.Text("name").value_or("")), e.id));
  }
  model::Node merged = e.node;
  MergeFields(merged, in, {"id", "servingStatus", "budget"});
  model::Node ref("Budget");
  ref.SetInt("budgetId", budget_id);
  merged.SetChild("budget", std::move(ref));
  Entity updated = ToEntity(e.id, budget_id, std::move(merged));
  BG_RETURN_IF_ERROR(c.t.Save(updated));
  return View(c, updated);
}

}  // namespace

Result<model::Node> ApplyCampaign(OpCtx& c) {
  if (c.op_operator == "ADD") return Add(c);
  if (c.op_operator == "SET") return Set(c);
  return NotSupported(c);
}

}  // namespace bg::backend::sandbox
