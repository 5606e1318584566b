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
      // Children by parent, for the two queries that need them (ad group names are unique per
      // campaign; a budget counts its campaigns). Partial: the million keywords of a job are
      // not in it (their parent is their scope, which the primary key covers), which makes
      // their inserts ~30% cheaper. It replaces the full index of earlier data dirs.
      "DROP INDEX IF EXISTS sandbox_entities_parent;"
      "CREATE INDEX IF NOT EXISTS sandbox_entities_by_parent"
      " ON sandbox_entities(kind, customer_id, parent_id)"
      " WHERE kind='campaign' OR kind='ad_group';"
      "CREATE INDEX IF NOT EXISTS sandbox_entities_unique_name"
      " ON sandbox_entities(kind, customer_id, name)"
      // OR, not IN: an IN list makes every INSERT build an ephemeral table to test it, and the
      // planner would not match the queries' kind='...' against it.
      " WHERE kind='budget' OR kind='campaign' OR kind='shared_set';"
      "CREATE TABLE IF NOT EXISTS sandbox_sequences("
      " kind TEXT PRIMARY KEY, next_id INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS sandbox_temp_ids("
      " job_id INTEGER NOT NULL, kind TEXT NOT NULL, temp_id INTEGER NOT NULL,"
      " real_id INTEGER, failed INTEGER NOT NULL DEFAULT 0,"
      " PRIMARY KEY(job_id, kind, temp_id));"
      "CREATE TABLE IF NOT EXISTS sandbox_packs("
      " kind TEXT NOT NULL, customer_id TEXT NOT NULL, scope INTEGER NOT NULL,"
      " first_id INTEGER NOT NULL, last_id INTEGER NOT NULL, entries INTEGER NOT NULL,"
      " body BLOB NOT NULL, PRIMARY KEY(kind, customer_id, scope, first_id));");
}

Tables::Tables(sqlite::Txn& txn, std::string customer_id, int64_t job_id, TxnCache* cache)
    : db_(txn.db()),
      customer_(std::move(customer_id)),
      job_(job_id),
      cache_(cache),
      serial_(txn.serial()) {
  if (cache_ == nullptr) return;
  if (cache_->pending_serial_ != serial_) {
    // A new transaction: what an earlier one left unwritten rolled back with it.
    cache_->pending_serial_ = serial_;
    cache_->pending_.clear();
    TxnCache* c = cache_;
    sqlite::Db* db = &db_;
    uint64_t serial = serial_;
    txn.BeforeCommit([c, db, serial]() -> Status {
      if (c->pending_serial_ != serial) return Status::Ok();
      for (const auto& [key, pack] : c->pending_) BG_RETURN_IF_ERROR(WritePack(*db, key, pack));
      c->pending_.clear();
      return Status::Ok();
    });
  }
  if (cache_->serial_ != txn.serial() || cache_->customer_ != customer_ || cache_->job_ != job_) {
    cache_->serial_ = txn.serial();
    cache_->customer_ = customer_;
    cache_->job_ = job_;
    cache_->entities_.clear();
    cache_->temps_.clear();
    cache_->next_ids_.clear();
    cache_->hook_registered_ = false;
  }
  if (!cache_->hook_registered_) {
    cache_->hook_registered_ = true;
    TxnCache* c = cache_;
    sqlite::Db* db = &db_;
    uint64_t serial = txn.serial();
    txn.BeforeCommit([c, db, serial]() -> Status {
      if (c->serial_ != serial) return Status::Ok();  // nothing of this transaction is left
      for (const auto& [kind, next] : c->next_ids_) {
        BG_ASSIGN_OR_RETURN(sqlite::Stmt upd,
                            db->Prepare("UPDATE sandbox_sequences SET next_id=? WHERE kind=?"));
        upd.Bind(1, next).Bind(2, KindName(static_cast<Kind>(kind)));
        BG_RETURN_IF_ERROR(upd.Run());
      }
      return Status::Ok();
    });
  }
}

