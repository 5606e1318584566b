#include "common/wal_checkpointer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "support/temp_dir.hpp"

namespace bg::sqlite {
namespace {

class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Db::Open(Path());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->Exec("CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB)").ok());
  }
  std::string Path() const { return dir_.Join("t.db"); }
  // Commits `txns` transactions of `rows` rows of 1 KiB each, numbered from `first`.
  void Insert(int64_t first, int txns, int rows) {
    for (int t = 0; t < txns; ++t) {
      Txn txn(*db_);
      ASSERT_TRUE(txn.status().ok());
      for (int r = 0; r < rows; ++r) {
        auto st = db_->Prepare("INSERT INTO t(k, v) VALUES(?, zeroblob(1024))");
        ASSERT_TRUE(st.ok());
        st->Bind(1, first + int64_t{t} * rows + r);
        ASSERT_TRUE(st->Run().ok());
      }
      ASSERT_TRUE(txn.Commit().ok());
    }
  }
  // The rows of t, as a connection of its own sees them.
  static int64_t Rows(const std::string& path) {
    auto db = Db::Open(path);  // used by this thread alone
    if (!db.ok()) return -1;
    auto st = (*db)->Prepare("SELECT COUNT(*) FROM t");
    return st.ok() && *st->Step() ? st->Int(0) : -1;
  }

  testing::TempDir dir_{"wal_checkpointer_"};
  std::unique_ptr<Db> db_;
};

TEST_F(WalCheckpointerTest, CheckpointsOnItsOwnThreadOnceTheWalIsPastTheThreshold) {
  auto c = WalCheckpointer::Start(*db_, Path(), {.wake_frames = 100, .inline_frames = 1 << 30});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Insert(0, 1, 50);  // ~60 pages: under the threshold, nothing to do
  EXPECT_EQ((*c)->background_checkpoints(), 0u);
  Insert(1000, 4, 100);
  EXPECT_TRUE(testing::PollUntil(
      std::chrono::seconds(20), [&] { return (*c)->background_checkpoints() > 0; },
      std::chrono::milliseconds(1)));
  EXPECT_EQ((*c)->inline_checkpoints(), 0u);
  // The database file itself now holds pages of the checkpointed transactions.
  EXPECT_GT(std::filesystem::file_size(Path()), 100u * 1024);
  EXPECT_EQ(Rows(Path()), 450);
}

TEST_F(WalCheckpointerTest, TheWriterCheckpointsItselfWhenTheWalGrowsTooLarge) {
  // A thread that is never woken (threshold out of reach) stands for one that fell behind.
  auto c = WalCheckpointer::Start(*db_, Path(), {.wake_frames = 1 << 30, .inline_frames = 200});
  ASSERT_TRUE(c.ok());
  Insert(0, 6, 100);
  EXPECT_GT((*c)->inline_checkpoints(), 0u);
  EXPECT_EQ((*c)->background_checkpoints(), 0u);
  // The WAL restarts after a complete checkpoint: it stays near the bound, not at 600+ pages.
  EXPECT_LT(std::filesystem::file_size(Path() + "-wal"), 400u * 4096);
}

TEST_F(WalCheckpointerTest, EveryCommitSurvivesStopAndReopen) {
  {
    auto c = WalCheckpointer::Start(*db_, Path(), {.wake_frames = 50, .inline_frames = 400});
    ASSERT_TRUE(c.ok());
    Insert(0, 20, 100);
  }  // stopped while the writer stays open: the automatic checkpoint is back
  Insert(100000, 3, 100);
  db_.reset();
  EXPECT_EQ(Rows(Path()), 2300);
}

}  // namespace
}  // namespace bg::sqlite
