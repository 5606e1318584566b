#include "client/batch_job_client.hpp"

#include <pugixml.hpp>
#include <thread>

#include "client/expat_file.hpp"
#include "common/xml_writer.hpp"

namespace bg::client {
namespace {

constexpr std::string_view kSoapEnvNs = "http://schemas.xmlsoap.org/soap/envelope/";

pugi::xml_node Child(pugi::xml_node n, std::string_view local) {
  for (pugi::xml_node c : n.children()) {
    if (c.type() == pugi::node_element && LocalName(c.name()) == local) return c;
  }
  return {};
}

pugi::xml_node Descendant(pugi::xml_node n, std::string_view local) {
  for (pugi::xml_node c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    if (LocalName(c.name()) == local) return c;
    if (pugi::xml_node f = Descendant(c, local)) return f;
  }
  return {};
}

std::string Text(pugi::xml_node n, std::string_view local) {
  return Child(n, local).text().as_string();
}

int64_t Int(pugi::xml_node n, std::string_view local) { return Child(n, local).text().as_llong(0); }

JobState ReadJob(pugi::xml_node e) {
  JobState j;
  j.id = Int(e, "id");
  j.status = Text(e, "status");
  j.upload_url = Text(Child(e, "uploadUrl"), "url");
  j.download_url = Text(Child(e, "downloadUrl"), "url");
  pugi::xml_node ps = Child(e, "progressStats");
  j.executed = Int(ps, "numOperationsExecuted");
  j.succeeded = Int(ps, "numOperationsSucceeded");
  j.results_written = Int(ps, "numResultsWritten");
  j.percent = Int(ps, "estimatedPercentExecuted");
  for (pugi::xml_node c : e.children()) {
    if (LocalName(c.name()) != "processingErrors") continue;
    ApiError err = ApiError::Make("BatchJobProcessingError", Text(c, "reason"),
                                  Text(c, "fieldPath"), Text(c, "trigger"));
    err.error_string = Text(c, "errorString");
    j.processing_errors.push_back(std::move(err));
  }
  return j;
}

}  // namespace

Result<std::vector<JobState>> ParseJobsResponse(std::string_view soap_xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(soap_xml.data(), soap_xml.size());
  if (!parsed) {
    return InvalidArgument(std::string("unreadable SOAP response (") + parsed.description() +
                           "): " + std::string(soap_xml.substr(0, 200)));
  }
  pugi::xml_node body = Child(doc.document_element(), "Body");
  if (!body) return InvalidArgument("SOAP response without a Body");
  if (pugi::xml_node fault = Child(body, "Fault")) {
    return FailedPrecondition("SOAP fault: " + Text(fault, "faultstring"));
  }
  std::vector<JobState> out;
  pugi::xml_node rval = Descendant(body, "rval");
  for (pugi::xml_node e : rval.children()) {
    std::string_view n = LocalName(e.name());
    if (n == "value" || n == "entries") out.push_back(ReadJob(e));
  }
  return out;
}

BatchJobClient::BatchJobClient(HttpClient* http, std::string gateway, std::string version,
                               Credentials credentials)
    : http_(http), version_(std::move(version)), creds_(std::move(credentials)) {
  while (!gateway.empty() && gateway.back() == '/') gateway.pop_back();
  ns_ = "https://adwords.google.com/api/adwords/cm/" + version_;
  endpoint_ = gateway + "/api/adwords/cm/" + version_ + "/BatchJobService";
}

Result<std::vector<JobState>> BatchJobClient::Call(const std::string& body_element,
                                                   std::string_view op_name) {
  std::string env;
  xml::XmlWriter w(&env);
  w.Declaration();
  w.Start("soapenv:Envelope");
  w.Attribute("xmlns:soapenv", kSoapEnvNs);
  w.Start("soapenv:Header");
  w.Start("RequestHeader");
  w.Attribute("xmlns", ns_);
  w.Leaf("clientCustomerId", creds_.customer_id);
  w.Leaf("developerToken", creds_.developer_token);
  w.Leaf("userAgent", creds_.user_agent);
  w.Leaf("validateOnly", "false");
  w.Leaf("partialFailure", "false");
  w.End();
  w.End();
  w.Start("soapenv:Body");
  w.Raw(body_element);
  w.EndAll();
  HeaderList headers = {{"Content-Type", "text/xml; charset=utf-8"}, {"SOAPAction", "\"\""}};
  if (!creds_.bearer.empty()) headers.emplace_back("Authorization", "Bearer " + creds_.bearer);
  BG_ASSIGN_OR_RETURN(HttpResponse r, http_->Send("POST", endpoint_, headers, env));
  Result<std::vector<JobState>> jobs = ParseJobsResponse(r.body);
  if (!jobs.ok() && r.status != 200 && r.status != 500) {
    return FailedPrecondition("BatchJobService." + std::string(op_name) + ": HTTP " +
                              std::to_string(r.status) + " " + r.body.substr(0, 200));
  }
  return jobs;
}

Result<JobState> BatchJobClient::Create() {
  std::string body;
  xml::XmlWriter w(&body);
  w.Start("mutate");
  w.Attribute("xmlns", ns_);
  w.Start("operations");
  w.Leaf("operator", "ADD");
  w.Start("operand");
  w.EndAll();
  BG_ASSIGN_OR_RETURN(std::vector<JobState> jobs, Call(body, "mutate"));
  if (jobs.size() != 1 || jobs[0].upload_url.empty()) {
    return FailedPrecondition("mutate ADD answered without a job and its uploadUrl");
  }
  return jobs[0];
}

Result<JobState> BatchJobClient::Get(int64_t id) {
  std::string body;
  xml::XmlWriter w(&body);
  w.Start("get");
  w.Attribute("xmlns", ns_);
  w.Start("selector");
  for (const char* f : {"Id", "Status", "DownloadUrl", "ProcessingErrors", "ProgressStats"}) {
    w.Leaf("fields", f);
  }
  w.Start("predicates");
  w.Leaf("field", "Id");
  w.Leaf("operator", "EQUALS");
  w.Leaf("values", id);
  w.EndAll();
  BG_ASSIGN_OR_RETURN(std::vector<JobState> jobs, Call(body, "get"));
  if (jobs.size() != 1) return NotFound("get: no job " + std::to_string(id));
  return jobs[0];
}

Result<JobState> BatchJobClient::WaitTerminal(int64_t id, std::chrono::milliseconds timeout,
                                              const std::function<void(const JobState&)>& on_poll) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(20);
  for (;;) {
    BG_ASSIGN_OR_RETURN(JobState j, Get(id));
    if (on_poll) on_poll(j);
    if (j.terminal()) return j;
    if (std::chrono::steady_clock::now() + pause > deadline) {
      return Status(StatusCode::kUnavailable, "job " + std::to_string(id) + " still " + j.status +
                                                  " after " +
                                                  std::to_string(timeout.count() / 1000) + " s");
    }
    std::this_thread::sleep_for(pause);  // polling interval, as the client libraries poll
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
}

}  // namespace bg::client
