// Tables: the sandbox's SQLite tables and the queries on them, always inside the executor's
// transaction (DESIGN.md decision 4: a rolled-back batch leaves no entity, id or temp id).
//
//   sandbox_entities   one row per simulated entity: kind (see Kind), customer_id, scope (the
//                      entity that the id is unique under, see Kind; 0 when ids are unique per
//                      customer), id, parent_id, name (what names must be unique among, or the
//                      keyword text), status, node (NodeCodec: the entity as results show it).
//   sandbox_packs      the ad group criteria that batch jobs add, many to a row: per kind,
//                      customer and scope, the entities one transaction added (at most
//                      kPackEntries a row, fewer when more than kPendingPacks scopes are
//                      open at once), ids first_id..last_id, `entries` of them, in `body`
//                      (PackCodec). A million keywords are some ten thousand rows instead of a
//                      million: inserting a row per entity cost half of the executor's time.
//                      A packed entity that is changed (SET, REMOVE) gets a row in
//                      sandbox_entities as well, and that row is what counts.
//   sandbox_sequences  the next real id per kind (increasing, from realistic bases).
//   sandbox_temp_ids   per job: temp id -> real id, or failed (its defining operation had errors).
//                      Kept per kind, so a budget and a campaign may use the same negative id.
//
// A Tables object borrows the Db of a live Txn; not thread-safe (one per Apply call). When given
// a TxnCache, the reads it repeats within one transaction (an ad group that 99 keywords resolve,
// the temp id that names it, the id sequence) are answered from memory, the sequences are
// written back once, just before the transaction commits, and new criteria (Insert) gather in
// memory into the packs that are written then. Every read (Load, List, Count) sees them.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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

// What one transaction of one job has read from (or written to) the sandbox tables. Valid for
// that transaction only: Tables resets it when it serves another Txn (Txn::serial), so a
// rolled-back batch leaves nothing behind. Within a transaction nobody else writes the tables
// (BEGIN IMMEDIATE holds the write lock), so the copies cannot go stale. Bounded: the entity
// memo is dropped when it exceeds kMaxEntities. Owned by the backend; not thread-safe (the
// transaction's Db mutex serializes its users).
class TxnCache {
 public:
  static constexpr size_t kMaxEntities = 4096;

 private:
  friend class Tables;
  struct Key {
    int kind;
    int64_t scope, id;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return std::hash<int64_t>()(k.id * 31 + k.scope) ^ static_cast<size_t>(k.kind);
    }
  };
  uint64_t serial_ = 0;
  std::string customer_;
  int64_t job_ = 0;
  std::unordered_map<Key, std::optional<Entity>, KeyHash> entities_;  // nullopt: no such row
  std::unordered_map<Key, std::optional<TempId>, KeyHash> temps_;     // scope 0, id = temp id
  std::unordered_map<int, int64_t> next_ids_;  // per kind: the next id to hand out
  bool hook_registered_ = false;
  // New entities of a packed kind (Tables::Insert) not yet written, per customer, kind and
  // scope: the body of the sandbox_packs row they become when kPackEntries are reached or the
  // transaction commits. Unlike the memos above these are data: kept until written (not reset
  // when the customer or job changes inside the transaction), dropped with a rollback.
  struct PackKey {
    std::string customer;
    int kind;
    int64_t scope;
    auto operator<=>(const PackKey&) const = default;
  };
  struct PendingPack {
    int64_t first_id = 0, last_id = 0;
    int64_t entries = 0;
    std::string body;  // PackCodec
  };
  uint64_t pending_serial_ = 0;  // the transaction that pending_ belongs to
  std::map<PackKey, PendingPack> pending_;
};

class Tables {
 public:
  Tables(sqlite::Db& db, std::string customer_id, int64_t job_id)
      : db_(db), customer_(std::move(customer_id)), job_(job_id) {}
  // With a per-transaction cache (see TxnCache); `txn` must be the live transaction on `db`.
  Tables(sqlite::Txn& txn, std::string customer_id, int64_t job_id, TxnCache* cache);

  // Entities in packs have at most this many in one row (an ad group's keywords of one batch
  // are ~100; a SET of one re-reads its whole pack).
  static constexpr int64_t kPackEntries = 256;
  // Packs held in memory at once, at most (then all but the one growing are written).
  static constexpr size_t kPendingPacks = 64;

  Result<std::optional<Entity>> Load(Kind kind, int64_t id, int64_t scope = 0);
  // Load's status alone, nullopt when there is no such entity: a memoized entity is not copied
  // (every keyword of a job asks it of its ad group).
  Result<std::optional<std::string>> LoadStatus(Kind kind, int64_t id, int64_t scope = 0);
  // Insert or replace.
  Status Save(const Entity& e);
  // A new entity: no row or packed entity has its kind, scope and id (the id is one NextId just
  // handed out). Ad group criteria, with a TxnCache, go into a pack; anything else is Save()d.
  Status Insert(const Entity& e);
  Result<int64_t> NextId(Kind kind);
  // Whether a non-REMOVED entity of `kind` (under `parent_id` when set) other than `except_id`
  // has that name (indexed for budgets, campaigns, shared sets, and ad groups under a campaign).
  Result<bool> NameTaken(Kind kind, std::string_view name, std::optional<int64_t> parent_id,
                         int64_t except_id);
  // Non-REMOVED entities of `kind` whose parent is `parent_id` (indexed for campaigns and ad
  // groups only; other kinds scan the customer's entities of that kind).
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
  // tables_packs.cpp
  static bool Packed(Kind kind) { return kind == Kind::kCriterion; }
  Result<std::optional<Entity>> LoadPacked(Kind kind, int64_t id, int64_t scope);
  // Appends the packed entities of `kind` (of `scope` when given) that `out` has no row of.
  Status ListPacked(Kind kind, std::optional<int64_t> scope, std::vector<Entity>* out);
  Status DeletePacked(Kind kind, int64_t scope, int64_t id);
  TxnCache::PendingPack* Pending(Kind kind, int64_t scope);  // null when none
  // Writes one pack's row (the commit hook, and Insert when a pack is full).
  static Status WritePack(sqlite::Db& db, const TxnCache::PackKey& key,
                          const TxnCache::PendingPack& p);

  sqlite::Db& db_;
  std::string customer_;
  int64_t job_;
  TxnCache* cache_ = nullptr;
  uint64_t serial_ = 0;  // the live transaction's (with a cache)
};

}  // namespace bg::backend::sandbox
