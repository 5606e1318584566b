// Packed entities (tables.hpp, sandbox_packs): the codec of a pack's body, and Tables reading
// what Insert gathered in memory, wrote mid-transaction (a full pack) and wrote at commit; a
// changed entity's row winning over its packed copy; Delete; a rollback leaving nothing.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "backend/sandbox/pack_codec.hpp"
#include "backend/sandbox/tables.hpp"

namespace bg::backend::sandbox {
namespace {

TEST(PackCodecTest, EntriesRoundTripAndACutBodyIsCorrupt) {
  std::string body;
  const std::string big(300, 'n');  // a length of two varint bytes
  AppendPackEntry({16927170000, 40123450000, "mars cruise", "ENABLED", "n\x01}"}, &body);
  const size_t first_entry = body.size();
  AppendPackEntry({16927170001, 40123450000, "", "PAUSED", big}, &body);
  PackReader r(body);
  auto a = r.Next();
  auto b = r.Next();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->id, 16927170000);
  EXPECT_EQ(a->parent_id, 40123450000);
  EXPECT_EQ(a->name, "mars cruise");
  EXPECT_EQ(a->node, "n\x01}");
  EXPECT_EQ(b->name, "");
  EXPECT_EQ(b->status, "PAUSED");
  EXPECT_EQ(b->node, big);
  EXPECT_FALSE(r.Next());
  EXPECT_TRUE(r.ok());
  bool corrupt = true;
  ASSERT_TRUE(FindPackEntry(body, 16927170001, &corrupt));
  EXPECT_FALSE(corrupt);
  EXPECT_FALSE(FindPackEntry(body, 7, &corrupt));
  EXPECT_FALSE(corrupt);
  // Every cut of the body short of an entry's end reads as corrupt, never past its end.
  for (size_t n = 1; n < body.size(); ++n) {
    PackReader cut(std::string_view(body).substr(0, n));
    int entries = 0;
    while (cut.Next()) ++entries;
    EXPECT_EQ(cut.ok(), n == first_entry) << n;
    EXPECT_LE(entries, 1) << n;
  }
  // A varint that never ends, a length past the end.
  EXPECT_FALSE(FindPackEntry(std::string(12, '\xff'), 1, &corrupt));
  EXPECT_TRUE(corrupt);
  EXPECT_FALSE(FindPackEntry(std::string("\x01\x01\x7f", 3), 1, &corrupt));
  EXPECT_TRUE(corrupt);
}

class PackedTablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "bg_packs_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto db = sqlite::Db::Open(dir_ + "/t.db");
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(CreateTables(*db_).ok());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  static Entity Keyword(int64_t ad_group, int64_t id) {
    Entity e;
    e.kind = Kind::kCriterion;
    e.scope = e.parent_id = ad_group;
    e.id = id;
    e.name = "kw " + std::to_string(id);
    e.status = "ENABLED";
    e.node = model::Node("BiddableAdGroupCriterion");
    e.node.SetInt("adGroupId", ad_group);
    return e;
  }
  int64_t PackRows() {
    auto s = db_->Prepare("SELECT COUNT(*) FROM sandbox_packs");
    EXPECT_TRUE(s.ok());
    auto row = s->Step();
    return row.ok() && *row ? s->Int(0) : -1;
  }

  std::string dir_;
  std::unique_ptr<sqlite::Db> db_;
  TxnCache cache_;
};

TEST_F(PackedTablesTest, InsertedEntitiesReadBackBeforeAndAfterCommit) {
  const int64_t n = Tables::kPackEntries + 10;  // one full pack written mid-transaction
  {
    sqlite::Txn txn(*db_);
    Tables t(txn, "c1", 1, &cache_);
    for (int64_t i = 0; i < n; ++i) ASSERT_TRUE(t.Insert(Keyword(7, 100 + i)).ok());
    ASSERT_TRUE(t.Insert(Keyword(8, 100 + n)).ok());
    EXPECT_EQ(PackRows(), 1);  // the full one; the rest wait for the commit
    for (int64_t id : {int64_t{100}, 100 + n - 1}) {
      auto e = t.Load(Kind::kCriterion, id, 7);
      ASSERT_TRUE(e.ok() && e->has_value()) << id;
      EXPECT_EQ((*e)->name, "kw " + std::to_string(id));
      EXPECT_EQ((*e)->node.Int("adGroupId"), 7);
    }
    auto other_scope = t.Load(Kind::kCriterion, 100, 8);
    ASSERT_TRUE(other_scope.ok());
    EXPECT_FALSE(other_scope->has_value());
    auto count = t.Count(Kind::kCriterion);
    ASSERT_TRUE(count.ok());
    EXPECT_EQ(*count, n + 1);
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(PackRows(), 3);
  sqlite::Txn txn(*db_);
  Tables t(txn, "c1", 2, &cache_);
  auto all = t.List(Kind::kCriterion, 7);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) EXPECT_EQ((*all)[i].id, 100 + i);
  auto e = t.Load(Kind::kCriterion, 100 + n, 8);
  ASSERT_TRUE(e.ok() && e->has_value());
  auto customers = t.Customers();
  ASSERT_TRUE(customers.ok());
  EXPECT_EQ(*customers, std::vector<std::string>{"c1"});
  // Another customer sees none of them.
  Tables other(txn, "c2", 2, &cache_);
  auto none = other.Count(Kind::kCriterion);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
}

TEST_F(PackedTablesTest, ARowWinsOverThePackedCopyAndDeleteRemovesBoth) {
  {
    sqlite::Txn txn(*db_);
    Tables t(txn, "c1", 1, &cache_);
    for (int64_t id = 1; id <= 3; ++id) ASSERT_TRUE(t.Insert(Keyword(7, id)).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  sqlite::Txn txn(*db_);
  Tables t(txn, "c1", 2, &cache_);
  Entity changed = Keyword(7, 2);
  changed.status = "REMOVED";
  ASSERT_TRUE(t.Save(changed).ok());
  auto e = t.Load(Kind::kCriterion, 2, 7);
  ASSERT_TRUE(e.ok() && e->has_value());
  EXPECT_EQ((*e)->status, "REMOVED");
  auto all = t.List(Kind::kCriterion);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);  // not four: the row replaces the packed copy
  EXPECT_EQ((*all)[1].status, "REMOVED");
  ASSERT_TRUE(t.Delete(Kind::kCriterion, 7, 2).ok());
  auto gone = t.Load(Kind::kCriterion, 2, 7);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  for (int64_t id : {1, 3}) ASSERT_TRUE(t.Delete(Kind::kCriterion, 7, id).ok());
  EXPECT_EQ(PackRows(), 0);  // the emptied pack is gone
}

TEST_F(PackedTablesTest, ARolledBackTransactionLeavesNoPackedEntity) {
  {
    sqlite::Txn txn(*db_);
    Tables t(txn, "c1", 1, &cache_);
    ASSERT_TRUE(t.Insert(Keyword(7, 1)).ok());
    txn.Rollback();
  }
  sqlite::Txn txn(*db_);
  Tables t(txn, "c1", 1, &cache_);
  auto e = t.Load(Kind::kCriterion, 1, 7);
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->has_value());
  ASSERT_TRUE(txn.Commit().ok());
  EXPECT_EQ(PackRows(), 0);
}

}  // namespace
}  // namespace bg::backend::sandbox
