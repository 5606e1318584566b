#include "upload/upload_service.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/clock.hpp"

namespace bg::upload {
namespace {

constexpr std::string_view kBase = "http://gw.test";
constexpr std::string_view kCustomer = "1234567890";

std::string Header(const http::Response& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (http::HeaderNameEquals(h.name, name)) return h.value;
  }
  return "<absent>";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Deterministic, position-dependent bytes so that misplaced writes are visible.
std::string Bytes(size_t n, char seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + seed) % 26);
  return s;
}

class UploadServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/upload_service_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    store::StoreOptions o;
    o.data_dir = root_ + "/data";
    auto s = store::JobStore::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    service_ = std::make_unique<UploadService>(UploadOptions{std::string(kBase)}, store_.get(),
                                               nullptr, &signer_);
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

  std::string UploadTarget(int64_t job, int64_t expires) const {
    return signer_.UploadUrl("", kCustomer, job, expires);
  }
  std::string UploadTarget() const { return UploadTarget(job_, expires_); }

  // Sends one request through Route/OnBody/Finish, the body in pieces of `piece` bytes.
  http::Response Send(const std::string& method, const std::string& target,
                      std::vector<http::Header> headers, const std::string& body = "",
                      bool with_length = true, size_t piece = 10000) {
    http::RequestHead head;
    head.method = method;
    head.target = target;
    head.headers = std::move(headers);
    if (with_length) head.content_length = body.size();
    std::unique_ptr<http::Exchange> ex = service_->Route(head);
    EXPECT_NE(ex, nullptr);
    if (!ex) return {};
    for (size_t off = 0; off < body.size(); off += piece) {
      auto early = ex->OnBody(std::string_view(body).substr(off, piece));
      if (early) return *early;
    }
    return ex->Finish();
  }

  http::Response SendTo(UploadService& service, const std::string& method,
                        const std::string& target, std::vector<http::Header> headers,
                        const std::string& body = "") {
    http::RequestHead head;
    head.method = method;
    head.target = target;
    head.headers = std::move(headers);
    head.content_length = body.size();
    std::unique_ptr<http::Exchange> ex = service.Route(head);
    EXPECT_NE(ex, nullptr);
    if (!ex) return {};
    if (!body.empty()) {
      if (auto early = ex->OnBody(body)) return *early;
    }
    return ex->Finish();
  }
  std::string StartSessionWith(UploadService& service) {
    http::Response r = SendTo(service, "POST", UploadTarget(), {{"x-goog-resumable", "start"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return Header(r, "Location").substr(kBase.size());
  }

  // POST x-goog-resumable: start; returns the session target (path?query).
  std::string StartSession() {
    http::Response r = Send("POST", UploadTarget(),
                            {{"Content-Type", "application/xml"}, {"x-goog-resumable", "start"}});
    EXPECT_EQ(r.status, 201) << r.body;
    std::string location = Header(r, "Location");
    EXPECT_EQ(location.rfind(std::string(kBase), 0), 0u) << location;
    return location.substr(kBase.size());
  }

  http::Response Put(const std::string& session, const std::string& range,
                     const std::string& body) {
    return Send("PUT", session, {{"Content-Type", "application/xml"}, {"Content-Range", range}},
                body);
  }

  model::BatchJob Job() { return store_->GetJobInternal(job_).value(); }
  std::string UploadFile() { return ReadFile(store_->UploadPath(job_)); }

  std::string root_;
  UrlSigner signer_{"unit-test-key"};
  std::unique_ptr<store::JobStore> store_;
  std::unique_ptr<UploadService> service_;
  int64_t job_ = 0;
  int64_t expires_ = 0;
};

TEST_F(UploadServiceTest, IgnoresOtherPaths) {
  http::RequestHead head;
  head.method = "GET";
  head.target = "/api/adwords/cm/v201702/BatchJobService";
  EXPECT_EQ(service_->Route(head), nullptr);
  head.target = "/batchjob/results/1/2.xml?expires=1&sig=x";
  EXPECT_EQ(service_->Route(head), nullptr);
}

TEST_F(UploadServiceTest, StartReturnsASignedSessionUrl) {
  // Python urllib2 capitalizes header names: "X-goog-resumable".
  http::Response r = Send("POST", UploadTarget(), {{"X-goog-resumable", "start"}});
  ASSERT_EQ(r.status, 201);
  std::string location = Header(r, "Location");
  auto t = ParseSignedTarget(location.substr(kBase.size()));
  ASSERT_TRUE(t.has_value()) << location;
  EXPECT_TRUE(signer_.Verify(*t));
  EXPECT_EQ(t->job_id, job_);
  EXPECT_EQ(t->expires_unix, expires_);
  ASSERT_TRUE(t->upload_id.has_value());
  EXPECT_EQ(*t->upload_id, Job().upload_session);
  EXPECT_EQ(t->upload_id->size(), 32u);
  // A second start answers the same session.
  EXPECT_EQ(StartSession(), location.substr(kBase.size()));
}

TEST_F(UploadServiceTest, StartUsesTheHostHeaderWithoutAPublicBase) {
  UploadService by_host(UploadOptions{}, store_.get(), nullptr, &signer_);
  http::RequestHead head;
  head.method = "POST";
  head.target = UploadTarget();
  head.headers = {{"host", "127.0.0.1:8080"}, {"x-goog-resumable", "Start"}};
  head.content_length = 0;
  auto ex = by_host.Route(head);
  ASSERT_NE(ex, nullptr);
  http::Response r = ex->Finish();
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(Header(r, "Location").rfind("http://127.0.0.1:8080/batchjob/upload/1234567890/", 0),
            0u);
}

TEST_F(UploadServiceTest, StartRequiresTheResumableHeaderAndNoBody) {
  EXPECT_EQ(Send("POST", UploadTarget(), {}).status, 400);
  EXPECT_EQ(Send("PUT", UploadTarget(), {{"Content-Range", "bytes 0-1/2"}}, "ab").status, 400);
  EXPECT_EQ(Send("POST", UploadTarget(), {{"x-goog-resumable", "start"}}, "body").status, 400);
  EXPECT_EQ(Send("GET", UploadTarget(), {}).status, 405);
}

TEST_F(UploadServiceTest, ReferenceExampleThreeChunks) {
  const std::string session = StartSession();
  const std::string c1 = Bytes(262144, 1), c2 = Bytes(262144, 2), c3 = "</ns1:mutate>    ";
  ASSERT_EQ(c3.size(), 17u);

  http::Response r1 = Put(session, "bytes 0-262143/*", c1);
  EXPECT_EQ(r1.status, 308) << r1.body;
  EXPECT_EQ(r1.reason, "Resume Incomplete");
  EXPECT_EQ(Header(r1, "Range"), "bytes=0-262143");
  EXPECT_EQ(Header(r1, "Location"), "<absent>");
  EXPECT_EQ(Job().status, model::JobStatus::kAwaitingFile);

  // Ruby's later PUTs still carry x-goog-resumable: start; names arrive in any case.
  http::Response r2 =
      Send("PUT", session,
           {{"content-range", "bytes 262144-524287/*"}, {"x-goog-resumable", "start"}}, c2);
  EXPECT_EQ(r2.status, 308) << r2.body;
  EXPECT_EQ(Header(r2, "Range"), "bytes=0-524287");
  EXPECT_EQ(Header(r2, "Location"), "<absent>");

  http::Response r3 = Put(session, "bytes 524288-524304/524305", c3);
  EXPECT_EQ(r3.status, 200) << r3.body;
  EXPECT_NE(r3.body.find("\"size\":\"524305\""), std::string::npos) << r3.body;

  EXPECT_EQ(UploadFile(), c1 + c2 + c3);
  model::BatchJob job = Job();
  EXPECT_EQ(job.status, model::JobStatus::kActive);
  EXPECT_EQ(job.upload_stored_bytes, 524305);
  EXPECT_EQ(job.upload_total.value_or(-1), 524305);

  // Any later PUT (a resent final chunk, a query) answers "complete".
  EXPECT_EQ(Put(session, "bytes 524288-524304/524305", c3).status, 200);
  http::Response q = Put(session, "bytes */*", "");
  EXPECT_EQ(q.status, 200);
  EXPECT_NE(q.body.find("\"size\":\"524305\""), std::string::npos);
  EXPECT_EQ(UploadFile(), c1 + c2 + c3);
}

TEST_F(UploadServiceTest, ResentAndOverlappingChunksKeepStoredBytes) {
  const std::string session = StartSession();
  const std::string c1 = Bytes(262144, 1);
  ASSERT_EQ(Put(session, "bytes 0-262143/*", c1).status, 308);
  // Perl re-sends: accepted again, bytes already stored are not rewritten — not even by different
  // bytes: Cloud Storage ignores data at offsets it already holds (reference §1.6).
  http::Response again = Put(session, "bytes 0-262143/*", Bytes(262144, 9));
  EXPECT_EQ(again.status, 308);
  EXPECT_EQ(Header(again, "Range"), "bytes=0-262143");
  EXPECT_EQ(UploadFile(), c1);
  // Overlap: only the new tail is written.
  const std::string overlap = Bytes(1000, 5);
  http::Response o = Put(session, "bytes 261644-262643/262644", overlap);
  EXPECT_EQ(o.status, 200) << o.body;
  EXPECT_EQ(UploadFile(), c1 + overlap.substr(500));
  EXPECT_EQ(Job().status, model::JobStatus::kActive);
}

// Chunks of several MiB start their disk writes while the body is still arriving (in steps of
// 1 MiB, from where the chunk's new bytes begin): the bytes stored are exactly the body's, also
// when a chunk overlaps what is stored and its writes begin inside it.
TEST_F(UploadServiceTest, LargeChunksStoreExactlyTheirBytes) {
  const std::string session = StartSession();
  const std::string c1 = Bytes(3 * 1048576 + 12345, 1);
  http::Response r1 =
      Send("PUT", session, {{"Content-Range", "bytes 0-3158072/*"}}, c1, true, 65536);
  EXPECT_EQ(r1.status, 308) << r1.body;
  EXPECT_EQ(Header(r1, "Range"), "bytes=0-3158072");
  // Resent from 1 MiB on with 5 MiB more: only the bytes from 3158073 on are written.
  const std::string c2 = c1.substr(1048576) + Bytes(5 * 1048576, 4);
  const int64_t last = 1048576 + static_cast<int64_t>(c2.size()) - 1;
  const std::string range =
      "bytes 1048576-" + std::to_string(last) + "/" + std::to_string(last + 1);
  http::Response r2 = Send("PUT", session, {{"Content-Range", range}}, c2, true, 100000);
  EXPECT_EQ(r2.status, 200) << r2.body;
  EXPECT_EQ(UploadFile(), c1.substr(0, 1048576) + c2);
  EXPECT_EQ(Job().upload_stored_bytes, last + 1);
}

TEST_F(UploadServiceTest, GapIsRefusedWithoutStoring) {
  const std::string session = StartSession();
  ASSERT_EQ(Put(session, "bytes 0-262143/*", Bytes(262144, 1)).status, 308);
  http::Response gap = Put(session, "bytes 524288-524304/524305", Bytes(17, 3));
  EXPECT_EQ(gap.status, 400);
  EXPECT_EQ(Job().upload_stored_bytes, 262144);
  EXPECT_FALSE(Job().upload_total.has_value());
  EXPECT_EQ(UploadFile().size(), 262144u);
  EXPECT_EQ(Job().status, model::JobStatus::kAwaitingFile);
}

TEST_F(UploadServiceTest, BodyLengthMustMatchTheRange) {
  const std::string session = StartSession();
  // Declared Content-Length disagrees with the range: refused up front.
  EXPECT_EQ(Put(session, "bytes 0-9/*", "12345").status, 400);
  // Without Content-Length (chunked): a short body is refused at the end...
  http::Response shorter =
      Send("PUT", session, {{"Content-Range", "bytes 0-9/10"}}, "12345", /*with_length=*/false);
  EXPECT_EQ(shorter.status, 400);
  // ...and a long one as soon as it overflows.
  http::Response longer = Send("PUT", session, {{"Content-Range", "bytes 0-4/*"}}, "1234567890",
                               /*with_length=*/false, /*piece=*/3);
  EXPECT_EQ(longer.status, 400);
  EXPECT_EQ(Job().upload_stored_bytes, 0);
  EXPECT_EQ(Job().status, model::JobStatus::kAwaitingFile);
}

TEST_F(UploadServiceTest, MalformedRangeAndContradictingTotal) {
  const std::string session = StartSession();
  http::Response bad = Put(session, "bytes 5-1/*", "");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("Failed to parse Content-Range header."), std::string::npos);
  ASSERT_EQ(Put(session, "bytes 0-9/20", "0123456789").status, 308);
  EXPECT_EQ(Put(session, "bytes 10-19/21", "0123456789").status, 400);
  EXPECT_EQ(Put(session, "bytes 10-19/20", "abcdefghij").status, 200);
  EXPECT_EQ(UploadFile(), "0123456789abcdefghij");
}

TEST_F(UploadServiceTest, StatusQueries) {
  const std::string session = StartSession();
  http::Response empty = Put(session, "bytes */*", "");
  EXPECT_EQ(empty.status, 308);
  EXPECT_EQ(Header(empty, "Range"), "<absent>");  // nothing stored: no Range, as GCS

  ASSERT_EQ(Put(session, "bytes 0-262143/*", Bytes(262144, 1)).status, 308);
  http::Response q = Put(session, "bytes */*", "");
  EXPECT_EQ(q.status, 308);
  EXPECT_EQ(Header(q, "Range"), "bytes=0-262143");
  // .NET's resume query "bytes */0" must not finalise anything.
  http::Response net = Send("PUT", session, {{"Content-Range", "bytes */0"}}, "");
  EXPECT_EQ(net.status, 308);
  EXPECT_EQ(Header(net, "Range"), "bytes=0-262143");
  EXPECT_EQ(Job().status, model::JobStatus::kAwaitingFile);
  // "bytes */N" with N != stored is a plain query.
  EXPECT_EQ(Put(session, "bytes */262145", "").status, 308);
  EXPECT_EQ(Put(session, "bytes */100", "").status, 308);
  EXPECT_EQ(Job().status, model::JobStatus::kAwaitingFile);
  EXPECT_FALSE(Job().upload_total.has_value());
  // A query with a body is an error.
  http::Response with_body = Put(session, "bytes */*", "x");
  EXPECT_EQ(with_body.status, 400);
  EXPECT_NE(with_body.body.find("Client sent query request with a non-empty body."),
            std::string::npos);
  EXPECT_EQ(Job().upload_stored_bytes, 262144);
}

// Cloud Storage finalizes on "bytes */N" when exactly N bytes are held (reference §1.3).
TEST_F(UploadServiceTest, StatusQueryWithTheStoredSizeFinalizes) {
  const std::string session = StartSession();
  ASSERT_EQ(Put(session, "bytes 0-9/*", "0123456789").status, 308);
  http::Response fin = Put(session, "bytes */10", "");
  EXPECT_EQ(fin.status, 200) << fin.body;
  EXPECT_NE(fin.body.find("\"size\":\"10\""), std::string::npos) << fin.body;
  EXPECT_EQ(Job().status, model::JobStatus::kActive);
  EXPECT_EQ(Job().upload_total.value_or(-1), 10);
  // Complete: every query answers 200 with the size, "*/0" included.
  http::Response again = Send("PUT", session, {{"Content-Range", "bytes */0"}}, "");
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("\"size\":\"10\""), std::string::npos);
  EXPECT_EQ(UploadFile(), "0123456789");
}

