#include "client/upload_plan.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "support/temp_dir.hpp"

namespace bg::client {
namespace {

std::string Op(int i, size_t filler = 0) {
  return "<operations xsi:type=\"BudgetOperation\"><operator>ADD</operator><operand><budgetId>" +
         std::to_string(-i) + "</budgetId><name>" + std::string(filler, 'x') +
         "</name></operand></operations>";
}

std::string Doc(int ops, size_t filler) {
  std::string d =
      "<?xml version=\"1.0\"?>\n<mutate xmlns=\"https://adwords.google.com/api/adwords/cm/"
      "v201702\">";
  for (int i = 1; i <= ops; ++i) d += Op(i, filler);
  return d + "</mutate>";
}

// The uploaded stream of a plan, as the gateway assembles it.
std::string Stream(const std::string& path, const UploadPlan& plan) {
  int fd = ::open(path.c_str(), O_RDONLY);
  std::string all, piece;
  for (const UploadPiece& p : plan.pieces) {
    EXPECT_TRUE(ReadPiece(fd, p, p.stream_begin, &piece).ok());
    all += piece;
  }
  ::close(fd);
  return all;
}

class UploadPlanTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    std::string p = dir_.Join("upload.xml");
    EXPECT_TRUE(testing::WriteFile(p, text));
    return p;
  }
  testing::TempDir dir_{"bg_plan_"};
};

TEST_F(UploadPlanTest, SmallDocumentIsOnePaddedRequest) {
  std::string doc = Doc(3, 10);
  Result<UploadPlan> plan = PlanUpload(Write(doc));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->pieces.size(), 1u);
  EXPECT_EQ(plan->total, kUploadUnit);
  EXPECT_EQ(plan->operations, 3u);
  EXPECT_EQ(plan->pieces[0].file_end, doc.size());
  EXPECT_EQ(plan->pieces[0].padding, kUploadUnit - doc.size());
}

TEST_F(UploadPlanTest, RequestsHoldWholeOperationsAndArePaddedToTheUnit) {
  std::string doc = Doc(60, 10000);  // ~600 KB: several requests
  std::string path = Write(doc);
  Result<UploadPlan> plan = PlanUpload(path);
  ASSERT_TRUE(plan.ok());
  ASSERT_GE(plan->pieces.size(), 3u);
  EXPECT_EQ(plan->operations, 60u);
  uint64_t file_at = 0, stream_at = 0;
  for (size_t i = 0; i < plan->pieces.size(); ++i) {
    const UploadPiece& p = plan->pieces[i];
    EXPECT_EQ(p.file_begin, file_at);
    EXPECT_EQ(p.stream_begin, stream_at);
    EXPECT_EQ(p.size() % kUploadUnit, 0u) << "piece " << i;
    EXPECT_LE(p.file_end - p.file_begin, kUploadUnit);
    // Every piece but the last ends right after an </operations>.
    if (i + 1 < plan->pieces.size()) {
      EXPECT_EQ(doc.substr(p.file_end - 13, 13), "</operations>") << "piece " << i;
    }
    file_at = p.file_end;
    stream_at = p.stream_end();
  }
  EXPECT_EQ(file_at, doc.size());
  EXPECT_EQ(stream_at, plan->total);
  // The stream is the document, each piece followed by its padding of spaces.
  std::string stream = Stream(path, *plan);
  ASSERT_EQ(stream.size(), plan->total);
  std::string content;
  for (const UploadPiece& p : plan->pieces) {
    const uint64_t n = p.file_end - p.file_begin;
    content += stream.substr(p.stream_begin, n);
    EXPECT_EQ(stream.substr(p.stream_begin + n, p.padding), std::string(p.padding, ' '));
  }
  EXPECT_EQ(content, doc);
}

