#include "soap/soap_service.hpp"

#include <atomic>
#include <cctype>
#include <utility>

#include "common/clock.hpp"
#include "common/xml_writer.hpp"
#include "model/job.hpp"
#include "schema/registry.hpp"
#include "soap/auth.hpp"
#include "soap/batch_job_service.hpp"
#include "soap/envelope.hpp"
#include "soap/fault.hpp"
#include "soap/response.hpp"
#include "soap/response_memo.hpp"

namespace bg::soap {
namespace {

constexpr std::string_view kApiPrefix = "/api/adwords/";

// /api/adwords/{group}/{version}/{service}
struct ServicePath {
  std::string group, version, service;
};

std::optional<ServicePath> ParsePath(std::string_view path) {
  if (!path.starts_with(kApiPrefix)) return std::nullopt;
  path.remove_prefix(kApiPrefix.size());
  std::string parts[3];
  for (int i = 0; i < 3; ++i) {
    size_t slash = path.find('/');
    if ((i < 2) == (slash == std::string_view::npos)) return std::nullopt;
    parts[i] = std::string(path.substr(0, slash));
    if (parts[i].empty()) return std::nullopt;
    path = i < 2 ? path.substr(slash + 1) : std::string_view();
  }
  return ServicePath{parts[0], parts[1], parts[2]};
}

// "v" followed by six digits: a version of the AdWords API, supported or not.
bool LooksLikeVersion(std::string_view v) {
  if (v.size() != 7 || v[0] != 'v') return false;
  for (char c : v.substr(1)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string BaseUrl(const SoapOptions& options, const http::RequestHead& head) {
  std::string base = options.public_base_url;
  if (base.empty()) {
    base = (head.secure ? "https://" : "http://") +
           std::string(head.Get("Host").value_or("localhost"));
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

http::Response NotFound() { return http::Response::Text(404, "text/plain", "not found\n"); }

// The envelope around a response element written by BatchJobService.
http::Response Envelope200(const ResponseHeaderInfo& info, std::string_view payload) {
  std::string out;
  xml::XmlWriter w(&out);
  WriteEnvelopeStart(w, &info);
  w.Raw(payload);
  w.EndAll();
  return SoapHttpResponse(200, std::move(out));
}

std::atomic<uint64_t> next_service_serial{1};

}  // namespace

SoapService::SoapService(SoapOptions options, store::JobStore* store, engine::Scheduler* scheduler,
                         const UrlSigner* signer)
    : options_(std::move(options)),
      store_(store),
      scheduler_(scheduler),
      signer_(signer),
      serial_(next_service_serial.fetch_add(1, std::memory_order_relaxed)) {
  if (!options_.access) {
    options_.access = std::make_shared<const AccessPolicy>(AccessPolicy::Open());
  }
}

std::unique_ptr<http::Exchange> SoapService::Route(const http::RequestHead& head) {
  if (!head.path().starts_with(kApiPrefix)) return nullptr;
  return http::MakeBuffered(
      head, options_.max_request_bytes,
      [this](const http::RequestHead& h, const std::string& body) { return Handle(h, body); });
}

http::Response SoapService::Handle(const http::RequestHead& head, const std::string& body) {
  const int64_t start_ms = NowMs();
  if (WsdlHandler::IsWsdlRequest(head)) return wsdl_.Serve(head, BaseUrl(options_, head));
  std::optional<ServicePath> sp = ParsePath(head.path());
  if (!sp || sp->group != "cm" || sp->service != kServiceName || !LooksLikeVersion(sp->version)) {
    return NotFound();
  }
  if (head.method == "GET" || head.method == "HEAD") return NotFound();  // without ?wsdl
  if (head.method != "POST") {
    return http::Response::Text(405, "text/plain", "method not allowed\n").Set("Allow", "POST");
  }
  if (body.size() > options_.max_request_bytes) {
    return http::Response::Text(413, "text/plain", "request body too large\n");
  }

  // A poll repeated byte for byte while no job changed: the response element made last time.
  std::optional<std::string> memo_key = ResponseMemo::Key(head, body);
  const store::StoreVersion version = store_->version();
  if (memo_key) {
    if (const ResponseMemo::Entry* e = ResponseMemo::Find(serial_, *memo_key, version, start_ms)) {
      return Envelope200({sp->version, e->method, 1, start_ms, head.request_id}, e->payload);
    }
  }

  Result<Envelope> env = ParseEnvelope(body);
  if (!env.ok()) {
    return FaultFromStatus({sp->version, "", 1, start_ms, head.request_id}, env.status());
  }
  const std::string& method = env->method;
  if (method != "mutate" && method != "get" && method != "query") {
    return ClientFault("Unmarshalling Error: unexpected element (local:\"" + method +
                       "\"). Expected elements are <get>,<mutate>,<query>");
  }
  ResponseHeaderInfo info{sp->version, method, 1, start_ms, head.request_id};
  if (method == "mutate") {
    info.operations = static_cast<int64_t>(Children(env->operation, "operations").size());
  }
  if (schema::Registry::Get(sp->version) == nullptr) {
    return ApiFault(info, {ApiError::Make("RequestError", "UNSUPPORTED_VERSION", "", sp->version)});
  }
  Result<std::string> customer = options_.access->Authenticate(head, env->header);
  if (!customer.ok()) return FaultFromStatus(info, customer.status());

  CallContext ctx;
  ctx.version = sp->version;
  ctx.customer_id = std::move(customer).value();
  ctx.validate_only = env->header.validate_only;
  ctx.render = RenderContext{signer_, BaseUrl(options_, head), options_.disk_quota_kb};

  BatchJobService service(store_, scheduler_);
  std::string payload;
  SelectionFacts facts;
  Status s = method == "mutate" ? service.Mutate(ctx, env->operation, &payload)
             : method == "get"  ? service.Get(ctx, env->operation, &payload, &facts)
                                : service.Query(ctx, env->operation, &payload, &facts);
  if (!s.ok()) return FaultFromStatus(info, s);
  http::Response response = Envelope200(info, payload);
  if (memo_key && method != "mutate" && !facts.changed_state) {
    ResponseMemo::Keep(serial_, std::move(*memo_key), version, facts.valid_until_ms,
                       {method, std::move(payload)});
  }
  return response;
}

}  // namespace bg::soap
