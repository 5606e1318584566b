// ResultsIndex: built by streaming a results document and its upload, then paged (all rows or
// failures only) in constant time; a million-operation job with memory that does not grow with it.
#include "ui/results_index.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/temp_dir.hpp"

namespace bg::ui {
namespace {

class ResultsIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path();
    source_.results_path = root_ + "/job.xml";
    source_.upload_path = root_ + "/job.upload";
    source_.index_path = root_ + "/job.index";
  }

  // A results document of `n` rvals (every third one failing, the failing ones with two errors
  // for every ninth) and its upload, written as the writer and the client libraries do.
  void WriteJob(int64_t n, bool with_upload = true) {
    std::ofstream results(source_.results_path, std::ios::binary);
    results << "<?xml version=\"1.0\" encoding=\"UTF-8\"?><mutateResponse "
               "xmlns=\"https://adwords.google.com/api/adwords/cm/v201702\">";
    std::ofstream upload(source_.upload_path, std::ios::binary);
    upload << "<?xml version=\"1.0\"?>\n<ns1:mutate xmlns:ns1=\"https://adwords.google.com/api/"
              "adwords/cm/v201702\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n";
    for (int64_t i = 0; i < n; ++i) {
      if (i % 3 == 1) {
        results
            << "<rval><errorList><errors xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
               " xsi:type=\"CriterionError\"><fieldPath>operations["
            << i << "].operand.criterion.text</fieldPath><trigger>bad &amp; " << i
            << "</trigger><errorString>CriterionError.KEYWORD_HAS_INVALID_CHARS</errorString>"
               "<ApiError.Type>CriterionError</ApiError.Type><reason>KEYWORD_HAS_INVALID_CHARS"
               "</reason></errors>";
        if (i % 9 == 1) {
          results << "<errors xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                     "xsi:type=\"RateExceededError\"><errorString>RateExceededError.RATE_EXCEEDED"
                     "</errorString><ApiError.Type>RateExceededError</ApiError.Type><reason>"
                     "RATE_EXCEEDED</reason><rateName>RequestsPerMinute</rateName></errors>";
        }
        results << "</errorList><index>" << i << "</index></rval>";
        upload << "<ns1:operations xsi:type=\"ns1:AdGroupCriterionOperation\"><ns1:operator>ADD"
                  "</ns1:operator><ns1:operand xsi:type=\"ns1:BiddableAdGroupCriterion\">"
                  "<ns1:adGroupId>1</ns1:adGroupId></ns1:operand></ns1:operations>\n";
      } else {
        results << "<rval><result><Budget><budgetId>" << 100 + i
                << "</budgetId></Budget></result><index>" << i << "</index></rval>";
        upload << "<operations><Operation.Type>BudgetOperation</Operation.Type><operator>"
                  "<![CDATA[SET]]></operator><operand><budgetId>"
               << 100 + i << "</budgetId></operand></operations>\n";
      }
    }
    results << "</mutateResponse>";
    upload << "</ns1:mutate>";
    results.close();
    upload.close();
    source_.results_bytes = std::filesystem::file_size(source_.results_path);
    source_.upload_bytes = with_upload ? std::filesystem::file_size(source_.upload_path) : 0;
  }

  std::unique_ptr<ResultsIndex> Build() {
    BuildProgress progress;
    Status s = BuildResultsIndex(source_, &progress);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(progress.bytes_read.load(), source_.results_bytes);
    auto index = ResultsIndex::Open(source_.index_path, source_.results_bytes);
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    return index.ok() ? std::move(index).value() : nullptr;
  }

  testing::TempDir dir_{"results_index_test_"};
  std::string root_;
  IndexSource source_;
};

TEST_F(ResultsIndexTest, RowsCarryTheUploadsOperationAndTheResultsErrors) {
  WriteJob(10);
  std::unique_ptr<ResultsIndex> index = Build();
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->row_count(), 10);
  EXPECT_EQ(index->failure_count(), 3);  // 1, 4, 7
  EXPECT_TRUE(index->upload_complete());
  Result<ResultsPage> page = index->Read(false, 0, 3);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->total, 10);
  ASSERT_EQ(page->rows.size(), 3u);
  const ResultRow& ok = page->rows[0];
  EXPECT_EQ(ok.index, 0);
  EXPECT_FALSE(ok.failed);
  EXPECT_EQ(ok.operation_type, "BudgetOperation");  // from the Operation.Type child
  EXPECT_EQ(ok.op_operator, "SET");                 // CDATA
  EXPECT_EQ(ok.result_type, "Budget");
  EXPECT_TRUE(ok.errors.empty());
  const ResultRow& bad = page->rows[1];
  EXPECT_EQ(bad.index, 1);
  EXPECT_TRUE(bad.failed);
  EXPECT_EQ(bad.operation_type, "AdGroupCriterionOperation");  // prefixed xsi:type, local part
  EXPECT_EQ(bad.op_operator, "ADD");
  EXPECT_EQ(bad.operand_type, "BiddableAdGroupCriterion");
  ASSERT_EQ(bad.errors.size(), 2u);
  EXPECT_EQ(bad.errors[0].type, "CriterionError");
  EXPECT_EQ(bad.errors[0].reason, "KEYWORD_HAS_INVALID_CHARS");
  EXPECT_EQ(bad.errors[0].field_path, "operations[1].operand.criterion.text");
  EXPECT_EQ(bad.errors[0].trigger, "bad & 1");
  EXPECT_EQ(bad.errors[1].type, "RateExceededError");
  ASSERT_EQ(bad.errors[1].extra.size(), 1u);
  EXPECT_EQ(bad.errors[1].extra[0].first, "rateName");
  EXPECT_EQ(bad.errors[1].extra[0].second, "RequestsPerMinute");

  Result<ResultsPage> failures = index->Read(true, 1, 10);
  ASSERT_TRUE(failures.ok());
  EXPECT_EQ(failures->total, 3);
  ASSERT_EQ(failures->rows.size(), 2u);
  EXPECT_EQ(failures->rows[0].index, 4);
  EXPECT_EQ(failures->rows[0].row, 4);
  EXPECT_EQ(failures->rows[0].errors.size(), 1u);
  EXPECT_EQ(failures->rows[1].index, 7);
  Result<ResultsPage> past = index->Read(true, 3, 10);
  ASSERT_TRUE(past.ok());
  EXPECT_TRUE(past->rows.empty());
}

