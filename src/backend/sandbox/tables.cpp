#include "backend/sandbox/tables.hpp"

#include "backend/sandbox/node_codec.hpp"

namespace bg::backend::sandbox {
namespace {

struct KindInfo {
  Kind kind;
  std::string_view name;
  int64_t base_id;  // first real id: the magnitudes real AdWords ids had
};

constexpr KindInfo kKinds[] = {
    {Kind::kBudget, "budget", 410230000},
    {Kind::kCampaign, "campaign", 901230000},
    {Kind::kAdGroup, "ad_group", 40123450000},
    {Kind::kCriterion, "criterion", 16927170000},
    {Kind::kAd, "ad", 187654320000},
    {Kind::kCampaignCriterion, "campaign_criterion", 16927170000},
    {Kind::kBidModifier, "bid_modifier", 1},
    {Kind::kLabel, "label", 2870000},
    {Kind::kFeed, "feed", 51230000},
    {Kind::kFeedItem, "feed_item", 3451230000},
    {Kind::kCampaignExt, "campaign_extension_setting", 1},
    {Kind::kAdGroupExt, "ad_group_extension_setting", 1},
    {Kind::kCustomerExt, "customer_extension_setting", 1},
    {Kind::kCampaignLabel, "campaign_label", 1},
    {Kind::kAdGroupLabel, "ad_group_label", 1},
    {Kind::kAdLabel, "ad_label", 1},
    {Kind::kCriterionLabel, "criterion_label", 1},
    {Kind::kSharedSet, "shared_set", 1530000},
    {Kind::kSharedCriterion, "shared_criterion", 1},
    {Kind::kCampaignSharedSet, "campaign_shared_set", 1},
    {Kind::kFeedItemTarget, "feed_item_target", 1},
};

int64_t BaseId(Kind k) {
  for (const auto& i : kKinds) {
    if (i.kind == k) return i.base_id;
  }
  return 1;
}

}  // namespace

std::string_view KindName(Kind k) {
  for (const auto& i : kKinds) {
    if (i.kind == k) return i.name;
  }
  return "?";
}

std::optional<Kind> KindFromName(std::string_view name) {
  for (const auto& i : kKinds) {
    if (i.name == name) return i.kind;
  }
  return std::nullopt;
}

Status CreateTables(sqlite::Db& db) {
  return db.Exec(
      "CREATE TABLE IF NOT EXISTS sandbox_entities("
      " kind TEXT NOT NULL, customer_id TEXT NOT NULL, scope INTEGER NOT NULL,"
      " id INTEGER NOT NULL, parent_id INTEGER NOT NULL, name TEXT NOT NULL,"
      " status TEXT NOT NULL, node BLOB NOT NULL,"
      " PRIMARY KEY(kind, customer_id, scope, id));"
      "CREATE INDEX IF NOT EXISTS sandbox_entities_parent"
      " ON sandbox_entities(kind, customer_id, parent_id);"
      "CREATE TABLE IF NOT EXISTS sandbox_sequences("
      " kind TEXT PRIMARY KEY, next_id INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS sandbox_temp_ids("
      " job_id INTEGER NOT NULL, kind TEXT NOT NULL, temp_id INTEGER NOT NULL,"
      " real_id INTEGER, failed INTEGER NOT NULL DEFAULT 0,"
      " PRIMARY KEY(job_id, kind, temp_id));");
}

Result<std::optional<Entity>> Tables::Load(Kind kind, int64_t id, int64_t scope) {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("SELECT parent_id, name, status, node FROM sandbox_entities"
                                  " WHERE kind=? AND customer_id=? AND scope=? AND id=?"));
  s.Bind(1, KindName(kind)).Bind(2, customer_).Bind(3, scope).Bind(4, id);
  BG_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<Entity>();
  Entity e;
  e.kind = kind;
  e.scope = scope;
  e.id = id;
  e.parent_id = s.Int(0);
  e.name = s.Text(1);
  e.status = s.Text(2);
  auto node = DecodeNode(s.Text(3));
  if (!node) return Internal("sandbox: corrupt entity " + std::to_string(id));
  e.node = std::move(*node);
  return std::optional<Entity>(std::move(e));
}

Status Tables::Save(const Entity& e) {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("INSERT OR REPLACE INTO sandbox_entities"
                                  "(kind, customer_id, scope, id, parent_id, name, status, node)"
                                  " VALUES(?,?,?,?,?,?,?,?)"));
  s.Bind(1, KindName(e.kind)).Bind(2, customer_).Bind(3, e.scope).Bind(4, e.id);
  s.Bind(5, e.parent_id).Bind(6, e.name).Bind(7, e.status).BindBlob(8, EncodeNode(e.node));
  return s.Run();
}

Result<int64_t> Tables::NextId(Kind kind) {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt ins,
                      db_.Prepare("INSERT OR IGNORE INTO sandbox_sequences(kind, next_id)"
                                  " VALUES(?, ?)"));
  ins.Bind(1, KindName(kind)).Bind(2, BaseId(kind));
  BG_RETURN_IF_ERROR(ins.Run());
  BG_ASSIGN_OR_RETURN(sqlite::Stmt sel,
                      db_.Prepare("SELECT next_id FROM sandbox_sequences WHERE kind=?"));
  sel.Bind(1, KindName(kind));
  BG_ASSIGN_OR_RETURN(bool row, sel.Step());
  if (!row) return Internal("sandbox: sequence missing");
  int64_t id = sel.Int(0);
  BG_ASSIGN_OR_RETURN(sqlite::Stmt upd,
                      db_.Prepare("UPDATE sandbox_sequences SET next_id=? WHERE kind=?"));
  upd.Bind(1, id + 1).Bind(2, KindName(kind));
  BG_RETURN_IF_ERROR(upd.Run());
  return id;
}

