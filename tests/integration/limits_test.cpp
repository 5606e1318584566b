// Limits and hostile input against the real server binary (issue 4): billion-laughs and
// external-entity uploads end as FILE_FORMAT_ERROR quickly with the server's memory flat; the
// upload limits (upload.max_chunk_bytes, upload.max_concurrent_per_customer) and the slowloris
// read timeout are set through BATCHGATE_* environment variables, i.e. the real config layer.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>

#include "integration/adwords_client.hpp"
#include "integration/dialects.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace bg::testing {
namespace {

constexpr char kNs[] = "https://adwords.google.com/api/adwords/cm/v201702";

// Peak resident set of a process in KB (VmHWM), -1 when unreadable.
long PeakRssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

std::string BillionLaughs() {
  std::string dtd = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">";
  for (int i = 1; i <= 9; ++i) {
    std::string prev = i == 1 ? "lol" : "lol" + std::to_string(i - 1);
    dtd += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j) dtd += "&" + prev + ";";
    dtd += "\">";
  }
  return dtd + "]>";
}

std::string BudgetDoc(const std::string& prolog, const std::string& name) {
  return prolog + "<mutate xmlns=\"" + kNs +
         "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><operations "
         "xsi:type=\"BudgetOperation\"><operator>ADD</operator><operand><budgetId>-1</budgetId>"
         "<name>" +
         name +
         "</name><amount><microAmount>1000000</microAmount></amount></operand></operations>"
         "</mutate>";
}

class LimitsTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::pair<std::string, std::string>> env = {}) {
    ServerProcessOptions o;
    o.data_dir = dir_.Join("data");
    o.env = std::move(env);
    server_ = std::make_unique<ServerProcess>(o);
    ASSERT_TRUE(server_->Start());
  }
  const std::string& base() const { return server_->base_url(); }

  // POST x-goog-resumable: start on a new job of `customer`; returns the session URL.
  std::string NewSession(const std::string& customer) {
    Credentials creds;
    creds.customer_id = customer;
    JobView job = AdWordsClient(base(), creds).Create();
    EXPECT_TRUE(job.fault.empty()) << job.fault;
    HttpResponse r = Fetch("POST", job.upload_url, {{"x-goog-resumable", "start"}});
    EXPECT_EQ(r.status, 201) << r.error << r.body;
    return r.Header("Location");
  }

  // Uploads `doc` as a new job and waits for its end; `took` is upload-to-terminal time.
  JobView RunDocument(const std::string& doc, std::chrono::steady_clock::duration* took) {
    AdWordsClient client(base(), Credentials{});
    JobView job = client.Create();
    EXPECT_TRUE(job.fault.empty()) << job.fault;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(Upload(job.upload_url, DialectRequests(Dialect::kPython, doc)), "");
    JobView end = client.WaitTerminal(job.id, std::chrono::seconds(60));
    *took = std::chrono::steady_clock::now() - start;
    return end;
  }

  TempDir dir_{"bg_limits_"};
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(LimitsTest, EntityAttacksInUploadsAreFileFormatErrorsFastWithFlatMemory) {
  Start();
  const struct {
    const char* name;
    std::string doc;
  } cases[] = {
      {"billion laughs", BudgetDoc(BillionLaughs(), "&lol9;")},
      {"external entity",
       BudgetDoc(
           "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>",
           "&xxe;")},
      {"external DTD",
       BudgetDoc("<?xml version=\"1.0\"?><!DOCTYPE m SYSTEM \"http://127.0.0.1:1/evil.dtd\">",
                 "n")},
  };
  const long rss_before = PeakRssKb(server_->pid());
  ASSERT_GT(rss_before, 0);
  for (const auto& c : cases) {
    std::chrono::steady_clock::duration took{};
    JobView end = RunDocument(c.doc, &took);
    EXPECT_EQ(end.status, "CANCELED") << c.name << " " << end.fault;
    EXPECT_EQ(end.processing_reason, "FILE_FORMAT_ERROR") << c.name;
    EXPECT_EQ(end.executed, 0) << c.name;
    EXPECT_NE(end.processing_trigger.find("DOCTYPE"), std::string::npos)
        << c.name << ": " << end.processing_trigger;
    EXPECT_EQ(end.processing_trigger.find("root:"), std::string::npos) << c.name;
    // Polling granularity included; an expansion of ~3 GB would take far longer.
    EXPECT_LT(took, std::chrono::seconds(10)) << c.name;
  }
  EXPECT_LT(PeakRssKb(server_->pid()) - rss_before, 64 * 1024) << "server peak RSS grew (KB)";
  // Still serving.
  EXPECT_EQ(AdWordsClient(base(), Credentials{}).Create().status, "AWAITING_FILE");
}