TEST_F(UploadServiceTest, EmptyUploadIsNeverFinalizedByAQuery) {
  const std::string session = StartSession();
  for (const char* range : {"bytes */0", "bytes */*"}) {
    http::Response r = Send("PUT", session, {{"Content-Range", range}}, "");
    EXPECT_EQ(r.status, 308) << range;
    EXPECT_EQ(Header(r, "Range"), "<absent>") << range;
  }
  EXPECT_EQ(Job().status, model::JobStatus::kAwaitingFile);
  EXPECT_FALSE(Job().upload_total.has_value());
}

TEST_F(UploadServiceTest, StatusQueryContradictingTheDeclaredTotalIs400) {
  const std::string session = StartSession();
  ASSERT_EQ(Put(session, "bytes 0-9/20", "0123456789").status, 308);
  EXPECT_EQ(Put(session, "bytes */10", "").status, 400);
  EXPECT_EQ(Put(session, "bytes */21", "").status, 400);
  EXPECT_EQ(Job().status, model::JobStatus::kAwaitingFile);
  http::Response q = Put(session, "bytes */20", "");
  EXPECT_EQ(q.status, 308);
  EXPECT_EQ(Header(q, "Range"), "bytes=0-9");
}

TEST_F(UploadServiceTest, SingleRequestWithoutContentRange) {
  const std::string session = StartSession();
  const std::string doc = "<mutate/>";
  http::Response r = Send("PUT", session, {}, doc);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(UploadFile(), doc);
  EXPECT_EQ(Job().status, model::JobStatus::kActive);
}

