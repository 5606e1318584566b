// Tables: the packed entities (tables.hpp, sandbox_packs) — new ad group criteria gathered per
// transaction and scope, written as one row each; read back by Load, List and Count.
#include <algorithm>
#include <set>
#include <utility>

#include "backend/sandbox/node_codec.hpp"
#include "backend/sandbox/pack_codec.hpp"
#include "backend/sandbox/tables.hpp"

namespace bg::backend::sandbox {
namespace {

Result<Entity> ToEntity(Kind kind, int64_t scope, const PackEntry& p) {
  auto node = DecodeNode(p.node);
  if (!node) return Internal("sandbox: corrupt packed entity " + std::to_string(p.id));
  Entity e;
  e.kind = kind;
  e.scope = scope;
  e.id = p.id;
  e.parent_id = p.parent_id;
  e.name = std::string(p.name);
  e.status = std::string(p.status);
  e.node = std::move(*node);
  return e;
}

Result<std::optional<Entity>> Found(Kind kind, int64_t scope, const PackEntry& p) {
  BG_ASSIGN_OR_RETURN(Entity e, ToEntity(kind, scope, p));
  return std::optional<Entity>(std::move(e));
}

Status Corrupt(int64_t scope, int64_t first_id) {
  return Internal("sandbox: corrupt pack " + std::to_string(scope) + "/" +
                  std::to_string(first_id));
}

}  // namespace

Status Tables::WritePack(sqlite::Db& db, const TxnCache::PackKey& key,
                         const TxnCache::PendingPack& p) {
  if (p.entries == 0) return Status::Ok();
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db.Prepare("INSERT INTO sandbox_packs(kind, customer_id, scope, first_id,"
                                 " last_id, entries, body) VALUES(?,?,?,?,?,?,?)"));
  s.Bind(1, KindName(static_cast<Kind>(key.kind))).Bind(2, key.customer).Bind(3, key.scope);
  s.Bind(4, p.first_id).Bind(5, p.last_id).Bind(6, p.entries).BindBlob(7, p.body);
  return s.Run();
}

TxnCache::PendingPack* Tables::Pending(Kind kind, int64_t scope) {
  if (cache_ == nullptr || cache_->pending_serial_ != serial_) return nullptr;
  auto it = cache_->pending_.find({customer_, static_cast<int>(kind), scope});
  return it == cache_->pending_.end() ? nullptr : &it->second;
}

Status Tables::Insert(const Entity& e) {
  if (cache_ == nullptr || cache_->pending_serial_ != serial_ || !Packed(e.kind)) return Save(e);
  TxnCache::PackKey key{customer_, static_cast<int>(e.kind), e.scope};
  TxnCache::PendingPack& p = cache_->pending_[key];
  // Ids grow within a pack (NextId); anything else keeps a row of its own.
  if (p.entries > 0 && e.id <= p.last_id) return Save(e);
  const std::string node = EncodeNode(e.node);
  AppendPackEntry({e.id, e.parent_id, e.name, e.status, node}, &p.body);
  if (p.entries++ == 0) p.first_id = e.id;
  p.last_id = e.id;
  // Keep a memo that exists up to date (a Load before the insert may have found nothing).
  auto memo = cache_->entities_.find({static_cast<int>(e.kind), e.scope, e.id});
  if (memo != cache_->entities_.end()) memo->second = e;
  if (p.entries >= kPackEntries) {
    BG_RETURN_IF_ERROR(WritePack(db_, key, p));
    cache_->pending_.erase(key);
  }
  if (cache_->pending_.size() <= kPendingPacks) return Status::Ok();
  // Memory stays flat however long the transaction (a large upload's first batch lasts as long
  // as its scan): the packs of other scopes are written now (an ad group's keywords mostly come
  // together, so they are complete).
  for (auto it = cache_->pending_.begin(); it != cache_->pending_.end();) {
    if (it->first == key) {
      ++it;
      continue;
    }
    BG_RETURN_IF_ERROR(WritePack(db_, it->first, it->second));
    it = cache_->pending_.erase(it);
  }
  return Status::Ok();
}

Result<std::optional<Entity>> Tables::LoadPacked(Kind kind, int64_t id, int64_t scope) {
  if (TxnCache::PendingPack* p = Pending(kind, scope); p && id >= p->first_id) {
    bool corrupt = false;
    if (auto hit = FindPackEntry(p->body, id, &corrupt)) return Found(kind, scope, *hit);
    if (corrupt) return Corrupt(scope, p->first_id);
  }
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("SELECT first_id, body FROM sandbox_packs WHERE kind=? AND"
                                  " customer_id=? AND scope=? AND first_id<=? AND last_id>=?"
                                  " ORDER BY first_id DESC"));
  s.Bind(1, KindName(kind)).Bind(2, customer_).Bind(3, scope).Bind(4, id).Bind(5, id);
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return std::optional<Entity>();
    std::string body = s.Text(1);
    bool corrupt = false;
    if (auto hit = FindPackEntry(body, id, &corrupt)) return Found(kind, scope, *hit);
    if (corrupt) return Corrupt(scope, s.Int(0));
  }
}

