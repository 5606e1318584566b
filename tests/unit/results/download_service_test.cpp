#include "results/download_service.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/clock.hpp"

namespace bg::results {
namespace {

constexpr std::string_view kCustomer = "1234567890";
const std::string kResults = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><mutateResponse/>";

std::string Header(const http::Response& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (http::HeaderNameEquals(h.name, name)) return h.value;
  }
  return "<absent>";
}

class DownloadServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/download_service_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    store::StoreOptions o;
    o.data_dir = root_ + "/data";
    auto s = store::JobStore::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    service_ = std::make_unique<DownloadService>(store_.get(), &signer_);
    auto jobs = store_->CreateJobs(std::string(kCustomer), "v201702", 1, NowMs());
    ASSERT_TRUE(jobs.ok());
    job_ = (*jobs)[0].id;
    expires_ = NowMs() / 1000 + 3600;
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(root_);
  }

  void Finish(model::JobStatus status, const std::string& content) {
    std::ofstream(store_->ResultsPath(job_), std::ios::binary) << content;
    store::Checkpoint cp;
    cp.results_bytes = static_cast<int64_t>(content.size());
    sqlite::Txn txn(store_->db());
    ASSERT_TRUE(store_->FinishJob(txn, job_, status, cp, std::nullopt, NowMs()).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }

  http::Response Get(const std::string& target, std::string method = "GET",
                     std::vector<http::Header> headers = {}) {
    http::RequestHead head;
    head.method = std::move(method);
    head.target = target;
    head.headers = std::move(headers);
    auto ex = service_->Route(head);
    EXPECT_NE(ex, nullptr);
    return ex ? ex->Finish() : http::Response{};
  }
  std::string Target() const { return signer_.DownloadUrl("", kCustomer, job_, expires_); }

  std::string root_;
  UrlSigner signer_{"unit-test-key"};
  std::unique_ptr<store::JobStore> store_;
  std::unique_ptr<DownloadService> service_;
  int64_t job_ = 0;
  int64_t expires_ = 0;
};

TEST_F(DownloadServiceTest, IgnoresOtherPaths) {
  http::RequestHead head;
  head.method = "GET";
  head.target = "/batchjob/upload/1/2?expires=1&sig=x";
  EXPECT_EQ(service_->Route(head), nullptr);
}