Result<std::optional<Entity>> Tables::Load(Kind kind, int64_t id, int64_t scope) {
  TxnCache::Key key{static_cast<int>(kind), scope, id};
  if (cache_ != nullptr) {
    auto it = cache_->entities_.find(key);
    if (it != cache_->entities_.end()) return it->second;
  }
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("SELECT parent_id, name, status, node FROM sandbox_entities"
                                  " WHERE kind=? AND customer_id=? AND scope=? AND id=?"));
  s.Bind(1, KindName(kind)).Bind(2, customer_).Bind(3, scope).Bind(4, id);
  BG_ASSIGN_OR_RETURN(bool row, s.Step());
  std::optional<Entity> out;
  if (row) {
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
    out = std::move(e);
  } else if (Packed(kind)) {
    BG_ASSIGN_OR_RETURN(out, LoadPacked(kind, id, scope));
  }
  if (cache_ != nullptr) {
    if (cache_->entities_.size() >= TxnCache::kMaxEntities) cache_->entities_.clear();
    cache_->entities_.emplace(key, out);
  }
  return out;
}

Result<std::optional<std::string>> Tables::LoadStatus(Kind kind, int64_t id, int64_t scope) {
  if (cache_ != nullptr) {
    auto it = cache_->entities_.find({static_cast<int>(kind), scope, id});
    if (it != cache_->entities_.end()) {
      if (!it->second) return std::optional<std::string>();
      return std::optional<std::string>(it->second->status);
    }
  }
  BG_ASSIGN_OR_RETURN(std::optional<Entity> e, Load(kind, id, scope));
  if (!e) return std::optional<std::string>();
  return std::optional<std::string>(std::move(e->status));
}

Status Tables::Save(const Entity& e) {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("INSERT OR REPLACE INTO sandbox_entities"
                                  "(kind, customer_id, scope, id, parent_id, name, status, node)"
                                  " VALUES(?,?,?,?,?,?,?,?)"));
  s.Bind(1, KindName(e.kind)).Bind(2, customer_).Bind(3, e.scope).Bind(4, e.id);
  s.Bind(5, e.parent_id).Bind(6, e.name).Bind(7, e.status).BindBlob(8, EncodeNode(e.node));
  BG_RETURN_IF_ERROR(s.Run());
  if (cache_ != nullptr) {
    // Keep a memo that exists up to date; a new row is not copied (most are never read again).
    auto it = cache_->entities_.find({static_cast<int>(e.kind), e.scope, e.id});
    if (it != cache_->entities_.end()) it->second = e;
  }
  return Status::Ok();
}

Result<int64_t> Tables::NextId(Kind kind) {
  if (cache_ != nullptr) {
    auto it = cache_->next_ids_.find(static_cast<int>(kind));
    if (it != cache_->next_ids_.end()) return it->second++;  // written back before COMMIT
  }
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
  if (cache_ != nullptr) {
    cache_->next_ids_[static_cast<int>(kind)] = id + 1;
    return id;
  }
  BG_ASSIGN_OR_RETURN(sqlite::Stmt upd,
                      db_.Prepare("UPDATE sandbox_sequences SET next_id=? WHERE kind=?"));
  upd.Bind(1, id + 1).Bind(2, KindName(kind));
  BG_RETURN_IF_ERROR(upd.Run());
  return id;
}

Result<bool> Tables::NameTaken(Kind kind, std::string_view name, std::optional<int64_t> parent_id,
                               int64_t except_id) {
  // Two shapes, so that SQLite uses an index for each (an "(?=0 OR parent_id=?)" would make it
  // scan every entity of the kind): names unique under a parent use the parent index; names
  // unique per customer (budgets, campaigns, shared sets) the partial name index, which applies
  // only when the kind is a literal of its WHERE clause.
  std::string sql = "SELECT 1 FROM sandbox_entities WHERE kind='";
  sql += KindName(kind);
  sql += "' AND customer_id=? AND name=? AND status<>'REMOVED' AND id<>?";
  if (parent_id) sql += " AND parent_id=?";
  sql += " LIMIT 1";
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s, db_.Prepare(sql));
  s.Bind(1, customer_).Bind(2, name).Bind(3, except_id);
  if (parent_id) s.Bind(4, *parent_id);
  return s.Step();
}

Result<int64_t> Tables::CountChildren(Kind kind, int64_t parent_id) {
  // The kind as a literal, so that the partial parent index applies (see CreateTables).
  std::string sql = "SELECT COUNT(*) FROM sandbox_entities WHERE kind='";
  sql += KindName(kind);
  sql += "' AND customer_id=? AND parent_id=? AND status<>'REMOVED'";
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s, db_.Prepare(sql));
  s.Bind(1, customer_).Bind(2, parent_id);
  BG_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : 0;
}

