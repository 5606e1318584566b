// Tables: the sandbox's SQLite tables and the queries on them, always inside the executor's
// transaction (DESIGN.md decision 4: a rolled-back batch leaves no entity, id or temp id).
//
//   sandbox_entities   one row per simulated entity: kind (see Kind), customer_id, scope (the
//                      entity that the id is unique under, see Kind; 0 when ids are unique per
//                      customer), id, parent_id, name (what names must be unique among, or the
//                      keyword text), status, node (NodeCodec: the entity as results show it).
//   sandbox_sequences  the next real id per kind (increasing, from realistic bases).
//   sandbox_temp_ids   per job: temp id -> real id, or failed (its defining operation had errors).
//                      Kept per kind, so a budget and a campaign may use the same negative id.
//
// A Tables object borrows the Db of a live Txn; not thread-safe (one per Apply call).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sqlite.hpp"
#include "common/status.hpp"
#include "model/node.hpp"

namespace bg::backend::sandbox {

// scope / parent_id per kind:
//   kBudget, kCampaign (parent: budget), kAdGroup (parent: campaign): scope 0.
//   kCriterion: ad group criterion, scope = parent = ad group. kAd: scope 0 (ad ids are unique),
//   parent = ad group. kCampaignCriterion: scope = parent = campaign. kBidModifier: scope =
//   parent = ad group, id = criterion id. kLabel, kFeed, kSharedSet: scope 0 (labels and feeds
//   are seeded). kFeedItem: scope 0, parent = feed. kCampaignExt / kAdGroupExt / kCustomerExt:
//   scope = campaign / ad group / 0, id = the Feed.Type ordinal. k*Label links: scope = the
//   labelled entity (campaign, ad group, ad, criterion), id = label id, parent = ad group for ad
//   and criterion labels. kSharedCriterion: scope = parent = shared set. kCampaignSharedSet:
//   scope = campaign, id = shared set. kFeedItemTarget: scope = feed item, id = a target key.
enum class Kind {
  kBudget,
  kCampaign,
  kAdGroup,
  kCriterion,
  kAd,
  kCampaignCriterion,
  kBidModifier,
  kLabel,
  kFeed,
  kFeedItem,
  kCampaignExt,
  kAdGroupExt,
  kCustomerExt,
  kCampaignLabel,
  kAdGroupLabel,
  kAdLabel,
  kCriterionLabel,
  kSharedSet,
  kSharedCriterion,
  kCampaignSharedSet,
  kFeedItemTarget,
};
std::string_view KindName(Kind k);
std::optional<Kind> KindFromName(std::string_view name);
inline constexpr Kind kAllKinds[] = {Kind::kLabel,
                                     Kind::kFeed,
                                     Kind::kBudget,
                                     Kind::kCampaign,
                                     Kind::kAdGroup,
                                     Kind::kCriterion,
                                     Kind::kAd,
                                     Kind::kCampaignCriterion,
                                     Kind::kBidModifier,
                                     Kind::kFeedItem,
                                     Kind::kCampaignExt,
                                     Kind::kAdGroupExt,
                                     Kind::kCustomerExt,
                                     Kind::kCampaignLabel,
                                     Kind::kAdGroupLabel,
                                     Kind::kAdLabel,
                                     Kind::kCriterionLabel,
                                     Kind::kSharedSet,
                                     Kind::kSharedCriterion,
                                     Kind::kCampaignSharedSet,
                                     Kind::kFeedItemTarget};

struct Entity {
  Kind kind = Kind::kBudget;
  int64_t scope = 0;
  int64_t id = 0;
  int64_t parent_id = 0;
  std::string name;
  std::string status;
  model::Node node;
};

struct TempId {
  bool failed = false;
  int64_t real_id = 0;
};

// Creates the tables if needed.
Status CreateTables(sqlite::Db& db);

class Tables {
 public:
  Tables(sqlite::Db& db, std::string customer_id, int64_t job_id)
      : db_(db), customer_(std::move(customer_id)), job_(job_id) {}

  Result<std::optional<Entity>> Load(Kind kind, int64_t id, int64_t scope = 0);
  // Insert or replace.
  Status Save(const Entity& e);
  Result<int64_t> NextId(Kind kind);
  // Whether a non-REMOVED entity of `kind` (under `parent_id` when set) other than `except_id`
  // has that name.
  Result<bool> NameTaken(Kind kind, std::string_view name, std::optional<int64_t> parent_id,
                         int64_t except_id);
  // Non-REMOVED entities of `kind` whose parent is `parent_id`.
  Result<int64_t> CountChildren(Kind kind, int64_t parent_id);
  Result<int64_t> Count(Kind kind);  // all rows of the customer (tests)
  // Every entity of `kind` (of `scope` when given), REMOVED ones included, ordered by scope, id.
  Result<std::vector<Entity>> List(Kind kind, std::optional<int64_t> scope = std::nullopt);
  Status Delete(Kind kind, int64_t scope, int64_t id);
  // Makes NextId(kind) return more than `id` (seeded entities keep their ids).
  Status ReserveId(Kind kind, int64_t id);
  // Every customer that has sandbox entities.
  Result<std::vector<std::string>> Customers();

  Result<std::optional<TempId>> FindTemp(Kind kind, int64_t temp_id);
  Status DefineTemp(Kind kind, int64_t temp_id, int64_t real_id);
  // Records a failed definition unless the temp id is already defined.
  Status FailTemp(Kind kind, int64_t temp_id);

 private:
  sqlite::Db& db_;
  std::string customer_;
  int64_t job_;
};

}  // namespace bg::backend::sandbox