Status Tables::ListPacked(Kind kind, std::optional<int64_t> scope, std::vector<Entity>* out) {
  std::set<std::pair<int64_t, int64_t>> rows;  // (scope, id) of the rows: they count
  for (const Entity& e : *out) rows.emplace(e.scope, e.id);
  const size_t before = out->size();
  auto add = [&](int64_t in_scope, int64_t first_id, std::string_view body) -> Status {
    PackReader r(body);
    while (std::optional<PackEntry> p = r.Next()) {
      if (rows.count({in_scope, p->id}) != 0) continue;
      BG_ASSIGN_OR_RETURN(Entity e, ToEntity(kind, in_scope, *p));
      out->push_back(std::move(e));
    }
    return r.ok() ? Status::Ok() : Corrupt(in_scope, first_id);
  };
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("SELECT scope, first_id, body FROM sandbox_packs WHERE kind=?"
                                  " AND customer_id=? AND (?=0 OR scope=?)"));
  s.Bind(1, KindName(kind)).Bind(2, customer_);
  s.Bind(3, int64_t{scope.has_value()}).Bind(4, scope.value_or(0));
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    BG_RETURN_IF_ERROR(add(s.Int(0), s.Int(1), s.Text(2)));
  }
  if (cache_ != nullptr && cache_->pending_serial_ == serial_) {
    for (const auto& [key, p] : cache_->pending_) {
      if (key.customer != customer_ || key.kind != static_cast<int>(kind)) continue;
      if (scope && key.scope != *scope) continue;
      BG_RETURN_IF_ERROR(add(key.scope, p.first_id, p.body));
    }
  }
  if (out->size() == before) return Status::Ok();
  std::sort(out->begin(), out->end(), [](const Entity& a, const Entity& b) {
    return std::pair(a.scope, a.id) < std::pair(b.scope, b.id);
  });
  return Status::Ok();
}

Status Tables::DeletePacked(Kind kind, int64_t scope, int64_t id) {
  // The body without `id`'s entry; false when it had none.
  auto without = [id](std::string_view body, std::string* rest, int64_t* entries) {
    PackReader r(body);
    bool found = false;
    *entries = 0;
    while (std::optional<PackEntry> p = r.Next()) {
      if (p->id == id) {
        found = true;
        continue;
      }
      AppendPackEntry(*p, rest);
      ++*entries;
    }
    return found;
  };
  if (TxnCache::PendingPack* p = Pending(kind, scope)) {
    std::string rest;
    if (without(p->body, &rest, &p->entries)) p->body = std::move(rest);
  }
  BG_ASSIGN_OR_RETURN(sqlite::Stmt s,
                      db_.Prepare("SELECT first_id, body FROM sandbox_packs WHERE kind=? AND"
                                  " customer_id=? AND scope=? AND first_id<=? AND last_id>=?"));
  s.Bind(1, KindName(kind)).Bind(2, customer_).Bind(3, scope).Bind(4, id).Bind(5, id);
  struct Changed {
    int64_t first_id, entries;
    std::string body;
  };
  std::vector<Changed> changed;
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    Changed c{s.Int(0), 0, {}};
    if (without(s.Text(1), &c.body, &c.entries)) changed.push_back(std::move(c));
  }
  for (const Changed& c : changed) {
    if (c.entries == 0) {
      BG_ASSIGN_OR_RETURN(sqlite::Stmt del,
                          db_.Prepare("DELETE FROM sandbox_packs WHERE kind=? AND customer_id=?"
                                      " AND scope=? AND first_id=?"));
      del.Bind(1, KindName(kind)).Bind(2, customer_).Bind(3, scope).Bind(4, c.first_id);
      BG_RETURN_IF_ERROR(del.Run());
      continue;
    }
    BG_ASSIGN_OR_RETURN(sqlite::Stmt upd,
                        db_.Prepare("UPDATE sandbox_packs SET entries=?, body=? WHERE kind=? AND"
                                    " customer_id=? AND scope=? AND first_id=?"));
    upd.Bind(1, c.entries).BindBlob(2, c.body).Bind(3, KindName(kind)).Bind(4, customer_);
    upd.Bind(5, scope).Bind(6, c.first_id);
    BG_RETURN_IF_ERROR(upd.Run());
  }
  return Status::Ok();
}

}  // namespace bg::backend::sandbox
