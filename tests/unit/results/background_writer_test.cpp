#include "results/background_writer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "support/temp_dir.hpp"

namespace bg::results {
namespace {

const schema::Registry& Reg() { return *schema::Registry::Get("v201702"); }

model::MutateResult Nth(int64_t i) {
  model::MutateResult r;
  r.index = i;
  if (i % 7 == 3) {
    r.errors.push_back(ApiError::Make(
        "RangeError", "TOO_LOW", "operations[" + std::to_string(i) + "].operand.amount.microAmount",
        std::to_string(-i)));
    return r;
  }
  model::Node b("Budget");
  b.SetInt("budgetId", 1000 + i);
  b.Set("name", "budget " + std::to_string(i) + " <&>");
  r.result_element = "Budget";
  r.result = std::move(b);
  return r;
}

// A writer that fails from its `fail_at`-th Append on (a full disk, say), counting its calls.
class FailingWriter final : public ResultWriter {
 public:
  FailingWriter(int fail_at, std::atomic<int>* appended) : fail_at_(fail_at), appended_(appended) {}
  using ResultWriter::Append;
  Status Append(const model::MutateResult&) override {
    if (appended_->load() >= fail_at_) return Status(StatusCode::kUnavailable, "disk full");
    ++*appended_;
    return Status::Ok();
  }
  Result<uint64_t> Sync() override { return static_cast<uint64_t>(appended_->load()); }
  Result<uint64_t> Finish() override { return Sync(); }

 private:
  int fail_at_;
  std::atomic<int>* appended_;
};

TEST(BackgroundWriter, SameBytesAndSyncSizesAsTheFileWriter) {
  testing::TempDir dir;
  auto plain = ResultWriter::Open(dir.Join("plain.xml"), Reg(), 0);
  auto file = ResultWriter::Open(dir.Join("bg.xml"), Reg(), 0);
  ASSERT_TRUE(plain.ok() && file.ok());
  // A small queue, so that Append() also has to wait for room.
  std::unique_ptr<ResultWriter> bg = WriteInBackground(std::move(*file), 8);
  for (int64_t i = 0; i < 3000; ++i) {
    ASSERT_TRUE((*plain)->Append(Nth(i)).ok());
    ASSERT_TRUE(bg->Append(Nth(i)).ok());
    if (i % 1000 == 999) {
      auto a = (*plain)->Sync();
      auto b = bg->Sync();
      ASSERT_TRUE(a.ok() && b.ok());
      EXPECT_EQ(*a, *b);
      // Everything appended before Sync() is in the file when it returns.
      EXPECT_EQ(std::filesystem::file_size(dir.Join("bg.xml")), *b);
    }
  }
  auto a = (*plain)->Finish();
  auto b = bg->Finish();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(testing::ReadFile(dir.Join("bg.xml")), testing::ReadFile(dir.Join("plain.xml")));
  EXPECT_FALSE(bg->Append(Nth(3000)).ok()) << "appending after Finish() must fail";
}

TEST(BackgroundWriter, DestructorWritesWhatIsQueued) {
  testing::TempDir dir;
  {
    auto plain = ResultWriter::Open(dir.Join("plain.xml"), Reg(), 0);
    ASSERT_TRUE(plain.ok());
    for (int64_t i = 0; i < 500; ++i) ASSERT_TRUE((*plain)->Append(Nth(i)).ok());
  }
  {
    auto file = ResultWriter::Open(dir.Join("bg.xml"), Reg(), 0);
    ASSERT_TRUE(file.ok());
    std::unique_ptr<ResultWriter> bg = WriteInBackground(std::move(*file));
    for (int64_t i = 0; i < 500; ++i) ASSERT_TRUE(bg->Append(Nth(i)).ok());
  }
  EXPECT_EQ(testing::ReadFile(dir.Join("bg.xml")), testing::ReadFile(dir.Join("plain.xml")));
}

TEST(BackgroundWriter, AFailedWriteFailsTheNextSyncAndEverythingAfter) {
  std::atomic<int> appended{0};
  std::unique_ptr<ResultWriter> bg =
      WriteInBackground(std::make_unique<FailingWriter>(100, &appended), 16);
  Status first_failure;
  for (int64_t i = 0; i < 1000 && first_failure.ok(); ++i) first_failure = bg->Append(Nth(i));
  auto synced = bg->Sync();
  ASSERT_FALSE(synced.ok());
  EXPECT_EQ(synced.status().message(), "disk full");
  EXPECT_EQ(appended.load(), 100);
  EXPECT_FALSE(bg->Append(Nth(0)).ok());
  EXPECT_FALSE(bg->Finish().ok());
}

}  // namespace
}  // namespace bg::results
