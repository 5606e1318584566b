#include "common/signed_url.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bg {
namespace {

std::string MakeTempDir() {
  std::string tmpl = ::testing::TempDir() + "/signed_url_test_XXXXXX";
  EXPECT_NE(mkdtemp(tmpl.data()), nullptr);
  return tmpl;
}

// The path+query part of an absolute URL built with base "http://h:1".
std::string TargetOf(const std::string& url) {
  const std::string base = "http://h:1";
  EXPECT_EQ(url.substr(0, base.size()), base);
  return url.substr(base.size());
}

TEST(RandomHexTest, LengthAlphabetAndUniqueness) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string h = RandomHex(16);
    ASSERT_EQ(h.size(), 32u);
    EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(h);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(RandomHex(0), "");
}

TEST(ConstantTimeEqualsTest, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_FALSE(ConstantTimeEquals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

TEST(UrlSignerTest, SignatureIsDeterministicHexAndCoversEveryField) {
  UrlSigner s("k1");
  std::string sig = s.Sign(UrlPurpose::kUpload, "123", 1000000001, 1700000000);
  EXPECT_EQ(sig.size(), 64u);
  EXPECT_EQ(sig, s.Sign(UrlPurpose::kUpload, "123", 1000000001, 1700000000));
  EXPECT_NE(sig, s.Sign(UrlPurpose::kDownload, "123", 1000000001, 1700000000));
  EXPECT_NE(sig, s.Sign(UrlPurpose::kUpload, "124", 1000000001, 1700000000));
  EXPECT_NE(sig, s.Sign(UrlPurpose::kUpload, "123", 1000000002, 1700000000));
  EXPECT_NE(sig, s.Sign(UrlPurpose::kUpload, "123", 1000000001, 1700000001));
  EXPECT_NE(sig, UrlSigner("k2").Sign(UrlPurpose::kUpload, "123", 1000000001, 1700000000));
  // Field separators prevent "12|3" / "1|23" style collisions.
  EXPECT_NE(s.Sign(UrlPurpose::kUpload, "1", 23, 5), s.Sign(UrlPurpose::kUpload, "12", 3, 5));
}

TEST(UrlSignerTest, UploadUrlRoundTrip) {
  UrlSigner s("secret");
  std::string url = s.UploadUrl("http://h:1/", "1234567890", 1000000007, 1800000000);
  EXPECT_EQ(
      url.rfind("http://h:1/batchjob/upload/1234567890/1000000007?expires=1800000000&sig=", 0), 0u)
      << url;
  auto t = ParseSignedTarget(TargetOf(url));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->purpose, UrlPurpose::kUpload);
  EXPECT_EQ(t->customer_id, "1234567890");
  EXPECT_EQ(t->job_id, 1000000007);
  EXPECT_EQ(t->expires_unix, 1800000000);
  EXPECT_FALSE(t->upload_id.has_value());
  EXPECT_TRUE(s.Verify(*t));
  EXPECT_FALSE(UrlSigner("other").Verify(*t));
}

TEST(UrlSignerTest, SessionAndDownloadUrlsRoundTrip) {
  UrlSigner s("secret");
  std::string id = RandomHex(16);
  std::string session = s.SessionUrl("http://h:1", "42", 1000000001, 1800000000, id);
  EXPECT_EQ(session, s.UploadUrl("http://h:1", "42", 1000000001, 1800000000) + "&upload_id=" + id);
  auto t = ParseSignedTarget(TargetOf(session));
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE(t->upload_id.has_value());
  EXPECT_EQ(*t->upload_id, id);
  EXPECT_TRUE(s.Verify(*t));

  std::string dl = s.DownloadUrl("http://h:1", "42", 1000000001, 1800000000);
  EXPECT_NE(dl.find("/batchjob/results/42/1000000001.xml?expires=1800000000&sig="),
            std::string::npos);
  auto d = ParseSignedTarget(TargetOf(dl));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->purpose, UrlPurpose::kDownload);
  EXPECT_EQ(d->job_id, 1000000001);
  EXPECT_TRUE(s.Verify(*d));
}