TEST_F(DownloadServiceTest, StreamsTheResultsFileOfADoneJob) {
  Finish(model::JobStatus::kDone, kResults + "trailing-bytes-not-committed");
  // results_bytes is what the checkpoint says; the file may hold more (uncommitted) bytes.
  {
    store::Checkpoint cp;
    cp.results_bytes = static_cast<int64_t>(kResults.size());
    sqlite::Txn txn(store_->db());
    ASSERT_TRUE(
        store_->FinishJob(txn, job_, model::JobStatus::kDone, cp, std::nullopt, NowMs()).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  http::Response r = Get(Target());
  EXPECT_EQ(r.status, 200);
  ASSERT_TRUE(r.file.has_value());
  EXPECT_EQ(r.file->path, store_->ResultsPath(job_));
  EXPECT_EQ(r.file->offset, 0u);
  EXPECT_EQ(r.file->length, kResults.size());
  EXPECT_EQ(Header(r, "Content-Type"), "application/xml");
  EXPECT_EQ(Header(r, "Content-Encoding"), "<absent>");
  EXPECT_FALSE(r.head_only);

  http::Response h = Get(Target(), "HEAD");
  EXPECT_EQ(h.status, 200);
  EXPECT_TRUE(h.head_only);
  ASSERT_TRUE(h.file.has_value());
  EXPECT_EQ(h.file->length, kResults.size());
}

TEST_F(DownloadServiceTest, CanceledJobsAreDownloadableToo) {
  Finish(model::JobStatus::kCanceled, kResults);
  EXPECT_EQ(Get(Target()).status, 200);
}

TEST_F(DownloadServiceTest, RangeRequests) {
  Finish(model::JobStatus::kDone, kResults);
  const uint64_t n = kResults.size();
  http::Response r = Get(Target(), "GET", {{"Range", "bytes=5-9"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(Header(r, "Content-Range"), "bytes 5-9/" + std::to_string(n));
  ASSERT_TRUE(r.file.has_value());
  EXPECT_EQ(r.file->offset, 5u);
  EXPECT_EQ(r.file->length, 5u);

  r = Get(Target(), "GET", {{"Range", "bytes=-4"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.file->offset, n - 4);
  r = Get(Target(), "GET", {{"Range", "bytes=10-"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.file->length, n - 10);

  r = Get(Target(), "GET", {{"Range", "bytes=" + std::to_string(n) + "-"}});
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(Header(r, "Content-Range"), "bytes */" + std::to_string(n));
  // Unsupported forms are ignored: the whole file.
  EXPECT_EQ(Get(Target(), "GET", {{"Range", "bytes=0-1,3-4"}}).status, 200);
}

TEST_F(DownloadServiceTest, NotFinishedIs404) {
  EXPECT_EQ(Get(Target()).status, 404);
  ASSERT_TRUE(store_->CommitUpload(job_, 5, 5).ok());  // ACTIVE
  EXPECT_EQ(Get(Target()).status, 404);
}

TEST_F(DownloadServiceTest, SignatureExpiryAndIsolation) {
  Finish(model::JobStatus::kDone, kResults);
  std::string forged = Target();
  size_t at = forged.find("sig=") + 4;
  forged[at] = forged[at] == '0' ? '1' : '0';
  http::Response bad = Get(forged);
  EXPECT_EQ(bad.status, 403);
  EXPECT_NE(bad.body.find("<Code>SignatureDoesNotMatch</Code>"), std::string::npos);

  http::Response expired = Get(signer_.DownloadUrl("", kCustomer, job_, NowMs() / 1000 - 1));
  http::Response unknown = Get(signer_.DownloadUrl("", kCustomer, 1999999999, expires_));
  http::Response foreign = Get(signer_.DownloadUrl("", "42", job_, expires_));
  EXPECT_EQ(expired.status, 404);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(expired.body, unknown.body);
  EXPECT_EQ(foreign.body, unknown.body);
  // A download path carrying an upload signature does not verify.
  std::string upload = signer_.UploadUrl("", kCustomer, job_, expires_);
  std::string swapped = Target();
  swapped.replace(swapped.find("sig=") + 4, 64, upload.substr(upload.find("sig=") + 4, 64));
  EXPECT_EQ(Get(swapped).status, 403);
}

TEST_F(DownloadServiceTest, OtherMethodsAre405) {
  Finish(model::JobStatus::kDone, kResults);
  http::RequestHead head;
  head.method = "PUT";
  head.target = Target();
  auto ex = service_->Route(head);
  ASSERT_NE(ex, nullptr);
  EXPECT_EQ(ex->Finish().status, 405);
}

TEST_F(DownloadServiceTest, StrongETagAndConditionalGet) {
  Finish(model::JobStatus::kDone, kResults);
  http::Response r = Get(Target());
  ASSERT_EQ(r.status, 200);
  const std::string etag = Header(r, "ETag");
  ASSERT_NE(etag, "<absent>");
  EXPECT_EQ(etag.front(), '"');  // strong: no W/ prefix
  EXPECT_EQ(etag.back(), '"');
  EXPECT_NE(etag.find(std::to_string(job_)), std::string::npos);
  EXPECT_NE(etag.find(std::to_string(kResults.size())), std::string::npos);
  EXPECT_EQ(Header(Get(Target(), "HEAD"), "ETag"), etag);  // stable
  EXPECT_EQ(Header(Get(Target(), "GET", {{"Range", "bytes=0-3"}}), "ETag"), etag);

  http::Response nm = Get(Target(), "GET", {{"If-None-Match", "\"other\", " + etag}});
  EXPECT_EQ(nm.status, 304);
  EXPECT_FALSE(nm.file.has_value());
  EXPECT_EQ(Header(nm, "ETag"), etag);
  EXPECT_EQ(Get(Target(), "GET", {{"If-None-Match", "\"other\""}}).status, 200);
}

// Legacy PHP sends Accept-Encoding: gzip by hand and cannot decode it: always identity.
TEST_F(DownloadServiceTest, IdentityEncodingEvenWhenGzipIsAccepted) {
  Finish(model::JobStatus::kDone, kResults);
  http::Response r = Get(Target(), "GET", {{"Accept-Encoding", "gzip, deflate"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Header(r, "Content-Encoding"), "<absent>");
  EXPECT_EQ(Header(r, "x-goog-stored-content-encoding"), "identity");
  EXPECT_EQ(Header(r, "x-goog-stored-content-length"), std::to_string(kResults.size()));
  EXPECT_EQ(Header(r, "Content-Type"), "application/xml");
  ASSERT_TRUE(r.file.has_value());
  EXPECT_EQ(r.file->length, kResults.size());
}

// Past results retention the download is gone even under a URL that is still valid.
TEST_F(DownloadServiceTest, ExpiredResultsAre404) {
  std::ofstream(store_->ResultsPath(job_), std::ios::binary) << kResults;
  store::Checkpoint cp;
  cp.results_bytes = static_cast<int64_t>(kResults.size());
  {
    sqlite::Txn txn(store_->db());
    const int64_t long_ago = NowMs() - 31LL * 24 * 3600 * 1000;
    ASSERT_TRUE(
        store_->FinishJob(txn, job_, model::JobStatus::kDone, cp, std::nullopt, long_ago).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  http::Response r = Get(Target());
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, Get(signer_.DownloadUrl("", kCustomer, 1999999999, expires_)).body);
  // After the sweep the file is gone too; the answer does not change.
  ASSERT_TRUE(store_->SweepExpired(NowMs()).ok());
  EXPECT_FALSE(std::filesystem::exists(store_->ResultsPath(job_)));
  EXPECT_EQ(Get(Target()).status, 404);
}

TEST_F(DownloadServiceTest, WrongSignatureLooksTheSameForUnknownJobs) {
  Finish(model::JobStatus::kDone, kResults);
  auto forge = [](std::string target) {
    size_t at = target.find("sig=") + 4;
    target.replace(at, 64, std::string(64, target[at] == 'a' ? 'b' : 'a'));
    return target;
  };
  http::Response known = Get(forge(Target()));
  http::Response unknown = Get(forge(signer_.DownloadUrl("", kCustomer, 1999999999, expires_)));
  EXPECT_EQ(known.status, 403);
  EXPECT_EQ(unknown.status, 403);
  EXPECT_EQ(known.body, unknown.body);
}

TEST_F(DownloadServiceTest, JsonErrorsWhenAsked) {
  http::Response r = Get(Target(), "GET", {{"Accept", "application/json"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.rfind("{\"error\":{\"code\":404,", 0), 0u) << r.body;
  EXPECT_NE(r.body.find("\"reason\":\"noSuchKey\""), std::string::npos) << r.body;
}

}  // namespace
}  // namespace bg::results