Result<int64_t> Tables::Count(Kind kind) {
  if (Packed(kind)) {
    BG_ASSIGN_OR_RETURN(std::vector<Entity> all, List(kind));
    return static_cast<int64_t>(all.size());
  }
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("SELECT COUNT(*) FROM sandbox_entities WHERE kind=? AND"
                                  " customer_id=?"));
  s.Bind(1, KindName(kind)).Bind(2, customer_);
  BG_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : 0;
}

Result<std::optional<TempId>> Tables::FindTemp(Kind kind, int64_t temp_id) {
  TxnCache::Key key{static_cast<int>(kind), 0, temp_id};
  if (cache_ != nullptr) {
    auto it = cache_->temps_.find(key);
    if (it != cache_->temps_.end()) return it->second;
  }
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s, db_.Prepare("SELECT real_id, failed FROM sandbox_temp_ids"
                                                  " WHERE job_id=? AND kind=? AND temp_id=?"));
  s.Bind(1, job_).Bind(2, KindName(kind)).Bind(3, temp_id);
  BG_ASSIGN_OR_RETURN(bool row, s.Step());
  std::optional<TempId> out;
  if (row) {
    TempId t;
    t.failed = s.Int(1) != 0;
    t.real_id = s.IsNull(0) ? 0 : s.Int(0);
    out = t;
  }
  if (cache_ != nullptr) {
    if (cache_->temps_.size() >= TxnCache::kMaxEntities) cache_->temps_.clear();
    cache_->temps_.emplace(key, out);
  }
  return out;
}

Status Tables::DefineTemp(Kind kind, int64_t temp_id, int64_t real_id) {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("INSERT INTO sandbox_temp_ids(job_id, kind, temp_id, real_id)"
                                  " VALUES(?,?,?,?)"));
  s.Bind(1, job_).Bind(2, KindName(kind)).Bind(3, temp_id).Bind(4, real_id);
  BG_RETURN_IF_ERROR(s.Run());
  if (cache_ != nullptr) {
    cache_->temps_[{static_cast<int>(kind), 0, temp_id}] = TempId{false, real_id};
  }
  return Status::Ok();
}

Status Tables::FailTemp(Kind kind, int64_t temp_id) {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("INSERT OR IGNORE INTO sandbox_temp_ids"
                                  "(job_id, kind, temp_id, failed) VALUES(?,?,?,1)"));
  s.Bind(1, job_).Bind(2, KindName(kind)).Bind(3, temp_id);
  BG_RETURN_IF_ERROR(s.Run());
  // INSERT OR IGNORE: an existing definition stays; a memo of it stays right, any other goes.
  if (cache_ != nullptr) {
    auto it = cache_->temps_.find({static_cast<int>(kind), 0, temp_id});
    if (it != cache_->temps_.end() && !it->second) it->second = TempId{true, 0};
  }
  return Status::Ok();
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
  if (Packed(kind)) BG_RETURN_IF_ERROR(ListPacked(kind, scope, &out));
  return out;
}

Status Tables::Delete(Kind kind, int64_t scope, int64_t id) {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("DELETE FROM sandbox_entities WHERE kind=? AND customer_id=?"
                                  " AND scope=? AND id=?"));
  s.Bind(1, KindName(kind)).Bind(2, customer_).Bind(3, scope).Bind(4, id);
  BG_RETURN_IF_ERROR(s.Run());
  if (Packed(kind)) BG_RETURN_IF_ERROR(DeletePacked(kind, scope, id));
  if (cache_ != nullptr) cache_->entities_.erase({static_cast<int>(kind), scope, id});
  return Status::Ok();
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
  BG_RETURN_IF_ERROR(upd.Run());
  if (cache_ != nullptr) {
    auto it = cache_->next_ids_.find(static_cast<int>(kind));
    if (it != cache_->next_ids_.end()) it->second = std::max(it->second, id + 1);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> Tables::Customers() {
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("SELECT customer_id FROM sandbox_entities UNION"
                                  " SELECT customer_id FROM sandbox_packs ORDER BY customer_id"));
  std::vector<std::string> out;
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(s.Text(0));
  }
  return out;
}

}  // namespace bg::backend::sandbox
