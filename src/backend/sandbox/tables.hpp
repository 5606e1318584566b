// Tables: the sandbox's SQLite tables and the queries on them, always inside the executor's
// transaction (DESIGN.md decision 4: a rolled-back batch leaves no entity, id or temp id).
//
//   sandbox_entities   one row per simulated entity: kind (budget|campaign|ad_group|criterion),
//                      customer_id, scope (the ad group id for criteria, else 0), id, parent_id
//                      (campaign: budget; ad group: campaign; criterion: ad group), name (budget/
//                      campaign/ad group name, keyword text), status, node (NodeCodec).
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

#include "common/sqlite.hpp"
#include "common/status.hpp"
#include "model/node.hpp"

namespace bg::backend::sandbox {

enum class Kind { kBudget, kCampaign, kAdGroup, kCriterion };
std::string_view KindName(Kind k);

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
