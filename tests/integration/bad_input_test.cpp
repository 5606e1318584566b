// Malformed requests get a clear error in the protocol's own shape, and the server keeps serving
// without losing anything it acknowledged.
#include <gtest/gtest.h>

#include <iterator>
#include <string>

#include "integration/adwords_client.hpp"
#include "integration/test_server.hpp"

namespace bg::testing {
namespace {

class BadInputTest : public ServerTest {
 protected:
  // Creates a job, uploads `doc` in one padded request, waits for the end.
  JobView RunDocument(const std::string& doc) {
    AdWordsClient client(base(), Credentials{});
    JobView job = client.Create();
    EXPECT_TRUE(job.fault.empty()) << job.fault;
    EXPECT_EQ(Upload(job.upload_url, DialectRequests(Dialect::kPython, doc)), "");
    return client.WaitTerminal(job.id, std::chrono::seconds(60));
  }
  void ExpectStillServing() {
    AdWordsClient client(base(), Credentials{});
    EXPECT_EQ(client.Create().status, "AWAITING_FILE");
  }
};

TEST_F(BadInputTest, TruncatedDocumentIsFileFormatErrorSayingWhere) {
  std::string doc = ReadFile(std::string(BG_FIXTURES_DIR) + "/uploads/python.xml");
  doc.resize(doc.size() - 200);  // cut inside an operation
  JobView end = RunDocument(doc);
  EXPECT_EQ(end.status, "CANCELED") << end.fault;
  EXPECT_EQ(end.processing_reason, "FILE_FORMAT_ERROR");
  EXPECT_EQ(end.processing_error_string, "BatchJobProcessingError.FILE_FORMAT_ERROR");
  EXPECT_NE(end.processing_trigger.find("line"), std::string::npos) << end.processing_trigger;
  EXPECT_NE(end.processing_trigger.find("byte"), std::string::npos) << end.processing_trigger;
  EXPECT_EQ(end.executed, 0);
  ASSERT_FALSE(end.download_url.empty());
  auto got = Fetch("GET", end.download_url);
  std::string error;
  EXPECT_TRUE(ParseResults(got.body, "v201702", &error).empty());
  EXPECT_EQ(error, "");
  ExpectStillServing();
}

// Issue 3, "Bad input": a well-formed document with a wrong operation is not a file format error:
// that operation gets its own <rval> with the real error and fieldPath, the others run.
TEST_F(BadInputTest, UnknownOperationTypeIsAnOperationErrorNamingIt) {
  std::string doc =
      "<mutate xmlns=\"https://adwords.google.com/api/adwords/cm/v201702\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><operations "
      "xsi:type=\"MediaOperation\"><operator>ADD</operator><operand/></operations>"
      "<operations xsi:type=\"BudgetOperation\"><operator>ADD</operator><operand><budgetId>-1"
      "</budgetId><name>b</name><amount><microAmount>1000000</microAmount></amount></operand>"
      "</operations></mutate>";
  JobView end = RunDocument(doc);
  EXPECT_EQ(end.status, "DONE") << end.fault;
  EXPECT_EQ(end.processing_reason, "");
  EXPECT_EQ(end.executed, 2);
  EXPECT_EQ(end.succeeded, 1);
  auto got = Fetch("GET", end.download_url);
  std::string error;
  auto rvals = ParseResults(got.body, "v201702", &error);
  EXPECT_EQ(error, "");
  ASSERT_EQ(rvals.size(), 2u) << got.body;
  EXPECT_EQ(rvals[0].index, 0);
  EXPECT_EQ(rvals[0].error_type, "RequestError");
  EXPECT_EQ(rvals[0].reason, "INVALID_INPUT");
  EXPECT_EQ(rvals[0].field_path, "operations[0]");
  EXPECT_EQ(rvals[0].trigger, "MediaOperation");
  EXPECT_EQ(rvals[1].index, 1);
  EXPECT_EQ(rvals[1].result_element, "Budget");
  ExpectStillServing();
}

TEST_F(BadInputTest, EveryKindOfBadOperationGetsItsOwnError) {
  const std::string head =
      "<operations xsi:type=\"AdGroupCriterionOperation\"><operator>ADD</operator><operand "
      "xsi:type=\"BiddableAdGroupCriterion\"><adGroupId>5</adGroupId>";
  const std::string tail = "</operand></operations>";
  struct Case {
    std::string operand;  // after adGroupId
    const char *type, *reason, *path;
  };
  const Case cases[] = {
      {"<criterion xsi:type=\"Kayword\"><text>a</text></criterion>", "RequestError",
       "INVALID_INPUT", ".operand.criterion"},  // unknown xsi:type
      {"<criterion xsi:type=\"CpcBid\"/>", "RequestError", "INVALID_INPUT",
       ".operand.criterion"},  // a type that does not belong under its parent
      {"<criterion xsi:type=\"Keyword\"><text>a</text><matchType>LOOSE</matchType></criterion>",
       "RequestError", "INVALID_INPUT", ".operand.criterion.matchType"},  // wrong enum value
      {"<criterion xsi:type=\"Keyword\"><matchType>BROAD</matchType></criterion>", "RequiredError",
       "REQUIRED", ".operand.criterion.text"},  // missing required field
      {"<criterion xsi:type=\"Keyword\"><text>a</text><matchType>BROAD</matchType></criterion>"
       "<systemServingStatus>ELIGIBLE</systemServingStatus>",
       "ReadOnlyError", "READ_ONLY", ".operand.systemServingStatus"},  // read-only field set
      {"<criterion xsi:type=\"Keyword\"><text>a</text><matchType>BROAD</matchType><colour>red"
       "</colour></criterion>",
       "RequestError", "INVALID_INPUT", ".operand.criterion.colour"},  // not a field
  };
  std::string doc =
      "<mutate xmlns=\"https://adwords.google.com/api/adwords/cm/v201702\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";
  for (const Case& c : cases) doc += head + c.operand + tail;
  doc += "</mutate>";
  JobView end = RunDocument(doc);
  EXPECT_EQ(end.status, "DONE") << end.fault;
  auto got = Fetch("GET", end.download_url);
  std::string error;
  auto rvals = ParseResults(got.body, "v201702", &error);
  EXPECT_EQ(error, "");
  ASSERT_EQ(rvals.size(), std::size(cases)) << got.body;
  for (size_t i = 0; i < rvals.size(); ++i) {
    EXPECT_EQ(rvals[i].index, static_cast<int64_t>(i));
    EXPECT_EQ(rvals[i].error_type, cases[i].type) << i;
    EXPECT_EQ(rvals[i].reason, cases[i].reason) << i;
    EXPECT_EQ(rvals[i].field_path, "operations[" + std::to_string(i) + "]" + cases[i].path) << i;
  }
  ExpectStillServing();
}

TEST_F(BadInputTest, BadContentRangesAreRefusedWithCloudStorageErrors) {
  AdWordsClient client(base(), Credentials{});
  JobView job = client.Create();
  auto start = Fetch("POST", job.upload_url, {{"x-goog-resumable", "start"}});
  ASSERT_EQ(start.status, 201);
  std::string session = start.Header("Location");
  for (const char* range : {"bytes 5-1/*", "bytes=0-3/*", "chars 0-3/4", "bytes 0-3/2"}) {
    auto r = Fetch("PUT", session, {{"Content-Range", range}}, "abcd");
    EXPECT_EQ(r.status, 400) << range;
    EXPECT_NE(r.body.find("<Error>"), std::string::npos) << range << ": " << r.body;
  }
  // Body length that contradicts the range.
  auto r = Fetch("PUT", session, {{"Content-Range", "bytes 0-9/*"}}, "abcd");
  EXPECT_EQ(r.status, 400);
  // A gap: nothing stored yet, chunk starts at 262144.
  r = Fetch("PUT", session, {{"Content-Range", "bytes 262144-262147/*"}}, "abcd");
  EXPECT_EQ(r.status, 400);
  // Nothing was stored by the refused requests.
  r = Fetch("PUT", session, {{"Content-Range", "bytes */*"}});
  EXPECT_EQ(r.status, 308);
  EXPECT_FALSE(r.HasHeader("Range"));
  // Tampered signature.
  std::string bad = job.upload_url;
  bad.back() = bad.back() == '0' ? '1' : '0';
  EXPECT_EQ(Fetch("POST", bad, {{"x-goog-resumable", "start"}}).status, 403);
  ExpectStillServing();
}

TEST_F(BadInputTest, SoapErrorsAreFaults) {
  AdWordsClient client(base(), Credentials{});
  // Unknown job.
  EXPECT_FALSE(client.Cancel(999999999).fault.empty());
  // Not XML at all.
  auto r = Fetch("POST", base() + "/api/adwords/cm/v201702/BatchJobService",
                 {{"Content-Type", "text/xml"}, {"Authorization", "Bearer x"}}, "<soap:Env");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("Fault"), std::string::npos);
  // Missing credentials.
  AdWordsClient anonymous(base(), Credentials{"123", "dev", ""});
  EXPECT_NE(anonymous.Create().fault.find("AuthenticationError"), std::string::npos);
  AdWordsClient no_customer(base(), Credentials{"", "dev", "tok"});
  EXPECT_NE(no_customer.Create().fault.find("AuthenticationError"), std::string::npos);
  // An oversized body is refused without reading it all.
  std::string huge(64u << 20, 'x');
  auto big = Fetch("POST", base() + "/api/adwords/cm/v201702/BatchJobService",
                   {{"Content-Type", "text/xml"}}, huge);
  EXPECT_EQ(big.status == 413 || big.status == 0, true) << big.status;
  ExpectStillServing();
}

}  // namespace
}  // namespace bg::testing
