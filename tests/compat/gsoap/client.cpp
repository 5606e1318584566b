// A gSOAP client of BatchJobService, compiled against the proxy that wsdl2h + soapcpp2 generate
// from the WSDL the gateway serves (see gsoap_client.py). It runs mutate ADD, get (selector),
// query (AWQL), mutate SET CANCELING and checks the faults of a second cancel and of REMOVE.
//
// Usage: compat_gsoap_client ENDPOINT_URL   (ENDPOINT_URL =
// <base>/api/adwords/cm/v201702/BatchJobService)
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "BatchJobServiceSoapBinding.nsmap"
#include "soapBatchJobServiceSoapBindingProxy.h"

namespace {

int g_passed = 0;
std::vector<std::string> g_failed;

bool Check(bool cond, const std::string& what) {
  if (cond) {
    ++g_passed;
  } else {
    g_failed.push_back(what);
    std::printf("  FAILED: %s\n", what.c_str());
  }
  return cond;
}

bool CheckEq(const std::string& actual, const std::string& expected, const std::string& what) {
  return Check(actual == expected, what + ": expected '" + expected + "', got '" + actual + "'");
}

std::string Str(const std::string* s) { return s ? *s : std::string("<null>"); }

class Client {
 public:
  explicit Client(const std::string& endpoint) : endpoint_(endpoint), proxy_(endpoint_.c_str()) {
    proxy_.soap->recv_timeout = 30;
    proxy_.soap->send_timeout = 30;
    proxy_.soap->connect_timeout = 30;
  }

  // Each call gets a fresh RequestHeader and Authorization header (gSOAP clears both after a
  // call).
  void SetHeader() {
    proxy_.soap->http_extra_header = "Authorization: Bearer compat-access-token";
    header_.clientCustomerId = &customer_;
    header_.developerToken = &token_;
    header_.userAgent = &agent_;
    header_.validateOnly = &false_;
    header_.partialFailure = &false_;
    proxy_.soap_header(&header_, nullptr);
  }

  // Checks the ResponseHeader of the last successful call.
  void CheckResponseHeader(const std::string& method) {
    const SOAP_ENV__Header* h = proxy_.soap->header;
    const adw__SoapResponseHeader* rh = h ? h->adw__ResponseHeader : nullptr;
    Check(rh != nullptr, method + ": ResponseHeader present");
    if (rh == nullptr) return;
    CheckEq(Str(rh->serviceName), "BatchJobService", method + ": serviceName");
    CheckEq(Str(rh->methodName), method, method + ": methodName");
    Check(rh->requestId && rh->requestId->size() == 32, method + ": requestId");
  }

  BatchJobServiceSoapBindingProxy& proxy() { return proxy_; }
  soap* ctx() { return proxy_.soap; }

 private:
  std::string endpoint_;
  BatchJobServiceSoapBindingProxy proxy_;
  adw__SoapHeader header_;
  std::string customer_ = "123-456-7890";
  std::string token_ = "compat-dev-token";
  std::string agent_ = "compat-gsoap (gSOAP)";
  bool false_ = false;
};

std::string StatusOf(soap* s, const adw__BatchJob* job) {
  return job && job->status ? soap_adw__BatchJobStatus2s(s, *job->status) : "<null>";
}

adw__BatchJobOperation* Op(soap* s, adw__Operator op, LONG64* id, adw__BatchJobStatus* status) {
  auto* o = soap_new_adw__BatchJobOperation(s);
  o->operator_ = soap_new_adw__Operator(s);
  *o->operator_ = op;
  o->operand = soap_new_adw__BatchJob(s);
  o->operand->id = id;
  o->operand->status = status;
  return o;
}

// Runs a mutate that must fail; checks the fault's ApiException errors.
void ExpectFault(Client& c, const std::string& what, _adw__mutate* req, int expected_type,
                 const std::string& api_error_type, const std::string& field_path) {
  _adw__mutateResponse resp;
  c.SetHeader();
  int rc = c.proxy().mutate(req, resp);
  if (!Check(rc == SOAP_FAULT, what + ": SOAP fault returned (rc " + std::to_string(rc) + ")"))
    return;
  const SOAP_ENV__Detail* d = c.ctx()->fault ? c.ctx()->fault->detail : nullptr;
  const adw__ApiException* ex = d ? d->adw__ApiExceptionFault : nullptr;
  if (!Check(ex != nullptr, what + ": detail/ApiExceptionFault decoded")) return;
  if (!Check(ex->errors.size() == 1, what + ": one error")) return;
  const adw__ApiError* e = ex->errors[0];
  Check(e->soap_type() == expected_type, what + ": error decoded as its xsi:type subclass");
  CheckEq(Str(e->ApiError_x002eType), api_error_type, what + ": ApiError.Type");
  CheckEq(Str(e->fieldPath), field_path, what + ": fieldPath");
  CheckEq(Str(ex->ApplicationException_x002eType), "ApiException",
          what + ": ApplicationException.Type");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s ENDPOINT_URL\n", argv[0]);
    return 2;
  }
  Client c(argv[1]);
  soap* s = c.ctx();