TEST_F(UploadServiceTest, BadSignatureIs403WhetherOrNotTheJobExists) {
  std::string target = UploadTarget();
  std::string sig_hex = target.substr(target.find("sig=") + 4, 64);
  std::string forged = target;
  forged.replace(forged.find("sig=") + 4, 64, std::string(64, sig_hex[0] == 'a' ? 'b' : 'a'));
  http::Response r = Send("POST", forged, {{"x-goog-resumable", "start"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body.rfind("<?xml version='1.0' encoding='UTF-8'?><Error><Code>"
                         "SignatureDoesNotMatch</Code><Message>",
                         0),
            0u)
      << r.body;
  EXPECT_NE(r.body.find("</Message></Error>"), std::string::npos);
  EXPECT_NE(Header(r, "Content-Type").find("application/xml"), std::string::npos);

  std::string other_job = forged;
  other_job.replace(other_job.find(std::to_string(job_)), 10, "1999999999");
  http::Response r2 = Send("POST", other_job, {{"x-goog-resumable", "start"}});
  EXPECT_EQ(r2.status, 403);
  EXPECT_EQ(r2.body, r.body);
}

TEST_F(UploadServiceTest, UnknownExpiredAndForeignJobsLookTheSame) {
  http::Response unknown =
      Send("POST", UploadTarget(1999999999, expires_), {{"x-goog-resumable", "start"}});
  http::Response expired =
      Send("POST", UploadTarget(job_, NowMs() / 1000 - 1), {{"x-goog-resumable", "start"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(expired.status, 404);
  EXPECT_EQ(unknown.body, expired.body);
  // A URL signed for another customer number of an existing job.
  std::string foreign = signer_.UploadUrl("", "999", job_, expires_);
  http::Response f = Send("POST", foreign, {{"x-goog-resumable", "start"}});
  EXPECT_EQ(f.status, 404);
  EXPECT_EQ(f.body, unknown.body);
}

TEST_F(UploadServiceTest, WrongUploadIdIs404) {
  const std::string session = StartSession();
  const std::string id = Job().upload_session;
  std::string wrong = session;
  wrong.replace(wrong.find(id), id.size(), RandomHex(16));
  EXPECT_EQ(Put(wrong, "bytes 0-2/3", "abc").status, 404);
  // Before any start there is no session at all.
  auto jobs = store_->CreateJobs(std::string(kCustomer), "v201702", 1, NowMs());
  std::string fresh = signer_.SessionUrl("", kCustomer, (*jobs)[0].id, expires_, id);
  EXPECT_EQ(Put(fresh, "bytes 0-2/3", "abc").status, 404);
  EXPECT_EQ(Job().upload_stored_bytes, 0);
}

TEST_F(UploadServiceTest, ConcurrentChunksOfOneJobAreSerialized) {
  const std::string session = StartSession();
  http::RequestHead head;
  head.method = "PUT";
  head.target = session;
  head.headers = {{"Content-Range", "bytes 0-3/*"}};
  head.content_length = 4;
  auto first = service_->Route(head);
  ASSERT_NE(first, nullptr);
  EXPECT_FALSE(first->OnBody("ab").has_value());
  // While the first chunk is in flight, a second one for the same job is turned away (503).
  EXPECT_EQ(Send("PUT", session, {{"Content-Range", "bytes 0-3/*"}}, "abcd").status, 503);
  EXPECT_FALSE(first->OnBody("cd").has_value());
  EXPECT_EQ(first->Finish().status, 308);
  first.reset();
  EXPECT_EQ(Put(session, "bytes 4-5/6", "ef").status, 200);
  EXPECT_EQ(UploadFile(), "abcdef");
}

TEST_F(UploadServiceTest, CanceledJobRefusesFurtherChunks) {
  const std::string session = StartSession();
  ASSERT_EQ(Put(session, "bytes 0-3/*", "abcd").status, 308);
  ASSERT_TRUE(store_->RequestCancel(std::string(kCustomer), job_).ok());
  // CANCELING: the upload may still complete, the job stays CANCELING.
  ASSERT_EQ(Put(session, "bytes 4-5/*", "ef").status, 308);
  {
    sqlite::Txn txn(store_->db());
    ASSERT_TRUE(
        store_->FinishJob(txn, job_, model::JobStatus::kCanceled, {}, std::nullopt, NowMs()).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(Put(session, "bytes 6-7/8", "gh").status, 410);
  EXPECT_EQ(Job().status, model::JobStatus::kCanceled);
}

TEST_F(UploadServiceTest, IdenticalResendsAreIdempotent) {
  const std::string session = StartSession();
  const std::string c1 = Bytes(1000, 1);
  for (int i = 0; i < 3; ++i) {
    http::Response r = Put(session, "bytes 0-999/*", c1);
    EXPECT_EQ(r.status, 308);
    EXPECT_EQ(Header(r, "Range"), "bytes=0-999");
  }
  EXPECT_TRUE(UploadFile() == c1);
  EXPECT_EQ(Job().upload_stored_bytes, 1000);
}

// PHP sends "</ns1:mutate>" (13 bytes) and .NET "</mutate>" (9 bytes) as a separate, unpadded
// final request after padded chunks.
TEST_F(UploadServiceTest, SeparateUnpaddedFinalRequest) {
  for (const std::string end : {"</ns1:mutate>", "</mutate>"}) {
    auto jobs = store_->CreateJobs(std::string(kCustomer), "v201702", 1, NowMs());
    ASSERT_TRUE(jobs.ok());
    job_ = (*jobs)[0].id;
    const std::string session = StartSession();
    const std::string body = "<ns1:mutate>" + std::string(262144 - 12, ' ');
    ASSERT_EQ(Put(session, "bytes 0-262143/*", body).status, 308);
    const std::string range = "bytes 262144-" + std::to_string(262144 + end.size() - 1) + "/" +
                              std::to_string(262144 + end.size());
    http::Response r = Put(session, range, end);
    EXPECT_EQ(r.status, 200) << end << ": " << r.body;
    EXPECT_TRUE(UploadFile() == body + end) << end;
    EXPECT_EQ(Job().status, model::JobStatus::kActive);
  }
}

TEST_F(UploadServiceTest, ToleratesWhatRealClientsSend) {
  const std::string session = StartSession();
  // Java/Perl pad by characters: a non-final chunk that is no multiple of 262144.
  const std::string c1 = Bytes(262150, 1);
  http::Response r1 = Send("PUT", session, {{"CONTENT-RANGE", "bytes 0-262149/*"}}, c1);
  EXPECT_EQ(r1.status, 308) << r1.body;
  EXPECT_EQ(Header(r1, "Range"), "bytes=0-262149");
  // A small non-final chunk, sent with POST (Go style), carrying Ruby's stale start header.
  const std::string c2 = Bytes(100, 2);
  http::Response r2 = Send("POST", session,
                           {{"x-goog-resumable", "start"},
                            {"content-range", "bytes 262150-262249/*"},
                            {"Expect", "100-continue"}},
                           c2);
  EXPECT_EQ(r2.status, 308) << r2.body;
  EXPECT_EQ(Header(r2, "Range"), "bytes=0-262249");
  http::Response r3 =
      Send("POST", session, {{"Content-range", "bytes 262250-262252/262253"}}, "end");
  EXPECT_EQ(r3.status, 200) << r3.body;
  EXPECT_TRUE(UploadFile() == c1 + c2 + "end");
}

TEST_F(UploadServiceTest, DeleteCancelsTheSessionForGood) {
  const std::string session = StartSession();
  ASSERT_EQ(Put(session, "bytes 0-9/*", "0123456789").status, 308);
  http::Response del = Send("DELETE", session, {});
  EXPECT_EQ(del.status, 499);
  EXPECT_EQ(del.reason, "Client Closed Request");
  EXPECT_TRUE(del.body.empty());
  // The job waits for a file again; the canceled bytes are gone.
  model::BatchJob job = Job();
  EXPECT_EQ(job.status, model::JobStatus::kAwaitingFile);
  EXPECT_EQ(job.upload_stored_bytes, 0);
  EXPECT_FALSE(job.upload_total.has_value());
  EXPECT_EQ(UploadFile(), "");
  // The canceled session answers 499 to everything, for good.
  EXPECT_EQ(Put(session, "bytes 10-19/*", "abcdefghij").status, 499);
  EXPECT_EQ(Put(session, "bytes */*", "").status, 499);
  EXPECT_EQ(Send("DELETE", session, {}).status, 499);
  EXPECT_EQ(Job().upload_stored_bytes, 0);
  // A new start on the uploadUrl opens a fresh session; the old one stays canceled.
  const std::string fresh = StartSession();
  EXPECT_NE(fresh, session);
  EXPECT_EQ(Put(fresh, "bytes 0-2/3", "abc").status, 200);
  EXPECT_EQ(UploadFile(), "abc");
  EXPECT_EQ(Put(session, "bytes */*", "").status, 499);
  // Too late to cancel a complete upload: it answers "complete" and keeps the bytes.
  EXPECT_EQ(Send("DELETE", fresh, {}).status, 200);
  EXPECT_EQ(Job().status, model::JobStatus::kActive);
  EXPECT_EQ(UploadFile(), "abc");
}

TEST_F(UploadServiceTest, ExpiredSessionIs404) {
  const std::string session = StartSession();
  ASSERT_EQ(Put(session, "bytes 0-9/*", "0123456789").status, 308);
  // The same session id under a (validly signed) expired URL.
  const std::string expired =
      signer_.SessionUrl("", kCustomer, job_, NowMs() / 1000 - 1, Job().upload_session);
  EXPECT_EQ(Put(expired, "bytes */*", "").status, 404);
  EXPECT_EQ(Put(expired, "bytes 10-19/20", "abcdefghij").status, 404);
  // A job created 8 days ago: its session is dead even under a URL that claims a later expiry.
  auto old =
      store_->CreateJobs(std::string(kCustomer), "v201702", 1, NowMs() - 8LL * 24 * 3600 * 1000);
  ASSERT_TRUE(old.ok());
  http::Response r =
      Send("POST", UploadTarget((*old)[0].id, expires_), {{"x-goog-resumable", "start"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Job().upload_stored_bytes, 10);
}

TEST_F(UploadServiceTest, ErrorsAreJsonWhenTheRequestAsksForJson) {
  const std::string session = StartSession();
  http::Response xml = Put(session, "bytes 9-1/*", "");
  EXPECT_EQ(xml.status, 400);
  EXPECT_EQ(xml.body.rfind("<?xml", 0), 0u) << xml.body;
  EXPECT_NE(Header(xml, "Content-Type").find("application/xml"), std::string::npos);

  http::Response json =
      Send("PUT", session, {{"Content-Range", "bytes 9-1/*"}, {"accept", "application/json"}});
  EXPECT_EQ(json.status, 400);
  EXPECT_NE(Header(json, "Content-Type").find("application/json"), std::string::npos);
  EXPECT_EQ(json.body.rfind("{\"error\":{\"code\":400,\"message\":\"Failed to parse "
                            "Content-Range header.\",\"errors\":[{",
                            0),
            0u)
      << json.body;
  EXPECT_NE(json.body.find("\"reason\":\"invalidArgument\""), std::string::npos);

  // The JSON API's alt=json works too, and every error path honours the choice (here: 404).
  std::string unknown = UploadTarget(1999999999, expires_) + "&alt=json";
  http::Response missing = Send("POST", unknown, {{"x-goog-resumable", "start"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body.rfind("{\"error\":{\"code\":404,", 0), 0u) << missing.body;
  // XML listed first wins.
  http::Response prefer_xml =
      Send("PUT", session,
           {{"Content-Range", "bytes 9-1/*"}, {"Accept", "application/xml, application/json"}});
  EXPECT_EQ(prefer_xml.body.rfind("<?xml", 0), 0u);
}

TEST_F(UploadServiceTest, StrictModeEnforcesCloudStorageChunkRules) {
  UploadService strict(UploadOptions{std::string(kBase), /*strict=*/true}, store_.get(), nullptr,
                       &signer_);
  service_.reset();
  const std::string session = StartSessionWith(strict);
  // Lenient mode would take it; strict refuses a short non-final chunk with GCS's text.
  http::Response small =
      SendTo(strict, "PUT", session, {{"Content-Range", "bytes 0-999/*"}}, Bytes(1000, 1));
  EXPECT_EQ(small.status, 400);
  EXPECT_NE(small.body.find("required to be equal or greater than 262144"), std::string::npos)
      << small.body;
  EXPECT_NE(small.body.find("contained 1000 bytes"), std::string::npos);
  EXPECT_EQ(Job().upload_stored_bytes, 0);
  // A misaligned non-final chunk: only the aligned prefix is committed (the Range says so).
  const std::string c1 = Bytes(300000, 2);
  http::Response mis = SendTo(strict, "PUT", session, {{"Content-Range", "bytes 0-299999/*"}}, c1);
  EXPECT_EQ(mis.status, 308);
  EXPECT_EQ(Header(mis, "Range"), "bytes=0-262143");
  EXPECT_EQ(Job().upload_stored_bytes, 262144);
  EXPECT_TRUE(UploadFile() == c1.substr(0, 262144));
  // A gap answers 503, as Cloud Storage does.
  EXPECT_EQ(SendTo(strict, "PUT", session, {{"Content-Range", "bytes 300000-300009/300010"}},
                   Bytes(10, 3))
                .status,
            503);
  // The final chunk may be any size.
  const std::string tail = Bytes(100, 4);
  http::Response fin =
      SendTo(strict, "PUT", session, {{"Content-Range", "bytes 262144-262243/262244"}}, tail);
  EXPECT_EQ(fin.status, 200) << fin.body;
  EXPECT_TRUE(UploadFile() == c1.substr(0, 262144) + tail);
}

TEST_F(UploadServiceTest, LenientModeAcceptsShortChunksAndAnswersGapsWith400) {
  const std::string session = StartSession();
  http::Response small = Put(session, "bytes 0-999/*", Bytes(1000, 1));
  EXPECT_EQ(small.status, 308);
  EXPECT_EQ(Header(small, "Range"), "bytes=0-999");
  EXPECT_EQ(Put(session, "bytes 2000-2009/*", Bytes(10, 1)).status, 400);
}

class UploadQuotaTest : public UploadServiceTest {
 protected:
  void SetUp() override {
    UploadServiceTest::SetUp();
    service_.reset();
    store_.reset();
    store::StoreOptions o;
    o.data_dir = root_ + "/quota";
    o.upload_quota_bytes = 1000;
    store_ = store::JobStore::Open(o).value();
    service_ = std::make_unique<UploadService>(UploadOptions{std::string(kBase)}, store_.get(),
                                               nullptr, &signer_);
    auto jobs = store_->CreateJobs(std::string(kCustomer), "v201702", 2, NowMs());
    ASSERT_TRUE(jobs.ok());
    job_ = (*jobs)[0].id;
    other_ = (*jobs)[1].id;
  }
  int64_t other_ = 0;
};

TEST_F(UploadQuotaTest, AChunkPastTheQuotaIsRefusedWithoutStoring) {
  const std::string first = StartSession();
  ASSERT_EQ(Put(first, "bytes 0-599/*", Bytes(600, 1)).status, 308);
  std::swap(job_, other_);
  const std::string second = StartSession();
  http::Response over = Put(second, "bytes 0-599/*", Bytes(600, 2));
  EXPECT_EQ(over.status, 403);
  EXPECT_NE(over.body.find("<Code>QuotaExceeded</Code>"), std::string::npos) << over.body;
  EXPECT_EQ(Job().upload_stored_bytes, 0);
  EXPECT_EQ(UploadFile(), "");
  // What fits is taken: 400 more bytes reach the quota exactly.
  EXPECT_EQ(Put(second, "bytes 0-399/*", Bytes(400, 2)).status, 308);
  EXPECT_EQ(Put(second, "bytes 400-400/*", "x").status, 403);
  EXPECT_EQ(store_->QuotaBalanceBytes(std::string(kCustomer)).value(), 0);
  // Re-sending stored bytes needs no quota.
  EXPECT_EQ(Put(second, "bytes 0-399/*", Bytes(400, 2)).status, 308);
  // Once the first job has finished, its bytes no longer count.
  {
    sqlite::Txn txn(store_->db());
    ASSERT_TRUE(
        store_->FinishJob(txn, other_, model::JobStatus::kDone, {}, std::nullopt, NowMs()).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(Put(second, "bytes 400-999/1000", Bytes(600, 3)).status, 200);
}

TEST_F(UploadQuotaTest, OtherCustomersHaveTheirOwnQuota) {
  const std::string first = StartSession();
  ASSERT_EQ(Put(first, "bytes 0-999/*", Bytes(1000, 1)).status, 308);
  auto jobs = store_->CreateJobs("555", "v201702", 1, NowMs());
  ASSERT_TRUE(jobs.ok());
  http::Response start = Send("POST", signer_.UploadUrl("", "555", (*jobs)[0].id, expires_),
                              {{"x-goog-resumable", "start"}});
  ASSERT_EQ(start.status, 201);
  const std::string session = Header(start, "Location").substr(kBase.size());
  EXPECT_EQ(Put(session, "bytes 0-999/1000", Bytes(1000, 2)).status, 200);
}

}  // namespace
}  // namespace bg::upload
