#include "integration/adwords_client.hpp"

#include <pugixml.hpp>

#include <sstream>
#include <thread>

namespace bg::testing {
namespace {

std::string Ns(const std::string& version) {
  return "https://adwords.google.com/api/adwords/cm/" + version;
}

std::string LocalName(const char* name) {
  std::string s(name);
  auto p = s.rfind(':');
  return p == std::string::npos ? s : s.substr(p + 1);
}

pugi::xml_node Child(pugi::xml_node n, const char* local) {
  for (auto c : n.children()) {
    if (c.type() == pugi::node_element && LocalName(c.name()) == local) return c;
  }
  return {};
}

pugi::xml_node Find(pugi::xml_node n, const char* local) {
  for (auto c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    if (LocalName(c.name()) == local) return c;
    if (auto f = Find(c, local)) return f;
  }
  return {};
}

int64_t Int(pugi::xml_node n) { return n ? std::stoll(n.text().as_string("0")) : 0; }

}  // namespace

HttpResponse AdWordsClient::Call(const std::string& body_xml) const {
  std::string env =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
      "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Header>"
      "<ns1:RequestHeader xmlns:ns1=\"" + Ns(version_) + "\" soapenv:mustUnderstand=\"0\">"
      "<ns1:clientCustomerId>" + creds_.customer_id + "</ns1:clientCustomerId>"
      "<ns1:developerToken>" + creds_.developer_token + "</ns1:developerToken>"
      "<ns1:userAgent>batchgate-tests (AwApi-Java)</ns1:userAgent>"
      "<ns1:validateOnly>false</ns1:validateOnly><ns1:partialFailure>false</ns1:partialFailure>"
      "</ns1:RequestHeader></soapenv:Header><soapenv:Body>" + body_xml +
      "</soapenv:Body></soapenv:Envelope>";
  HeaderList headers = {{"Content-Type", "text/xml; charset=utf-8"}, {"SOAPAction", "\"\""}};
  if (!creds_.bearer.empty()) headers.emplace_back("Authorization", "Bearer " + creds_.bearer);
  return Fetch("POST", base_ + "/api/adwords/cm/" + version_ + "/BatchJobService", headers, env);
}

JobView AdWordsClient::Create() const {
  auto r = Call("<mutate xmlns=\"" + Ns(version_) +
                "\"><operations><operator>ADD</operator><operand/></operations></mutate>");
  JobView out;
  auto jobs = ParseJobs(r.body, &out.fault);
  if (!jobs.empty()) return jobs[0];
  if (out.fault.empty()) out.fault = "HTTP " + std::to_string(r.status) + " " + r.error;
  return out;
}

JobView AdWordsClient::Get(int64_t id) const {
  auto r = Call("<get xmlns=\"" + Ns(version_) +
                "\"><selector><fields>Id</fields><fields>Status</fields><fields>DownloadUrl"
                "</fields><fields>ProcessingErrors</fields><fields>ProgressStats</fields>"
                "<predicates><field>Id</field><operator>EQUALS</operator><values>" +
                std::to_string(id) + "</values></predicates></selector></get>");
  JobView out;
  auto jobs = ParseJobs(r.body, &out.fault);
  if (!jobs.empty()) return jobs[0];
  if (out.fault.empty()) out.fault = "no entry; HTTP " + std::to_string(r.status) + " " + r.error;
  return out;
}

JobView AdWordsClient::Cancel(int64_t id) const {
  auto r = Call("<mutate xmlns=\"" + Ns(version_) +
                "\"><operations><operator>SET</operator><operand><id>" + std::to_string(id) +
                "</id><status>CANCELING</status></operand></operations></mutate>");
  JobView out;
  auto jobs = ParseJobs(r.body, &out.fault);
  if (!jobs.empty()) return jobs[0];
  return out;
}

JobView AdWordsClient::WaitTerminal(int64_t id, std::chrono::seconds deadline,
                                    std::vector<std::string>* seen) const {
  auto until = std::chrono::steady_clock::now() + deadline;
  auto pause = std::chrono::milliseconds(5);
  JobView v;
  while (std::chrono::steady_clock::now() < until) {
    v = Get(id);
    if (seen && (seen->empty() || seen->back() != v.status)) seen->push_back(v.status);
    if (v.status == "DONE" || v.status == "CANCELED" || !v.fault.empty()) return v;
    std::this_thread::sleep_for(pause);  // poll backoff, bounded by the deadline
    pause = std::min(pause * 2, std::chrono::milliseconds(200));
  }
  v.fault = "deadline exceeded in status " + v.status;
  return v;
}

std::string BudgetJobDocument(int budgets, const std::string& tag) {
  std::string doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><mutate xmlns=\"" + Ns("v201702") +
                    "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";
  for (int i = 0; i < budgets; ++i) {
    doc += "<operations xsi:type=\"BudgetOperation\"><operator>ADD</operator><operand><budgetId>" +
           std::to_string(-1 - i) + "</budgetId><name>" + tag + " budget " + std::to_string(i) +
           "</name><amount><microAmount>1000000</microAmount></amount></operand></operations>";
  }
  return doc + "</mutate>";
}

std::vector<JobView> ParseJobs(const std::string& soap_xml, std::string* fault) {
  std::vector<JobView> out;
  pugi::xml_document doc;
  if (!doc.load_string(soap_xml.c_str())) {
    if (fault) *fault = "unparsable response: " + soap_xml.substr(0, 200);
    return out;
  }
  if (auto f = Find(doc, "Fault")) {
    if (fault) *fault = Child(f, "faultstring").text().as_string();
    return out;
  }
  auto rval = Find(doc, "rval");
  for (auto e : rval.children()) {
    std::string n = LocalName(e.name());
    if (n != "value" && n != "entries") continue;
    JobView v;
    v.id = Int(Child(e, "id"));
    v.status = Child(e, "status").text().as_string();
    v.upload_url = Child(Child(e, "uploadUrl"), "url").text().as_string();
    v.download_url = Child(Child(e, "downloadUrl"), "url").text().as_string();
    auto ps = Child(e, "progressStats");
    v.executed = Int(Child(ps, "numOperationsExecuted"));
    v.succeeded = Int(Child(ps, "numOperationsSucceeded"));
    v.results_written = Int(Child(ps, "numResultsWritten"));
    v.percent = Int(Child(ps, "estimatedPercentExecuted"));
    auto pe = Child(e, "processingErrors");
    v.processing_reason = Child(pe, "reason").text().as_string();
    v.processing_trigger = Child(pe, "trigger").text().as_string();
    v.processing_error_string = Child(pe, "errorString").text().as_string();
    out.push_back(v);
  }
  return out;
}

std::string Rebase(const std::string& url, const std::string& base) {
  auto scheme = url.find("://");
  auto path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return base + (path == std::string::npos ? "" : url.substr(path));
}

std::string Upload(const std::string& upload_url, const std::vector<UploadRequest>& requests) {
  auto start = Fetch("POST", upload_url,
                     {{"Content-Type", "application/xml"}, {"x-goog-resumable", "start"}}, "");
  if (start.status != 201) return "start: HTTP " + std::to_string(start.status) + start.error;
  std::string session = start.Header("Location");
  if (session.rfind("http", 0) != 0) return "start: no absolute Location";
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& q = requests[i];
    HeaderList h = {{"Content-Type", "application/xml"}, {"Content-Range", q.content_range}};
    for (const auto& e : q.extra_headers) h.push_back(e);
    auto r = Fetch(q.method, session, h, q.body);
    bool final = q.content_range.back() != '*' && q.content_range.find("*/") == std::string::npos;
    int want = final ? 200 : 308;
    if (r.status != want) {
      return "request " + std::to_string(i) + " (" + q.content_range + "): HTTP " +
             std::to_string(r.status) + " " + r.body.substr(0, 200) + r.error;
    }
    if (r.HasHeader("Location")) return "request " + std::to_string(i) + ": 308 with Location";
  }
  return "";
}