TEST_F(LimitsTest, ChunkLargerThanMaxChunkBytesIs413BeforeItsBodyIsRead) {
  Start({{"BATCHGATE_UPLOAD_MAX_CHUNK_BYTES", "4096"}});
  const std::string session = NewSession("123-456-7890");
  ASSERT_FALSE(session.empty());
  HttpResponse big =
      Fetch("PUT", session, {{"Content-Range", "bytes 0-4096/*"}}, std::string(4097, ' '));
  EXPECT_EQ(big.status, 413) << big.error << big.body;
  EXPECT_NE(big.body.find("<Code>EntityTooLarge</Code>"), std::string::npos) << big.body;
  // Nothing was stored; a chunk at the limit is fine.
  HttpResponse query = Fetch("PUT", session, {{"Content-Range", "bytes */*"}});
  EXPECT_EQ(query.status, 308) << query.error;
  EXPECT_FALSE(query.HasHeader("Range"));
  HttpResponse ok =
      Fetch("PUT", session, {{"Content-Range", "bytes 0-4095/*"}}, std::string(4096, ' '));
  EXPECT_EQ(ok.status, 308) << ok.error << ok.body;
  EXPECT_EQ(ok.Header("Range"), "bytes=0-4095");
}

TEST_F(LimitsTest, ConcurrentUploadsPerCustomerAreCappedWith503) {
  Start({{"BATCHGATE_UPLOAD_MAX_CONCURRENT_PER_CUSTOMER", "1"}});
  const std::string a1 = NewSession("111-111-1111");
  const std::string a2 = NewSession("111-111-1111");
  const std::string b1 = NewSession("222-222-2222");
  ASSERT_FALSE(a1.empty());
  ASSERT_FALSE(a2.empty());
  ASSERT_FALSE(b1.empty());

  // A chunk of customer A stays in flight: its head and half of its body are sent.
  std::optional<ParsedUrl> u = ParseHttpUrl(a1);
  ASSERT_TRUE(u.has_value());
  auto slow = HttpConnection::Connect(u->host, u->port);
  ASSERT_NE(slow, nullptr);
  ASSERT_TRUE(slow->WriteRaw("PUT " + u->target + " HTTP/1.1\r\nHost: " + u->host + ":" + u->port +
                             "\r\nContent-Range: bytes 0-999/*\r\nContent-Length: 1000\r\n\r\n" +
                             std::string(500, ' ')));

  // A second chunk of A (another job) is refused with a retriable 503 while the first is open;
  // poll because the first request's head may still be on its way to the server. Every poll is
  // a new chunk (a chunk of bytes already stored is answered without a slot).
  HttpResponse refused;
  int64_t a2_stored = 0;
  EXPECT_TRUE(PollUntil(
      std::chrono::seconds(10),
      [&] {
        refused = Fetch("PUT", a2,
                        {{"Content-Range", "bytes " + std::to_string(a2_stored) + "-" +
                                               std::to_string(a2_stored + 99) + "/*"}},
                        std::string(100, ' '));
        if (refused.status == 308) a2_stored += 100;
        return refused.status == 503;
      }))
      << refused.status << " " << refused.body;
  EXPECT_EQ(refused.Header("Retry-After"), "1");
  EXPECT_NE(refused.body.find("<Code>ServiceUnavailable</Code>"), std::string::npos);
  // Customer B is not affected.
  HttpResponse other = Fetch("PUT", b1, {{"Content-Range", "bytes 0-99/*"}}, std::string(100, ' '));
  EXPECT_EQ(other.status, 308) << other.error << other.body;

  // Once A's first chunk completes, its next one goes through.
  ASSERT_TRUE(slow->WriteRaw(std::string(500, ' ')));
  HttpResponse first = slow->ReadResponse();
  EXPECT_EQ(first.status, 308) << first.error << first.body;
  HttpResponse retried =
      Fetch("PUT", a2,
            {{"Content-Range", "bytes " + std::to_string(a2_stored) + "-" +
                                   std::to_string(a2_stored + 99) + "/*"}},
            std::string(100, ' '));
  EXPECT_EQ(retried.status, 308) << retried.error << retried.body;
  EXPECT_EQ(retried.Header("Range"), "bytes=0-" + std::to_string(a2_stored + 99));
}

TEST_F(LimitsTest, SlowlorisIsCutOffWithTheConfiguredReadTimeout) {
  Start({{"BATCHGATE_HTTP_READ_TIMEOUT_SECONDS", "1"}});
  std::optional<ParsedUrl> u = ParseHttpUrl(base());
  ASSERT_TRUE(u.has_value());
  auto conn = HttpConnection::Connect(u->host, u->port);
  ASSERT_NE(conn, nullptr);
  const std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 's');
  const auto start = std::chrono::steady_clock::now();
  size_t i = 0;
  const bool cut = PollUntil(
      std::chrono::seconds(20),
      [&] {
        const char c = i < head.size() ? head[i++] : 's';
        return !conn->WriteRaw(std::string_view(&c, 1));
      },
      std::chrono::milliseconds(100));
  ASSERT_TRUE(cut) << "the default idle timeout (120 s) would keep it open";
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
}

}  // namespace
}  // namespace bg::testing
