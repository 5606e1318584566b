// GET|HEAD /api/adwords/cm/{version}/{Service}?wsdl through SoapService::Handle: the served WSDL,
// its soap:address (configured base URL, else the request's scheme + Host), 404s, HEAD, the
// bounded cache, and that a SOAP POST to a ?wsdl target is still a SOAP call.
#include "soap/wsdl_handler.hpp"

#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <string>
#include <thread>
#include <vector>

#include "soap_test_util.hpp"

namespace bg::soap::testing {
namespace {

class WsdlHandlerTest : public SoapServiceTest {
 protected:
  http::RequestHead Get(const std::string& target, const std::string& host = "127.0.0.1:8080",
                        const std::string& method = "GET") {
    http::RequestHead head;
    head.method = method;
    head.target = target;
    head.headers.push_back({"Host", host});
    return head;
  }

  // The soap:address location of a WSDL text ("" when it does not parse).
  static std::string Address(const std::string& wsdl) {
    pugi::xml_document doc;
    if (!doc.load_string(wsdl.c_str())) return "";
    return doc.child("wsdl:definitions")
        .child("wsdl:service")
        .child("wsdl:port")
        .child("wsdlsoap:address")
        .attribute("location")
        .value();
  }

  static std::string ContentType(const http::Response& r) {
    for (const auto& h : r.headers) {
      if (http::HeaderNameEquals(h.name, "Content-Type")) return h.value;
    }
    return "";
  }
};

TEST_F(WsdlHandlerTest, ServesEveryServiceWithTheConfiguredBaseUrl) {
  for (const char* service : {"BatchJobService", "BatchJobOpsService", "CampaignService",
                              "AdGroupAdService", "FeedItemService"}) {
    std::string target = std::string("/api/adwords/cm/v201702/") + service + "?wsdl";
    http::Response r = service_->Handle(Get(target), "");
    ASSERT_EQ(r.status, 200) << service;
    EXPECT_EQ(ContentType(r), "text/xml; charset=UTF-8");
    EXPECT_FALSE(r.head_only);
    EXPECT_EQ(Address(r.body), std::string("http://gw.test/api/adwords/cm/v201702/") + service);
  }
  http::Response r =
      service_->Handle(Get("/api/adwords/cm/v201809/FeedItemTargetService?wsdl"), "");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Address(r.body), "http://gw.test/api/adwords/cm/v201809/FeedItemTargetService");
}

TEST_F(WsdlHandlerTest, AddressFollowsTheRequestHostWithoutAConfiguredBase) {
  SoapService service(SoapOptions{}, store_.get(), nullptr, &signer_);
  http::Response a =
      service.Handle(Get("/api/adwords/cm/v201702/BatchJobService?wsdl", "127.0.0.1:41234"), "");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(Address(a.body), "http://127.0.0.1:41234/api/adwords/cm/v201702/BatchJobService");
  http::RequestHead tls = Get("/api/adwords/cm/v201809/CampaignService?wsdl", "gw.example:8443");
  tls.secure = true;
  http::Response b = service.Handle(tls, "");
  ASSERT_EQ(b.status, 200);
  EXPECT_EQ(Address(b.body), "https://gw.example:8443/api/adwords/cm/v201809/CampaignService");
  // Same service, other host: its own text, not the cached one of the first host.
  http::Response c =
      service.Handle(Get("/api/adwords/cm/v201702/BatchJobService?wsdl", "localhost:9"), "");
  EXPECT_EQ(Address(c.body), "http://localhost:9/api/adwords/cm/v201702/BatchJobService");
}

TEST_F(WsdlHandlerTest, HeadSendsHeadersOnly) {
  http::Response r =
      service_->Handle(Get("/api/adwords/cm/v201702/BudgetService?wsdl", "h", "HEAD"), "");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.head_only);
  EXPECT_EQ(ContentType(r), "text/xml; charset=UTF-8");
  EXPECT_FALSE(r.body.empty());  // the transport reports its length and drops it
}

TEST_F(WsdlHandlerTest, UnknownServiceOrVersionIs404) {
  for (const char* target :
       {"/api/adwords/cm/v201702/NoSuchService?wsdl",
        "/api/adwords/cm/v201609/CampaignService?wsdl",        // no schema/v201609/
        "/api/adwords/cm/v201702/FeedItemTargetService?wsdl",  // v201802+
        "/api/adwords/mcm/v201702/CampaignService?wsdl", "/api/adwords/cm/v201702/?wsdl",
        "/api/adwords/cm/v201702/CampaignService/x?wsdl"}) {
    EXPECT_EQ(service_->Handle(Get(target), "").status, 404) << target;
  }
  // Without ?wsdl a GET is no WSDL request.
  EXPECT_EQ(service_->Handle(Get("/api/adwords/cm/v201702/BatchJobService"), "").status, 404);
}

TEST_F(WsdlHandlerTest, SoapPostToAWsdlTargetIsACall) {
  auto reply =
      Send(Head("/api/adwords/cm/v201702/BatchJobService?wsdl"), AxisEnvelope(MutateBody(AddOp())));
  EXPECT_EQ(reply->response.status, 200) << reply->response.body;
  EXPECT_TRUE(reply->body.child("mutateResponse")) << reply->response.body;
}

TEST(WsdlHandler, CacheIsSharedAcrossThreadsAndBounded) {
  WsdlHandler handler;
  http::RequestHead head;
  head.method = "GET";
  head.target = "/api/adwords/cm/v201702/CampaignService?wsdl";
  std::vector<std::thread> threads;
  std::vector<std::string> bodies(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] { bodies[i] = handler.Serve(head, "http://a").body; });
  }
  for (auto& t : threads) t.join();
  for (const auto& b : bodies) EXPECT_EQ(b, bodies[0]);
  EXPECT_EQ(handler.cached_for_test(), 1u);
  for (size_t i = 0; i < WsdlHandler::kMaxCacheEntries + 5; ++i) {
    EXPECT_EQ(handler.Serve(head, "http://h" + std::to_string(i)).status, 200);
  }
  EXPECT_LE(handler.cached_for_test(), WsdlHandler::kMaxCacheEntries);
}

}  // namespace
}  // namespace bg::soap::testing
