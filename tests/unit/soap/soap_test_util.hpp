// Shared fixture of the soap unit tests: a real JobStore in a temp dir, a real UrlSigner and a
// SoapService; request envelopes are written here as fixtures, responses parsed with pugixml.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "common/signed_url.hpp"
#include "soap/soap_service.hpp"
#include "store/job_store.hpp"

namespace bg::soap::testing {

inline constexpr char kNs[] = "https://adwords.google.com/api/adwords/cm/v201702";
inline constexpr char kCustomerA[] = "1234567890";
inline constexpr char kCustomerB[] = "2222222222";

struct Reply {
  http::Response response;
  pugi::xml_document doc;
  pugi::xml_node envelope;  // soap:Envelope
  pugi::xml_node body;      // soap:Body
  pugi::xml_node header;    // soap:Header/ResponseHeader (may be null)

  std::string ContentType() const {
    for (const auto& h : response.headers) {
      if (http::HeaderNameEquals(h.name, "Content-Type")) return h.value;
    }
    return "";
  }
  pugi::xml_node Fault() const { return body.child("soap:Fault"); }
  pugi::xml_node FaultErrors() const {
    return Fault().child("detail").child("ApiExceptionFault").child("errors");
  }
  std::string FaultString() const { return Fault().child_value("faultstring"); }
};

// Element children names of `node`, in order.
inline std::vector<std::string> ChildNames(pugi::xml_node node) {
  std::vector<std::string> out;
  for (pugi::xml_node c : node.children()) {
    if (c.type() == pugi::node_element) out.emplace_back(c.name());
  }
  return out;
}

// A v201702 request envelope in the style of Java Axis around `body_xml`.
inline std::string AxisEnvelope(const std::string& body_xml,
                                const std::string& customer = kCustomerA,
                                const std::string& token = "DEVTOKEN") {
  std::string header =
      "<ns1:RequestHeader xmlns:ns1=\"" + std::string(kNs) + "\" soapenv:mustUnderstand=\"0\">";
  if (!customer.empty()) header += "<ns1:clientCustomerId>" + customer + "</ns1:clientCustomerId>";
  if (!token.empty()) header += "<ns1:developerToken>" + token + "</ns1:developerToken>";
  header +=
      "<ns1:userAgent>test (AwApi-Java, AdWords-Axis/3.10.0)</ns1:userAgent>"
      "<ns1:validateOnly>false</ns1:validateOnly><ns1:partialFailure>false</ns1:partialFailure>"
      "</ns1:RequestHeader>";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
         "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
         "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
         "<soapenv:Header>" +
         header + "</soapenv:Header><soapenv:Body>" + body_xml +
         "</soapenv:Body></soapenv:Envelope>";
}

inline std::string MutateBody(const std::string& operations) {
  return "<mutate xmlns=\"" + std::string(kNs) + "\">" + operations + "</mutate>";
}
inline std::string AddOp() { return "<operations><operator>ADD</operator><operand/></operations>"; }
inline std::string CancelOp(int64_t id, const std::string& status = "CANCELING") {
  std::string s =
      "<operations><operator>SET</operator><operand><id>" + std::to_string(id) + "</id>";
  if (!status.empty()) s += "<status>" + status + "</status>";
  return s + "</operand></operations>";
}
inline std::string GetBody(const std::string& selector_inner) {
  return "<get xmlns=\"" + std::string(kNs) + "\"><selector>" + selector_inner +
         "</selector></get>";
}
inline std::string QueryBody(const std::string& awql) {
  return "<query xmlns=\"" + std::string(kNs) + "\"><query>" + awql + "</query></query>";
}

class SoapServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/soap_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    store::StoreOptions so;
    so.data_dir = dir_ + "/data";
    auto opened = store::JobStore::Open(so);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    SoapOptions opts;
    opts.public_base_url = "http://gw.test";
    opts.disk_quota_kb = 4242;
    service_ = std::make_unique<SoapService>(opts, store_.get(), nullptr, &signer_);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  http::RequestHead Head(const std::string& target, bool bearer = true) {
    http::RequestHead head;
    head.method = "POST";
    head.target = target;
    head.headers.push_back({"Host", "127.0.0.1:8080"});
    head.headers.push_back({"Content-Type", "text/xml; charset=utf-8"});
    head.headers.push_back({"SOAPAction", "\"\""});
    if (bearer) head.headers.push_back({"Authorization", "Bearer ya29.test-token"});
    return head;
  }

  std::unique_ptr<Reply> Send(const http::RequestHead& head, const std::string& body) {
    auto reply = std::make_unique<Reply>();
    reply->response = service_->Handle(head, body);
    pugi::xml_parse_result r = reply->doc.load_string(reply->response.body.c_str());
    EXPECT_TRUE(r) << r.description() << "\n" << reply->response.body;
    reply->envelope = reply->doc.child("soap:Envelope");
    reply->body = reply->envelope.child("soap:Body");
    reply->header = reply->envelope.child("soap:Header").child("ResponseHeader");
    return reply;
  }

  std::unique_ptr<Reply> Call(const std::string& body_xml,
                              const std::string& customer = kCustomerA) {
    return Send(Head("/api/adwords/cm/v201702/BatchJobService"), AxisEnvelope(body_xml, customer));
  }

  // Creates `n` jobs for `customer` over SOAP and returns their ids.
  std::vector<int64_t> AddJobs(int n, const std::string& customer = kCustomerA) {
    std::string ops;
    for (int i = 0; i < n; ++i) ops += AddOp();
    auto reply = Call(MutateBody(ops), customer);
    EXPECT_EQ(reply->response.status, 200) << reply->response.body;
    std::vector<int64_t> ids;
    for (pugi::xml_node v : reply->body.child("mutateResponse").child("rval").children("value")) {
      ids.push_back(v.child("id").text().as_llong());
    }
    return ids;
  }

  std::string dir_;
  UrlSigner signer_{"test-secret"};
  std::unique_ptr<store::JobStore> store_;
  std::unique_ptr<SoapService> service_;
};

}  // namespace bg::soap::testing
