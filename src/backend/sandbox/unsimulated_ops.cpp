// The fallback for an operation type without a handler (every type of v201702 and v201809 has
// one, see sandbox_backend.cpp): echo the operand, resolving its parent references.
#include "backend/sandbox/ops.hpp"

namespace bg::backend::sandbox {

Result<model::Node> ApplyUnsimulated(OpCtx& c) {
  model::Node out = c.operand;
  struct Ref {
    std::string_view field;
    Kind kind;
  };
  for (const Ref& ref : {Ref{"campaignId", Kind::kCampaign}, Ref{"adGroupId", Kind::kAdGroup}}) {
    if (!out.Has(ref.field)) continue;
    std::optional<int64_t> id = out.Int(ref.field);
    if (!id) return ApiErr("EntityNotFound", "INVALID_ID", c.Path(ref.field));
    BG_ASSIGN_OR_RETURN(Entity e, Resolve(c, ref.kind, *id, ref.field));
    if (IsRemoved(e)) return ApiErr("EntityNotFound", "INVALID_ID", c.Path(ref.field));
    out.SetInt(ref.field, e.id);
  }
  return out;
}

}  // namespace bg::backend::sandbox
