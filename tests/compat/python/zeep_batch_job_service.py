#!/usr/bin/python3
"""python3-zeep against the served BatchJobService WSDL: mutate ADD, get (selector), query (AWQL),
mutate SET CANCELING, the faults of a second cancel and of REMOVE, and a fault without auth.

zeep loads <base>/api/adwords/cm/v201702/BatchJobService?wsdl, posts to the WSDL's soap:address
(so the address must point back at the gateway) and validates every response against the WSDL's
types while deserialising it.
"""
import sys

import requests
import zeep
import zeep.exceptions
from zeep.transports import Transport

from compat_common import (ACCESS_TOKEN, CUSTOMER_ID, DEVELOPER_TOKEN, NS, Checks, base_url,
                           wsdl_url)


def make_client(token=ACCESS_TOKEN):
    session = requests.Session()
    session.trust_env = False  # never a proxy: the server is on 127.0.0.1
    if token:
        session.headers["Authorization"] = "Bearer " + token
    return zeep.Client(wsdl_url("BatchJobService"), transport=Transport(session=session, timeout=30))


def request_header(client):
    return client.get_element("{%s}RequestHeader" % NS)(
        clientCustomerId=CUSTOMER_ID, developerToken=DEVELOPER_TOKEN,
        userAgent="compat-zeep (zeep/%s)" % zeep.__version__, validateOnly=False,
        partialFailure=False)


def fault_errors(fault):
    """(ApiError.Type, reason, fieldPath) of each error in a zeep Fault's ApiExceptionFault."""
    out = []
    if fault.detail is None:
        return out
    for e in fault.detail.iter():
        if e.tag.rsplit("}", 1)[-1] != "errors":
            continue
        vals = {c.tag.rsplit("}", 1)[-1]: c.text for c in e}
        out.append((vals.get("ApiError.Type"), vals.get("reason"), vals.get("fieldPath")))
    return out


def call(checks, method, hdr, **kwargs):
    """Calls a BatchJobService method; checks the ResponseHeader and returns the rval."""
    resp = getattr(CLIENT[0].service, method)(_soapheaders=hdr, **kwargs)
    rh = resp.header.ResponseHeader
    checks.eq((rh.serviceName, rh.methodName), ("BatchJobService", method),
              method + ": ResponseHeader service/method")
    checks.true(rh.requestId and len(rh.requestId) == 32, method + ": requestId %r" % rh.requestId)
    return resp.body.rval


CLIENT = [None]


def expect_fault(checks, what, call, expected_errors, message_part):
    try:
        call()
    except zeep.exceptions.Fault as f:
        checks.true(message_part in (f.message or ""), "%s: fault message %r" % (what, f.message))
        checks.eq(fault_errors(f), expected_errors, what + ": fault errors")
        return
    checks.true(False, what + ": no fault raised")


def main():
    checks = Checks("zeep_batch_job_service")
    client = make_client()
    CLIENT[0] = client
    service = client.service
    hdr = [request_header(client)]
    address = client.wsdl.services["BatchJobService"].ports[
        "BatchJobServiceInterfacePort"].binding_options["address"]
    checks.eq(address, base_url() + "/api/adwords/cm/v201702/BatchJobService",
              "soap:address rewritten to the gateway")

    # mutate ADD
    rv = call(checks, "mutate", hdr, operations=[{"operator": "ADD", "operand": {}}])
    checks.eq(len(rv.value), 1, "ADD returns one job")
    job = rv.value[0]
    checks.true(job.id and job.id > 0, "job id %r" % job.id)
    checks.eq(job.status, "AWAITING_FILE", "ADD status")
    checks.true(job.uploadUrl is not None and job.uploadUrl.url.startswith(base_url() + "/"),
                "uploadUrl on the gateway")
    checks.true(job.uploadUrl is not None and bool(job.uploadUrl.expiration), "uploadUrl expiration")
    checks.eq(job.downloadUrl, None, "no downloadUrl yet")
    second = call(checks, "mutate", hdr,
                  operations=[{"operator": "ADD", "operand": {}}]).value[0]
    checks.true(second.id > job.id, "ids grow (%s then %s)" % (job.id, second.id))

    # get with a selector
    page = call(checks, "get", hdr, selector={
        "fields": ["Id", "Status", "DownloadUrl", "ProcessingErrors", "ProgressStats"],
        "predicates": [{"field": "Id", "operator": "EQUALS", "values": [str(job.id)]}]})
    checks.eq(page.totalNumEntries, 1, "get totalNumEntries")
    checks.eq([(e.id, e.status) for e in page.entries], [(job.id, "AWAITING_FILE")], "get entries")
    page = call(checks, "get", hdr, selector={
        "fields": ["Id", "Status"],
        "predicates": [{"field": "Id", "operator": "IN", "values": [str(job.id), str(second.id)]}],
        "ordering": [{"field": "Id", "sortOrder": "DESCENDING"}]})
    checks.eq([e.id for e in page.entries], [second.id, job.id], "get IN, ordered DESCENDING")

    # query (AWQL)
    page = call(checks, "query", hdr,
                query="SELECT Id, Status, DownloadUrl WHERE Id = %d" % job.id)
    checks.eq(page.totalNumEntries, 1, "query totalNumEntries")
    checks.eq([(e.id, e.status) for e in page.entries], [(job.id, "AWAITING_FILE")],
              "query entries")
    page = call(checks, "query", hdr,
                query="SELECT Id WHERE Id IN [%d, %d] ORDER BY Id ASC LIMIT 0,1"
                % (job.id, second.id))
    checks.eq(page.totalNumEntries, 2, "query IN totalNumEntries (before LIMIT)")
    checks.eq([e.id for e in page.entries], [job.id], "query ORDER BY / LIMIT")

    # mutate SET CANCELING, then the faults
    rv = call(checks, "mutate", hdr, operations=[
        {"operator": "SET", "operand": {"id": job.id, "status": "CANCELING"}}])
    checks.eq([(v.id, v.status) for v in rv.value], [(job.id, "CANCELING")], "SET CANCELING")
    expect_fault(checks, "second cancel", lambda: service.mutate(
        operations=[{"operator": "SET", "operand": {"id": job.id, "status": "CANCELING"}}],
        _soapheaders=hdr),
        [("BatchJobError", "INVALID_STATE_CHANGE", "operations[0].operand.status")],
        "BatchJobError.INVALID_STATE_CHANGE")
    expect_fault(checks, "REMOVE", lambda: service.mutate(
        operations=[{"operator": "REMOVE", "operand": {"id": second.id}}], _soapheaders=hdr),
        [("OperatorError", "OPERATOR_NOT_SUPPORTED", "operations[0].operator")],
        "OperatorError.OPERATOR_NOT_SUPPORTED")
    no_auth = make_client(token=None)
    expect_fault(checks, "no Authorization", lambda: no_auth.service.get(
        selector={"fields": ["Id"]}, _soapheaders=[request_header(no_auth)]),
        [("AuthenticationError", "OAUTH_TOKEN_HEADER_INVALID", None)],
        "AuthenticationError.OAUTH_TOKEN_HEADER_INVALID")
    checks.finish()


if __name__ == "__main__":
    sys.exit(main())