Result<bool> Tables::NameTaken(Kind kind, std::string_view name, std::optional<int64_t> parent_id,
                               int64_t except_id) {
  BG_ASSIGN_OR_RETURN(
      sqlite::Stmt s,
      db_.Prepare("SELECT 1 FROM sandbox_entities WHERE kind=? AND customer_id=? AND name=?"
                  " AND status<>'REMOVED' AND id<>? AND (?=0 OR parent_id=?) LIMIT 1"));
  s.Bind(1, KindName(kind)).Bind(2, customer_).Bind(3, name).Bind(4, except_id);
  s.Bind(5, int64_t{parent_id.has_value()}).Bind(6, parent_id.value_or(0));
  return s.Step();
}

Result<int64_t> Tables::CountChildren(Kind kind, int64_t parent_id) {
  BG_ASSIGN_OR_RETURN(
      sqlite::Stmt s,
      db_.Prepare("SELECT COUNT(*) FROM sandbox_entities WHERE kind=? AND customer_id=?"
                  " AND parent_id=? AND status<>'REMOVED'"));
  s.Bind(1, KindName(kind)).Bind(2, customer_).Bind(3, parent_id);
  BG_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : 0;
}

Result<int64_t> Tables::Count(Kind kind) {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("SELECT COUNT(*) FROM sandbox_entities WHERE kind=? AND"
                                  " customer_id=?"));
  s.Bind(1, KindName(kind)).Bind(2, customer_);
  BG_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : 0;
}

Result<std::optional<TempId>> Tables::FindTemp(Kind kind, int64_t temp_id) {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s, db_.Prepare("SELECT real_id, failed FROM sandbox_temp_ids"
                                                  " WHERE job_id=? AND kind=? AND temp_id=?"));
  s.Bind(1, job_).Bind(2, KindName(kind)).Bind(3, temp_id);
  BG_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<TempId>();
  TempId t;
  t.failed = s.Int(1) != 0;
  t.real_id = s.IsNull(0) ? 0 : s.Int(0);
  return std::optional<TempId>(t);
}

Status Tables::DefineTemp(Kind kind, int64_t temp_id, int64_t real_id) {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("INSERT INTO sandbox_temp_ids(job_id, kind, temp_id, real_id)"
                                  " VALUES(?,?,?,?)"));
  s.Bind(1, job_).Bind(2, KindName(kind)).Bind(3, temp_id).Bind(4, real_id);
  return s.Run();
}

Status Tables::FailTemp(Kind kind, int64_t temp_id) {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("INSERT OR IGNORE INTO sandbox_temp_ids"
                                  "(job_id, kind, temp_id, failed) VALUES(?,?,?,1)"));
  s.Bind(1, job_).Bind(2, KindName(kind)).Bind(3, temp_id);
  return s.Run();
}

}  // namespace bg::backend::sandbox

namespace bg::backend::sandbox {

Result<std::vector<Entity>> Tables::List(Kind kind, std::optional<int64_t> scope) {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("SELECT scope, id, parent_id, name, status, node FROM"
                                  " sandbox_entities WHERE kind=? AND customer_id=?"
                                  " AND (?=0 OR scope=?) ORDER BY scope, id"));
  s.Bind(1, KindName(kind)).Bind(2, customer_);
  s.Bind(3, int64_t{scope.has_value()}).Bind(4, scope.value_or(0));
  std::vector<Entity> out;
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    Entity e;
    e.kind = kind;
    e.scope = s.Int(0);
    e.id = s.Int(1);
    e.parent_id = s.Int(2);
    e.name = s.Text(3);
    e.status = s.Text(4);
    auto node = DecodeNode(s.Text(5));
    if (!node) return Internal("sandbox: corrupt entity " + std::to_string(e.id));
    e.node = std::move(*node);
    out.push_back(std::move(e));
  }
  return out;
}

Status Tables::Delete(Kind kind, int64_t scope, int64_t id) {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("DELETE FROM sandbox_entities WHERE kind=? AND customer_id=?"
                                  " AND scope=? AND id=?"));
  s.Bind(1, KindName(kind)).Bind(2, customer_).Bind(3, scope).Bind(4, id);
  return s.Run();
}

Status Tables::ReserveId(Kind kind, int64_t id) {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt ins,
                      db_.Prepare("INSERT OR IGNORE INTO sandbox_sequences(kind, next_id)"
                                  " VALUES(?, ?)"));
  ins.Bind(1, KindName(kind)).Bind(2, BaseId(kind));
  BG_RETURN_IF_ERROR(ins.Run());
  BG_ASSIGN_OR_RETURN(sqlite::Stmt upd,
                      db_.Prepare("UPDATE sandbox_sequences SET next_id=? WHERE kind=?"
                                  " AND next_id<=?"));
  upd.Bind(1, id + 1).Bind(2, KindName(kind)).Bind(3, id);
  return upd.Run();
}

Result<std::vector<std::string>> Tables::Customers() {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s, db_.Prepare("SELECT DISTINCT customer_id FROM"
                                                  " sandbox_entities ORDER BY customer_id"));
  std::vector<std::string> out;
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(s.Text(0));
  }
  return out;
}

}  // namespace bg::backend::sandbox
