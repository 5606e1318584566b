// The embedded sandbox backend (backend.hpp): dispatches each operation to its handler
// (ops.hpp) and turns the handler's outcome into a MutateResult. Before any handler runs, an
// error-injection marker in the operand (markers.hpp) fails the operation. When an ADD that
// defines a temp id fails (not transiently), the temp id is recorded as failed so that its
// children get TEMP_ID_ENTITY_HAD_ERRORS.
#include <ctime>
#include <mutex>

#include "backend/backend.hpp"
#include "backend/sandbox/markers.hpp"
#include "backend/sandbox/ops.hpp"
#include "backend/sandbox/seed.hpp"

namespace bg::backend {
namespace {

using sandbox::OpCtx;
using sandbox::Tables;

Status RecordFailedTempId(sqlite::Txn& txn, const ExecContext& ctx, const model::Operation& op,
                          sandbox::TxnCache* cache) {
  auto temp = sandbox::DefinedTempId(op);
  if (!temp) return Status::Ok();
  Tables t(txn, ctx.customer_id, ctx.job_id, cache);
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

// Midnight UTC of a "yyyyMMdd" date, in ms; nullopt when malformed.
std::optional<int64_t> DateMs(const std::string& date) {
  if (date.size() != 8) return std::nullopt;
  std::tm tm{};
  for (char ch : date) {
    if (ch < '0' || ch > '9') return std::nullopt;
  }
  tm.tm_year = std::stoi(date.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(date.substr(4, 2)) - 1;
  tm.tm_mday = std::stoi(date.substr(6, 2));
  tm.tm_hour = 12;  // noon: the same date in every account time zone we render
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

class SandboxBackend : public Backend {
 public:
  explicit SandboxBackend(SandboxOptions options) : options_(std::move(options)) {}

  Status Init(sqlite::Db& db) override {
    if (!options_.fixed_date.empty()) {
      fixed_now_ms_ = DateMs(options_.fixed_date);
      if (!fixed_now_ms_) {
        return InvalidArgument("sandbox.fixed_date: not a yyyyMMdd date: " + options_.fixed_date);
      }
    }
    {
      sqlite::Txn txn(db);
      BG_RETURN_IF_ERROR(txn.status());
      BG_RETURN_IF_ERROR(sandbox::CreateTables(db));
      BG_RETURN_IF_ERROR(txn.Commit());
    }
    for (const std::string& file : options_.seed_files) {
      BG_RETURN_IF_ERROR(sandbox::SeedFile(db, file).status());
    }
    return Status::Ok();
  }

  Result<model::MutateResult> Apply(sqlite::Txn& txn, const ExecContext& in_ctx,
                                    const model::Operation& op) override {
    std::lock_guard<std::mutex> lock(cache_mu_);
    ExecContext ctx = in_ctx;
    if (fixed_now_ms_) ctx.now_ms = *fixed_now_ms_;
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
    // A transient failure changes nothing: the executor may retry it (backend.hpp).
    if (!IsTransient(r)) BG_RETURN_IF_ERROR(RecordFailedTempId(txn, ctx, uploaded, &cache_));
    return r;
  }

  Status OnRejected(sqlite::Txn& txn, const ExecContext& ctx, const model::Operation& op) override {
    std::lock_guard<std::mutex> lock(cache_mu_);
    return RecordFailedTempId(txn, ctx, ctx.uploaded ? *ctx.uploaded : op, &cache_);
  }

 private:
  Result<model::Node> Dispatch(sqlite::Txn& txn, const ExecContext& ctx, const model::Operation& op,
                               const model::Operation& uploaded) {
    auto path = [&op](const char* field) {  // built only for an error
      return "operations[" + std::to_string(op.index) + "]." + field;
    };
    if (op.operand() == nullptr)
      return sandbox::ApiErr("RequiredError", "REQUIRED", path("operand"));
    if (op.op_operator().empty()) {
      return sandbox::ApiErr("RequiredError", "REQUIRED", path("operator"));
    }
    // The operand's path is prefixed only to an error found (most operands hold no marker).
    if (auto marker = sandbox::FindMarker(ctx.registry, *op.operand(), "", ctx.attempt)) {
      marker->field_path.insert(0, path("operand"));
      return Status(std::move(*marker));
    }
    Tables t(txn, ctx.customer_id, ctx.job_id, &cache_);
    OpCtx c{t, ctx, op, uploaded, op.op_operator(), *op.operand(), uploaded.operand()};
    std::string_view type = op.op_type();
    if (ctx.registry != nullptr) {
      if (const schema::TypeDef* def = ctx.registry->Find(type)) {
        const auto& ops = def->supported_operators;
        if (!ops.empty() && std::find(ops.begin(), ops.end(), op.op_operator()) == ops.end()) {
          return sandbox::NotSupported(c);
        }
      }
    }
    if (type == "BudgetOperation") return sandbox::ApplyBudget(c);
    if (type == "CampaignOperation") return sandbox::ApplyCampaign(c);
    if (type == "AdGroupOperation") return sandbox::ApplyAdGroup(c);
    if (type == "AdGroupCriterionOperation") return sandbox::ApplyAdGroupCriterion(c);
    if (type == "AdGroupAdOperation") return sandbox::ApplyAdGroupAd(c);
    if (type == "CampaignCriterionOperation") return sandbox::ApplyCampaignCriterion(c);
    if (type == "AdGroupBidModifierOperation") return sandbox::ApplyAdGroupBidModifier(c);
    if (type == "CampaignLabelOperation" || type == "AdGroupLabelOperation" ||
        type == "AdGroupAdLabelOperation" || type == "AdGroupCriterionLabelOperation") {
      return sandbox::ApplyLabelLink(c);
    }
    if (type == "CampaignExtensionSettingOperation" || type == "AdGroupExtensionSettingOperation" ||
        type == "CustomerExtensionSettingOperation") {
      return sandbox::ApplyExtensionSetting(c);
    }
    if (type == "FeedItemOperation") return sandbox::ApplyFeedItem(c);
    if (type == "FeedItemTargetOperation") return sandbox::ApplyFeedItemTarget(c);
    if (type == "SharedSetOperation") return sandbox::ApplySharedSet(c);
    if (type == "SharedCriterionOperation") return sandbox::ApplySharedCriterion(c);
    if (type == "CampaignSharedSetOperation") return sandbox::ApplyCampaignSharedSet(c);
    return sandbox::ApplyUnsimulated(c);
  }

  SandboxOptions options_;
  std::optional<int64_t> fixed_now_ms_;
  // Reads memoized within the executor's current transaction (tables.hpp). Calls come inside a
  // Txn, i.e. already serialized by the Db mutex; cache_mu_ keeps that true for several Dbs.
  std::mutex cache_mu_;
  sandbox::TxnCache cache_;
};

}  // namespace

std::unique_ptr<Backend> MakeSandboxBackend() { return MakeSandboxBackend(SandboxOptions{}); }

std::unique_ptr<Backend> MakeSandboxBackend(SandboxOptions options) {
  return std::make_unique<SandboxBackend>(std::move(options));
}

}  // namespace bg::backend
