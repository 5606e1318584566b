// The embedded sandbox backend (backend.hpp): dispatches each operation to its handler
// (ops.hpp) and turns the handler's outcome into a MutateResult. When an ADD that defines a temp
// id fails, the temp id is recorded as failed so that its children get TEMP_ID_ENTITY_HAD_ERRORS.
#include "backend/backend.hpp"
#include "backend/sandbox/ops.hpp"

namespace bg::backend {
namespace {

using sandbox::OpCtx;
using sandbox::Tables;

Status RecordFailedTempId(sqlite::Txn& txn, const ExecContext& ctx, const model::Operation& op) {
  auto temp = sandbox::DefinedTempId(op);
  if (!temp) return Status::Ok();
  Tables t(txn.db(), ctx.customer_id, ctx.job_id);
  return t.FailTemp(temp->first, temp->second);
}

std::string ResultElement(const ExecContext& ctx, const model::Operation& op,
                          const model::Node& result) {
  if (ctx.registry != nullptr) {
    std::string element = ctx.registry->OperandElementFor(result.type());
    if (!element.empty()) return element;
  }
  std::string_view t = op.op_type();  // "XOperation" -> "X"
  constexpr std::string_view kSuffix = "Operation";
  if (t.size() > kSuffix.size() && t.substr(t.size() - kSuffix.size()) == kSuffix) {
    t.remove_suffix(kSuffix.size());
  }
  return std::string(t);
}

class SandboxBackend : public Backend {
 public:
  Status Init(sqlite::Db& db) override {
    sqlite::Txn txn(db);
    BG_RETURN_IF_ERROR(txn.status());
    BG_RETURN_IF_ERROR(sandbox::CreateTables(db));
    return txn.Commit();
  }

  Result<model::MutateResult> Apply(sqlite::Txn& txn, const ExecContext& ctx,
                                    const model::Operation& op) override {
    const model::Operation& uploaded = ctx.uploaded ? *ctx.uploaded : op;
    model::MutateResult r;
    r.index = op.index;
    Result<model::Node> out = Dispatch(txn, ctx, op, uploaded);
    if (out.ok()) {
      r.result_element = ResultElement(ctx, op, *out);
      r.result = std::move(out).value();
      return r;
    }
    if (!out.status().is_api_error()) return out.status();
    r.errors = out.status().api_errors();
    BG_RETURN_IF_ERROR(RecordFailedTempId(txn, ctx, uploaded));
    return r;
  }

  Status OnRejected(sqlite::Txn& txn, const ExecContext& ctx, const model::Operation& op) override {
    return RecordFailedTempId(txn, ctx, ctx.uploaded ? *ctx.uploaded : op);
  }

 private:
  Result<model::Node> Dispatch(sqlite::Txn& txn, const ExecContext& ctx, const model::Operation& op,
                               const model::Operation& uploaded) {
    std::string index = "operations[" + std::to_string(op.index) + "]";
    if (op.operand() == nullptr)
      return sandbox::ApiErr("RequiredError", "REQUIRED", index + ".operand");
    if (op.op_operator().empty()) {
      return sandbox::ApiErr("RequiredError", "REQUIRED", index + ".operator");
    }
    Tables t(txn.db(), ctx.customer_id, ctx.job_id);
    OpCtx c{t, ctx, op, uploaded, op.op_operator(), *op.operand(), uploaded.operand()};
    std::string_view type = op.op_type();
    if (type == "BudgetOperation") return sandbox::ApplyBudget(c);
    if (type == "CampaignOperation") return sandbox::ApplyCampaign(c);
    if (type == "AdGroupOperation") return sandbox::ApplyAdGroup(c);
    if (type == "AdGroupCriterionOperation") return sandbox::ApplyAdGroupCriterion(c);
    return sandbox::ApplyUnsimulated(c);
  }
};

}  // namespace

std::unique_ptr<Backend> MakeSandboxBackend() { return std::make_unique<SandboxBackend>(); }

}  // namespace bg::backend