TEST_F(ResultsIndexTest, WithoutTheUploadRowsLackOnlyItsFields) {
  WriteJob(4, /*with_upload=*/false);
  std::unique_ptr<ResultsIndex> index = Build();
  ASSERT_NE(index, nullptr);
  EXPECT_FALSE(index->upload_complete());
  Result<ResultsPage> page = index->Read(false, 0, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->rows.size(), 4u);
  EXPECT_EQ(page->rows[1].operation_type, "");
  EXPECT_EQ(page->rows[1].errors[0].reason, "KEYWORD_HAS_INVALID_CHARS");
}

TEST_F(ResultsIndexTest, AnIndexOfAnotherResultsLengthIsStale) {
  WriteJob(4);
  ASSERT_NE(Build(), nullptr);
  auto stale = ResultsIndex::Open(source_.index_path, source_.results_bytes + 1);
  EXPECT_EQ(stale.status().code(), StatusCode::kDataLoss);
  auto missing = ResultsIndex::Open(root_ + "/none.index", 1);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  // A truncated index is refused as well.
  std::filesystem::resize_file(source_.index_path,
                               std::filesystem::file_size(source_.index_path) - 1);
  EXPECT_EQ(ResultsIndex::Open(source_.index_path, source_.results_bytes).status().code(),
            StatusCode::kDataLoss);
}

TEST_F(ResultsIndexTest, AMalformedResultsDocumentLeavesNoIndex) {
  std::ofstream(source_.results_path) << "<mutateResponse><rval><index>0</index></rval><rval>";
  source_.results_bytes = std::filesystem::file_size(source_.results_path);
  Status s = BuildResultsIndex(source_, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
  EXPECT_FALSE(std::filesystem::exists(source_.index_path));
  EXPECT_FALSE(std::filesystem::exists(source_.index_path + ".tmp"));
  source_.results_bytes += 10;  // longer than the file
  EXPECT_EQ(BuildResultsIndex(source_, nullptr).code(), StatusCode::kDataLoss);
}

TEST_F(ResultsIndexTest, ACancelledBuildLeavesNoIndex) {
  WriteJob(100);
  BuildProgress progress;
  progress.cancel = true;
  EXPECT_FALSE(BuildResultsIndex(source_, &progress).ok());
  EXPECT_FALSE(std::filesystem::exists(source_.index_path));
}

long PeakRssKb() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// A million operations: one streaming pass, memory that does not grow with the job, and any page
// (the last one of the failures too) read in well under a millisecond each.
// Under the sanitizers (slower, and ASan's quarantine keeps freed memory resident) the job is a
// tenth of the size and the memory bound is not checked.
#if defined(__SANITIZE_ADDRESS__)
constexpr int64_t kOps = 100000;
constexpr bool kCheckRss = false;
#else
constexpr int64_t kOps = 1000000;
constexpr bool kCheckRss = true;
#endif

TEST_F(ResultsIndexTest, AMillionOperationJobStaysFast) {
  constexpr int64_t kLastFailure = (kOps - 1) - ((kOps - 1) % 3 + 2) % 3;  // largest i % 3 == 1
  static_assert(kOps != 1000000 || kLastFailure == 999997);
  WriteJob(kOps);
  const long rss_before = PeakRssKb();
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<ResultsIndex> index = Build();
  const auto t1 = std::chrono::steady_clock::now();
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->row_count(), kOps);
  EXPECT_EQ(index->failure_count(), kOps / 3);
  // The documents are ~150 MB; the build holds one result at a time.
  if (kCheckRss) EXPECT_LT(PeakRssKb() - rss_before, 32 * 1024) << "KB of peak RSS growth";
  std::printf("built the index of %lld results in %lld ms\n", static_cast<long long>(kOps),
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(t1 - t0).count()));
  const auto t2 = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    Result<ResultsPage> last = index->Read(true, index->failure_count() - 50, 50);
    ASSERT_TRUE(last.ok());
    ASSERT_EQ(last->rows.size(), 50u);
    EXPECT_EQ(last->rows.back().index, kLastFailure);
  }
  const auto t3 = std::chrono::steady_clock::now();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t3 - t2).count() / 20;
  std::printf("a page of 50 failures at the end: %lld us\n", static_cast<long long>(us));
  EXPECT_LT(us, 50000);
  Result<ResultsPage> middle = index->Read(false, kOps / 2, 2);
  ASSERT_TRUE(middle.ok());
  ASSERT_EQ(middle->rows.size(), 2u);
  EXPECT_EQ(middle->rows[0].index, kOps / 2);
  EXPECT_EQ(middle->rows[1].operation_type,
            (kOps / 2 + 1) % 3 == 1 ? "AdGroupCriterionOperation" : "BudgetOperation");
}

}  // namespace
}  // namespace bg::ui