  // mutate ADD (twice)
  std::vector<LONG64> ids;
  for (int i = 0; i < 2; ++i) {
    _adw__mutate req;
    req.operations.push_back(Op(s, adw__Operator::ADD, nullptr, nullptr));
    _adw__mutateResponse resp;
    c.SetHeader();
    if (!Check(c.proxy().mutate(&req, resp) == SOAP_OK, "mutate ADD succeeds")) {
      c.proxy().soap_stream_fault(std::cout);
      break;
    }
    c.CheckResponseHeader("mutate");
    if (!Check(resp.rval && resp.rval->value.size() == 1, "ADD returns one job")) break;
    const adw__BatchJob* job = resp.rval->value[0];
    CheckEq(StatusOf(s, job), "AWAITING_FILE", "ADD status");
    Check(job->id && *job->id > 0, "job id > 0");
    Check(job->uploadUrl && job->uploadUrl->url &&
              job->uploadUrl->url->rfind("http://127.0.0.1:", 0) == 0,
          "uploadUrl on the gateway");
    ids.push_back(job->id ? *job->id : 0);
  }
  if (ids.size() == 2) {
    Check(ids[1] > ids[0], "ids grow");
    const std::string first = std::to_string(ids[0]), second = std::to_string(ids[1]);

    // get: Id IN [both], ordered by Id DESCENDING
    {
      _adw__get req;
      req.selector = soap_new_adw__Selector(s);
      req.selector->fields = {"Id", "Status", "DownloadUrl", "ProgressStats"};
      auto* p = soap_new_adw__Predicate(s);
      p->field = soap_new_std__string(s);
      *p->field = "Id";
      p->operator_ = soap_new_adw__Predicate_x002eOperator(s);
      *p->operator_ = adw__Predicate_x002eOperator::IN;
      p->values = {first, second};
      req.selector->predicates.push_back(p);
      auto* o = soap_new_adw__OrderBy(s);
      o->field = soap_new_std__string(s);
      *o->field = "Id";
      o->sortOrder = soap_new_adw__SortOrder(s);
      *o->sortOrder = adw__SortOrder::DESCENDING;
      req.selector->ordering.push_back(o);
      _adw__getResponse resp;
      c.SetHeader();
      if (Check(c.proxy().get(&req, resp) == SOAP_OK, "get succeeds") && resp.rval) {
        c.CheckResponseHeader("get");
        Check(resp.rval->totalNumEntries && *resp.rval->totalNumEntries == 2,
              "get totalNumEntries == 2");
        std::string got;
        for (auto* e : resp.rval->entries) got += (e->id ? std::to_string(*e->id) : "?") + ",";
        CheckEq(got, second + "," + first + ",", "get entries DESCENDING");
        CheckEq(Str(resp.rval->Page_x002eType), "BatchJobPage", "Page.Type marker");
      }
    }
    // query
    {
      _adw__query req;
      std::string q = "SELECT Id, Status WHERE Id = " + first;
      req.query = &q;
      _adw__queryResponse resp;
      c.SetHeader();
      if (Check(c.proxy().query(&req, resp) == SOAP_OK, "query succeeds") && resp.rval) {
        c.CheckResponseHeader("query");
        Check(resp.rval->entries.size() == 1, "query returns one entry");
        if (!resp.rval->entries.empty()) {
          const adw__BatchJob* e = resp.rval->entries[0];
          CheckEq(e->id ? std::to_string(*e->id) : "?", first, "query entry id");
          CheckEq(StatusOf(s, e), "AWAITING_FILE", "query entry status");
        }
      }
    }
    // SET CANCELING, then a second cancel and REMOVE must fault
    LONG64 id0 = ids[0], id1 = ids[1];
    adw__BatchJobStatus canceling = adw__BatchJobStatus::CANCELING;
    {
      _adw__mutate req;
      req.operations.push_back(Op(s, adw__Operator::SET, &id0, &canceling));
      _adw__mutateResponse resp;
      c.SetHeader();
      if (Check(c.proxy().mutate(&req, resp) == SOAP_OK, "SET CANCELING succeeds") && resp.rval &&
          resp.rval->value.size() == 1) {
        CheckEq(StatusOf(s, resp.rval->value[0]), "CANCELING", "SET CANCELING status");
      }
    }
    {
      _adw__mutate req;
      req.operations.push_back(Op(s, adw__Operator::SET, &id0, &canceling));
      ExpectFault(c, "second cancel", &req, SOAP_TYPE_adw__BatchJobError, "BatchJobError",
                  "operations[0].operand.status");
    }
    {
      _adw__mutate req;
      req.operations.push_back(Op(s, adw__Operator::REMOVE, &id1, nullptr));
      ExpectFault(c, "REMOVE", &req, SOAP_TYPE_adw__OperatorError, "OperatorError",
                  "operations[0].operator");
    }
  }
  c.proxy().destroy();
  if (!g_failed.empty()) {
    std::printf("gsoap_batch_job_service: %zu check(s) FAILED, %d passed\n", g_failed.size(),
                g_passed);
    return 1;
  }
  std::printf("gsoap_batch_job_service: all %d checks passed\n", g_passed);
  return 0;
}