TEST_F(UploadPlanTest, ChunkSizeIsRoundedToTheUnit) {
  Result<UploadPlan> plan = PlanUpload(Write(Doc(60, 10000)), 300000);
  ASSERT_TRUE(plan.ok());
  for (const UploadPiece& p : plan->pieces) {
    EXPECT_LE(p.file_end - p.file_begin, 2 * kUploadUnit);
    EXPECT_EQ(p.size() % kUploadUnit, 0u);
  }
}

TEST_F(UploadPlanTest, AnOperationLargerThanAChunkIsSentInAlignedPieces) {
  std::string doc = Doc(1, 700000);
  const uint64_t op_end = doc.size() - 9;  // before </mutate>
  Result<UploadPlan> plan = PlanUpload(Write(doc));
  ASSERT_TRUE(plan.ok());
  // 700 KB of operation: two unpadded units, the padded rest of the operation, then the tail.
  ASSERT_EQ(plan->pieces.size(), 4u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(plan->pieces[i].padding, 0u);
    EXPECT_EQ(plan->pieces[i].size(), kUploadUnit);
  }
  EXPECT_EQ(plan->pieces[2].file_end, op_end);
  EXPECT_EQ(plan->pieces[2].size(), kUploadUnit);
  EXPECT_EQ(plan->pieces[3].file_begin, op_end);
  EXPECT_EQ(plan->pieces.back().file_end, doc.size());
}

TEST_F(UploadPlanTest, AMalformedDocumentIsStillSentWhole) {
  std::string doc = Doc(2, 10) + "<garbage";  // not well-formed at the end
  doc.replace(doc.find("</mutate>"), 9, "");
  std::string path = Write(doc);
  Result<UploadPlan> plan = PlanUpload(path);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->pieces.back().file_end, doc.size());
  EXPECT_EQ(Stream(path, *plan).substr(0, doc.size()), doc);
}

TEST_F(UploadPlanTest, CollectsThePositiveIdsTheUploadNames) {
  std::string doc =
      "<mutate><operations><operand><id>-1</id><campaignId>123456</campaignId><criterion>"
      "<ns:id>2840</ns:id></criterion><name>99</name><adGroupId> 777 </adGroupId>"
      "</operand></operations></mutate>";
  Result<UploadPlan> plan = PlanUpload(Write(doc));
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->named_ids, (std::vector<std::string>{"123456", "2840", "777"}));
}

TEST_F(UploadPlanTest, PieceAtFindsTheCoveringPiece) {
  Result<UploadPlan> plan = PlanUpload(Write(Doc(60, 10000)));
  ASSERT_TRUE(plan.ok());
  for (size_t i = 0; i < plan->pieces.size(); ++i) {
    EXPECT_EQ(plan->PieceAt(plan->pieces[i].stream_begin), i);
    EXPECT_EQ(plan->PieceAt(plan->pieces[i].stream_end() - 1), i);
  }
}

TEST_F(UploadPlanTest, ReadPieceResumesInsideAPiece) {
  std::string doc = Doc(2, 10);
  std::string path = Write(doc);
  Result<UploadPlan> plan = PlanUpload(path);
  ASSERT_TRUE(plan.ok());
  int fd = ::open(path.c_str(), O_RDONLY);
  std::string tail;
  ASSERT_TRUE(ReadPiece(fd, plan->pieces[0], 10, &tail).ok());
  EXPECT_EQ(tail.size(), kUploadUnit - 10);
  EXPECT_EQ(tail.substr(0, doc.size() - 10), doc.substr(10));
  ASSERT_TRUE(ReadPiece(fd, plan->pieces[0], doc.size() + 5, &tail).ok());
  EXPECT_EQ(tail, std::string(kUploadUnit - doc.size() - 5, ' '));
  ::close(fd);
}

TEST_F(UploadPlanTest, MissingFileIsNotFound) {
  Result<UploadPlan> plan = PlanUpload(dir_.Join("nope.xml"));
  EXPECT_EQ(plan.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace bg::client