TEST(UrlSignerTest, TamperedUrlsFailVerification) {
  UrlSigner s("secret");
  std::string target = TargetOf(s.UploadUrl("http://h:1", "42", 1000000001, 1800000000));
  auto t = ParseSignedTarget(target);
  ASSERT_TRUE(t.has_value());

  SignedTarget other_job = *t;
  other_job.job_id += 1;
  EXPECT_FALSE(s.Verify(other_job));
  SignedTarget other_customer = *t;
  other_customer.customer_id = "43";
  EXPECT_FALSE(s.Verify(other_customer));
  SignedTarget later = *t;
  later.expires_unix += 1;
  EXPECT_FALSE(s.Verify(later));
  SignedTarget as_download = *t;
  as_download.purpose = UrlPurpose::kDownload;
  EXPECT_FALSE(s.Verify(as_download));
  SignedTarget flipped = *t;
  flipped.signature[10] = flipped.signature[10] == '0' ? '1' : '0';
  EXPECT_FALSE(s.Verify(flipped));
  SignedTarget truncated = *t;
  truncated.signature.pop_back();
  EXPECT_FALSE(s.Verify(truncated));

  // Editing the URL text itself.
  std::string edited = target;
  edited.replace(edited.find("/42/"), 4, "/41/");
  auto e = ParseSignedTarget(edited);
  ASSERT_TRUE(e.has_value());
  EXPECT_FALSE(s.Verify(*e));
}

TEST(ParseSignedTargetTest, AcceptsParametersInAnyOrder) {
  std::string sig(64, 'a');
  auto t = ParseSignedTarget("/batchjob/upload/7/1000000001?upload_id=ab12&sig=" + sig +
                             "&expires=99&extra=ignored");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->signature, sig);
  EXPECT_EQ(t->expires_unix, 99);
  EXPECT_EQ(t->upload_id.value_or(""), "ab12");
}

TEST(ParseSignedTargetTest, RejectsMalformedTargets) {
  const std::string sig(64, 'a');
  const std::string q = "?expires=99&sig=" + sig;
  const std::vector<std::string> bad = {
      "",
      "/batchjob/upload/7/1000000001",                // no query
      "/batchjob/upload/7/1000000001?expires=99",     // no sig
      "/batchjob/upload/7/1000000001?sig=" + sig,     // no expires
      "/batchjob/upload/7" + q,                       // no job
      "/batchjob/upload//1000000001" + q,             // empty customer
      "/batchjob/upload/7-1/1000000001" + q,          // non-digit customer
      "/batchjob/upload/7/10000x0001" + q,            // non-digit job
      "/batchjob/upload/7/-1" + q,                    // negative job
      "/batchjob/upload/7/99999999999999999999" + q,  // overflow
      "/batchjob/upload/7/1000000001/extra" + q,      // extra segment
      "/batchjob/upload/7/1000000001?expires=x&sig=" + sig,
      "/batchjob/upload/7/1000000001?expires=99&sig=" + std::string(64, 'A'),  // upper hex
      "/batchjob/upload/7/1000000001?expires=99&sig=abc",                      // short sig
      "/batchjob/upload/7/1000000001" + q + "&expires=98",                     // duplicate
      "/batchjob/upload/7/1000000001" + q + "&upload_id=zz",                   // bad upload id
      "/batchjob/results/7/1000000001" + q,                        // download without .xml
      "/batchjob/results/7/1000000001.xml" + q + "&upload_id=ab",  // download with session
      "/other/7/1000000001" + q,
  };
  for (const std::string& target : bad) {
    EXPECT_FALSE(ParseSignedTarget(target).has_value()) << target;
  }
}

TEST(UrlSignerTest, LoadOrCreatePersistsAPrivateKey) {
  std::string dir = MakeTempDir() + "/data";  // created on demand
  auto a = UrlSigner::LoadOrCreate(dir);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  struct stat st {};
  ASSERT_EQ(stat((dir + "/signing.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(st.st_size, 32);

  auto b = UrlSigner::LoadOrCreate(dir);
  ASSERT_TRUE(b.ok());
  std::string sig = a->Sign(UrlPurpose::kUpload, "1", 2, 3);
  EXPECT_EQ(sig, b->Sign(UrlPurpose::kUpload, "1", 2, 3));

  auto c = UrlSigner::LoadOrCreate(MakeTempDir());
  ASSERT_TRUE(c.ok());
  EXPECT_NE(sig, c->Sign(UrlPurpose::kUpload, "1", 2, 3));
  std::filesystem::remove_all(std::filesystem::path(dir).parent_path());
}

TEST(UrlSignerTest, LoadOrCreateRefusesATruncatedKey) {
  std::string dir = MakeTempDir();
  { std::ofstream(dir + "/signing.key") << "short"; }
  EXPECT_FALSE(UrlSigner::LoadOrCreate(dir).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace bg

namespace bg {
namespace {

TEST(UniqueHexTest, HexOfTheAskedLengthAndNoRepeatsAcrossThreads) {
  std::vector<std::string> ids;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::vector<std::string> mine;
      for (int i = 0; i < 5000; ++i) mine.push_back(UniqueHex(16));
      std::lock_guard<std::mutex> lock(mu);
      ids.insert(ids.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& id : ids) {
    ASSERT_EQ(id.size(), 32u);
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
  EXPECT_EQ(UniqueHex(3).size(), 6u);  // lengths that are not a multiple of 8
}

}  // namespace
}  // namespace bg