std::vector<Rval> ParseResults(const std::string& xml, const std::string& version,
                               std::string* error) {
  std::vector<Rval> out;
  const std::string decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  if (xml.compare(0, decl.size(), decl) != 0) {
    *error = "no XML declaration at byte 0";
    return out;
  }
  pugi::xml_document doc;
  auto ok = doc.load_string(xml.c_str());
  if (!ok) {
    *error = std::string("not well-formed: ") + ok.description();
    return out;
  }
  auto root = doc.document_element();
  if (std::string(root.name()) != "mutateResponse" ||
      std::string(root.attribute("xmlns").value()) != Ns(version)) {
    *error = std::string("bad root ") + root.name();
    return out;
  }
  for (auto rv : root.children()) {
    if (std::string(rv.name()) != "rval") {
      *error = std::string("unexpected element ") + rv.name();
      return out;
    }
    Rval r;
    r.index = Int(rv.child("index"));
    if (auto res = rv.child("result")) {
      auto entity = res.first_child();
      r.result_element = entity.name();
      r.result_xsi_type = entity.attribute("xsi:type").value();
      std::ostringstream os;
      res.print(os, "", pugi::format_raw);
      r.result_xml = os.str();
    }
    if (auto errs = rv.child("errorList")) {
      auto e = errs.child("errors");
      r.error_type = e.attribute("xsi:type").value();
      r.reason = e.child("reason").text().as_string();
      r.field_path = e.child("fieldPath").text().as_string();
      r.trigger = e.child("trigger").text().as_string();
    }
    out.push_back(r);
  }
  return out;
}

}  // namespace bg::testing
