// soap/response_memo: the key keeps every part apart, an entry is only found for its owner, its
// store version and before its end; and through SoapService, a repeated poll is answered from the
// memo but never with a state older than the last change, another customer's or another token's
// request never gets it, and a downloadUrl still leaves at the end of the results' retention.
#include "soap/response_memo.hpp"

#include <chrono>
#include <thread>

#include "common/clock.hpp"
#include "soap_test_util.hpp"

namespace bg::soap::testing {
namespace {

http::RequestHead MemoHead(const std::string& auth) {
  http::RequestHead head;
  head.method = "POST";
  head.target = "/api/adwords/cm/v201702/BatchJobService";
  head.headers.push_back({"Host", "gw"});
  head.headers.push_back({"Authorization", auth});
  return head;
}

TEST(ResponseMemoTest, KeyKeepsThePartsApart) {
  // The same bytes split differently between the Authorization header and the body.
  std::optional<std::string> a = ResponseMemo::Key(MemoHead("Bearer ab"), "c");
  std::optional<std::string> b = ResponseMemo::Key(MemoHead("Bearer a"), "bc");
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  http::RequestHead tls = MemoHead("Bearer ab");
  tls.secure = true;
  EXPECT_NE(*ResponseMemo::Key(tls, "c"), *a);
  EXPECT_EQ(*ResponseMemo::Key(MemoHead("Bearer ab"), "c"), *a);
  EXPECT_FALSE(
      ResponseMemo::Key(MemoHead("Bearer x"), std::string(ResponseMemo::kMaxKeyBytes + 1, 'x')));
}

TEST(ResponseMemoTest, FoundOnlyForItsOwnerVersionAndBeforeItsEnd) {
  const std::string key = *ResponseMemo::Key(MemoHead("Bearer t"), "<get/>");
  const store::StoreVersion v{7, 3};
  ResponseMemo::Keep(41, key, v, 1000, {"get", "<getResponse/>"});
  const uint64_t hits = ResponseMemo::hits();
  const ResponseMemo::Entry* e = ResponseMemo::Find(41, key, v, 999);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->method, "get");
  EXPECT_EQ(e->payload, "<getResponse/>");
  EXPECT_EQ(ResponseMemo::hits(), hits + 1);
  EXPECT_EQ(ResponseMemo::Find(42, key, v, 999), nullptr);        // another service
  EXPECT_EQ(ResponseMemo::Find(41, key, {7, 4}, 999), nullptr);   // a commit since
  EXPECT_EQ(ResponseMemo::Find(41, key, {8, 3}, 999), nullptr);   // another store
  EXPECT_EQ(ResponseMemo::Find(41, key, v, 1000), nullptr);       // its end
  EXPECT_EQ(ResponseMemo::Find(41, key + "x", v, 999), nullptr);  // another request
  ResponseMemo::Keep(41, key, v, 1000,
                     {"get", std::string(ResponseMemo::kMaxPayloadBytes + 1, 'x')});
  e = ResponseMemo::Find(41, key, v, 999);  // the large one was not kept; the old one stays
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->payload, "<getResponse/>");
  // Bounded: kMaxEntries other keys later the first is gone.
  for (size_t i = 0; i < ResponseMemo::kMaxEntries; ++i) {
    ResponseMemo::Keep(41, key + std::to_string(i), v, 1000, {"get", "<x/>"});
  }
  EXPECT_EQ(ResponseMemo::Find(41, key, v, 999), nullptr);
}

std::string PollOf(int64_t id) {
  return GetBody(
      "<fields>Id</fields><fields>Status</fields><fields>DownloadUrl</fields>"
      "<fields>ProgressStats</fields><predicates><field>Id</field><operator>EQUALS"
      "</operator><values>" +
      std::to_string(id) + "</values></predicates>");
}

pugi::xml_node Entry(const Reply& r) {
  return r.body.child("getResponse").child("rval").child("entries");
}

