// Sandbox operation handlers: one function per simulated operation type, plus the helpers they
// share (field paths, temp-id definition and resolution, SET merging).
//
// A handler returns the entity to echo (Node typed with the runtime operand type), or a Status
// holding the ApiErrors for the client (Status::is_api_error()), or an internal error (any other
// Status: the executor rolls the batch back). Every write goes through OpCtx::t, i.e. through the
// executor's transaction. Not thread-safe; one OpCtx per Apply call.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backend/backend.hpp"
#include "backend/sandbox/tables.hpp"

namespace bg::backend::sandbox {

struct OpCtx {
  Tables& t;
  const ExecContext& ctx;
  const model::Operation& op;        // validated (schema::Validate found no error)
  const model::Operation& uploaded;  // as uploaded (temp ids live here)
  std::string_view op_operator;      // "ADD" | "SET" | "REMOVE"
  const model::Node& operand;
  const model::Node* uploaded_operand;  // may be null
  const schema::Registry* registry() const { return ctx.registry; }
  // The job's API version ("v201702" when unknown).
  std::string_view version() const;

  // "operations[<index>].operand" + ("." + field when given)
  std::string Path(std::string_view field = {}) const;
  std::string OperatorPath() const;   // "operations[<index>].operator"
  std::string OperationPath() const;  // "operations[<index>]"
};

Result<model::Node> ApplyBudget(OpCtx& c);
Result<model::Node> ApplyCampaign(OpCtx& c);
Result<model::Node> ApplyAdGroup(OpCtx& c);
Result<model::Node> ApplyAdGroupCriterion(OpCtx& c);
Result<model::Node> ApplyAdGroupAd(OpCtx& c);           // ad_ops.cpp
Result<model::Node> ApplyCampaignCriterion(OpCtx& c);   // campaign_criterion_ops.cpp
Result<model::Node> ApplyAdGroupBidModifier(OpCtx& c);  // campaign_criterion_ops.cpp
Result<model::Node> ApplyLabelLink(OpCtx& c);           // label_ops.cpp (all four)
Result<model::Node> ApplyExtensionSetting(OpCtx& c);    // extension_ops.cpp (all three)
Result<model::Node> ApplyFeedItem(OpCtx& c);            // feed_item_ops.cpp
Result<model::Node> ApplyFeedItemTarget(OpCtx& c);      // feed_item_ops.cpp
Result<model::Node> ApplySharedSet(OpCtx& c);           // shared_set_ops.cpp
Result<model::Node> ApplySharedCriterion(OpCtx& c);     // shared_set_ops.cpp
Result<model::Node> ApplyCampaignSharedSet(OpCtx& c);   // shared_set_ops.cpp
// Product partition tree rules for an ADD / REMOVE of a ProductPartition criterion of `ad_group`
// (product_partition.cpp). `crit` is the criterion as it will be stored (parent id resolved).
Status CheckProductPartitionAdd(OpCtx& c, int64_t ad_group, model::Node& crit);
Status CheckProductPartitionRemove(OpCtx& c, int64_t ad_group, const Entity& e);
// Operation types the sandbox does not simulate: the operand is echoed as given, with its
// campaignId/adGroupId references resolved to real ids (errors as for simulated types); nothing
// is stored.
Result<model::Node> ApplyUnsimulated(OpCtx& c);

// The temp id (negative) an ADD of `op_type` defines, and its kind; nullopt when none.
std::optional<std::pair<Kind, int64_t>> DefinedTempId(const model::Operation& op);

// --- helpers ---
// Keyword text rules (CriterionError.*), errors at Path(field).
std::vector<ApiError> KeywordErrors(const OpCtx& c, std::string_view text, std::string_view field);
// "ProductPartition" -> "PRODUCT_PARTITION" (Criterion.Type; UNKNOWN when not a value).
std::string CriterionTypeValue(const OpCtx& c, std::string_view type);
// Resolves the long field `field` of `n` (REQUIRED when absent) to a live entity of `kind`
// (EntityNotFound.INVALID_ID when missing or REMOVED). `path_field` names it under the operand.
Result<Entity> ResolveField(OpCtx& c, Kind kind, const model::Node* n, std::string_view field,
                            std::string_view path_field, int64_t scope = 0);
// Entities whose status is REMOVED (or userStatus/campaignCriterionStatus REMOVED) count as gone.
bool IsRemoved(const Entity& e);
// A SET of a REMOVED campaign or ad group (no revival): OperationAccessDenied.
// OPERATION_NOT_PERMITTED_FOR_REMOVED_ENTITY at the operation. An ADD whose status is REMOVED:
// OperationAccessDenied.ADD_AS_REMOVED_NOT_PERMITTED at its status.
Status NotPermittedForRemoved(const OpCtx& c);
Status CheckAddStatus(const OpCtx& c, const model::Node& operand);
// The ordinal of a Feed.Type value in the registry's enum (0 when unknown).
int64_t FeedTypeOrdinal(const OpCtx& c, std::string_view feed_type);
Status ApiErr(std::string type, std::string reason, std::string path, std::string trigger = {});
Status Required(const OpCtx& c, std::string_view field);
Status NotSupported(const OpCtx& c);

// For an ADD: reads the id field `field` of `holder` (the uploaded operand or one of its
// children; `path_field` names it for errors). Negative: a temp id (DUPLICATE_TEMP_IDS if this
// job already defined it) -> returned. Non-negative: CANNOT_SET_ID_FOR_ADD. Absent: nullopt.
Result<std::optional<int64_t>> NewTempId(OpCtx& c, Kind kind, const model::Node* holder,
                                         std::string_view field, std::string_view path_field);
// Records temp -> real after a successful ADD (no-op without a temp id).
Status DefineTemp(OpCtx& c, Kind kind, std::optional<int64_t> temp, int64_t real_id);
// Resolves `id` (a temp id of this job, or a real id) to an existing entity of `kind`:
// EntityNotFound.INVALID_ID / NewEntityCreationError.TEMP_ID_ENTITY_HAD_ERRORS at
// Path(field) (built only then: most resolves succeed).
Result<Entity> Resolve(OpCtx& c, Kind kind, int64_t id, std::string_view field, int64_t scope = 0);
// Resolve for a caller that needs only the real id of a live entity: REMOVED is INVALID_ID too.
Result<int64_t> ResolveLiveId(OpCtx& c, Kind kind, int64_t id, std::string_view field,
                              int64_t scope = 0);
// Reads the long field `field` of `n`; RequiredError at Path(path_field) when absent.
Result<int64_t> RequiredId(const OpCtx& c, const model::Node* n, std::string_view field,
                           std::string_view path_field);

// SET semantics: every field name present in `from` (except `skip`) replaces all of `into`'s
// fields of that name.
void MergeFields(model::Node& into, const model::Node& from,
                 std::initializer_list<std::string_view> skip);
// yyyyMMdd (UTC) of `now_ms`.
std::string Today(int64_t now_ms);
std::string_view Trimmed(std::string_view s);
// Adds `source` as cpcBidSource to every CpcBid of a biddingStrategyConfiguration lacking one.
void FillCpcBidSource(model::Node* bsc, std::string_view source);

}  // namespace bg::backend::sandbox