TEST_F(SoapServiceTest, RepeatedPollIsAnsweredFromTheMemoUntilTheJobChanges) {
  const int64_t id = AddJobs(1)[0];
  const std::string poll = PollOf(id);
  auto first = Call(poll);
  const uint64_t hits = ResponseMemo::hits();
  auto second = Call(poll);
  EXPECT_EQ(ResponseMemo::hits(), hits + 1);
  EXPECT_EQ(second->body.child("getResponse").child("rval").child("entries").child_value("status"),
            std::string("AWAITING_FILE"));
  // The same body, a ResponseHeader of its own.
  const std::string body1 = first->response.body, body2 = second->response.body;
  EXPECT_EQ(body1.substr(body1.find("<soap:Body>")), body2.substr(body2.find("<soap:Body>")));
  EXPECT_STRNE(first->header.child_value("requestId"), second->header.child_value("requestId"));
  EXPECT_STREQ(second->header.child_value("methodName"), "get");

  // Every change is seen by the next poll: the upload completes, get reports ACTIVE (and
  // remembers it), progress moves, the job is canceled.
  ASSERT_TRUE(store_->CommitUpload(id, 10, 10).ok());
  EXPECT_STREQ(Entry(*Call(poll)).child_value("status"), "ACTIVE");
  EXPECT_STREQ(Entry(*Call(poll)).child_value("status"), "ACTIVE");
  {
    sqlite::Txn txn(store_->db());
    store::Checkpoint cp;
    cp.progress.num_operations_executed = 4;
    ASSERT_TRUE(store_->SaveCheckpoint(txn, id, cp).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_STREQ(Entry(*Call(poll)).child("progressStats").child_value("numOperationsExecuted"), "4");
  ASSERT_EQ(Call(MutateBody(CancelOp(id)))->response.status, 200);
  EXPECT_STREQ(Entry(*Call(poll)).child_value("status"), "CANCELING");
}

TEST_F(SoapServiceTest, MemoNeverAnswersAnotherCustomerOrToken) {
  const int64_t id = AddJobs(1, kCustomerA)[0];
  const std::string poll = PollOf(id);
  Call(poll, kCustomerA);
  ASSERT_EQ(Entry(*Call(poll, kCustomerA)).child("id").text().as_llong(), id);
  // Customer B asking for A's job by id: no entry, as without the memo.
  auto b = Call(poll, kCustomerB);
  EXPECT_EQ(b->body.child("getResponse").child("rval").child("totalNumEntries").text().as_llong(),
            0);

  // Tokens mode: the same bytes under a token that may not act for A are refused every time.
  SoapOptions opts;
  opts.public_base_url = "http://gw.test";
  Result<AccessPolicy> policy = AccessPolicy::Tokens(
      {"DEVTOKEN"}, {"tok-a " + std::string(kCustomerA), "tok-b " + std::string(kCustomerB)});
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  opts.access = std::make_shared<const AccessPolicy>(std::move(policy).value());
  service_ = std::make_unique<SoapService>(opts, store_.get(), nullptr, &signer_);
  auto with_token = [&](const std::string& token) {
    http::RequestHead head = Head("/api/adwords/cm/v201702/BatchJobService", false);
    head.headers.push_back({"Authorization", "Bearer " + token});
    return Send(head, AxisEnvelope(poll, kCustomerA));
  };
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(Entry(*with_token("tok-a")).child("id").text().as_llong(), id);
    EXPECT_NE(with_token("tok-b")->FaultString().find("AuthorizationError.USER_PERMISSION_DENIED"),
              std::string::npos);
  }
}

TEST_F(SoapServiceTest, MemoEndsWhenTheResultsRetentionEnds) {
  // A store whose results are kept for a moment only: the downloadUrl must go with them, also
  // from a response that was kept.
  store::StoreOptions so;
  so.data_dir = dir_ + "/short";
  so.results_ttl_ms = 300;
  auto opened = store::JobStore::Open(so);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<store::JobStore> store = std::move(opened).value();
  SoapOptions opts;
  opts.public_base_url = "http://gw.test";
  service_ = std::make_unique<SoapService>(opts, store.get(), nullptr, &signer_);
  const int64_t id = AddJobs(1)[0];
  ASSERT_TRUE(store->CommitUpload(id, 10, 10).ok());
  ASSERT_TRUE(store->MarkActiveReported(id).ok());
  {
    sqlite::Txn txn(store->db());
    ASSERT_TRUE(store->FinishJob(txn, id, model::JobStatus::kDone, {}, std::nullopt, NowMs()).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  const std::string poll = PollOf(id);
  const int64_t expires_ms = store->GetJob(kCustomerA, id)->results_expires_ms;
  bool had_url = false;
  bool url_left = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    const int64_t before_ms = NowMs();
    const bool has_url = static_cast<bool>(Entry(*Call(poll)).child("downloadUrl"));
    if (has_url) {
      EXPECT_LT(before_ms, expires_ms);  // never shown past the end
      had_url = true;
    } else if (before_ms >= expires_ms) {
      url_left = true;
      break;
    }
    std::this_thread::yield();
  }
  EXPECT_TRUE(had_url || NowMs() >= expires_ms);
  EXPECT_TRUE(url_left);
  service_.reset();
}

}  // namespace
}  // namespace bg::soap::testing
