#!/usr/bin/python3
"""python3-zeep and python3-requests over HTTPS, trusting only the gateway's private CA.

Run through `run_with_server.py --tls`: BG_BASE_URL is https://127.0.0.1:PORT and BG_CA_FILE the
CA certificate that `batchgate tls init` wrote. The whole batch job runs over TLS as a Python
client library runs it: the WSDL is fetched and the calls are posted over https (zeep on a
requests session whose only trust anchor is the CA), the uploadUrl and downloadUrl come back as
https:// URLs on the same host, the resumable upload and the download go through requests. Also
checked: without the CA the handshake fails (the system trust store does not know the CA), and
REQUESTS_CA_BUNDLE — what docs/deployment.md tells Python users to set — is honoured.
"""
import os
import sys
import urllib.parse

import requests
import zeep
from zeep.transports import Transport

from compat_common import (ACCESS_TOKEN, CUSTOMER_ID, DEVELOPER_TOKEN, NS, PAD_UNIT, XSI, Checks,
                           parse_results, poll_until)


def base_url():
    base = os.environ.get("BG_BASE_URL", "")
    if not base.startswith("https://127.0.0.1:"):
        sys.exit("BG_BASE_URL must be the local HTTPS server (run_with_server.py --tls)")
    return base.rstrip("/")


def session(ca_file):
    s = requests.Session()
    s.trust_env = False  # never a proxy: the server is on 127.0.0.1
    s.verify = ca_file
    return s


OPERATIONS = """<?xml version="1.0" encoding="UTF-8"?>
<mutate xmlns="%s" xmlns:xsi="%s">
 <operations xsi:type="BudgetOperation"><operator>ADD</operator>
  <operand><budgetId>-1</budgetId><name>TLS budget</name>
   <amount><microAmount>50000000</microAmount></amount></operand></operations>
 <operations xsi:type="CampaignOperation"><operator>ADD</operator>
  <operand><id>-2</id><name>TLS campaign</name><status>PAUSED</status>
   <budget><budgetId>-1</budgetId></budget>
   <advertisingChannelType>SEARCH</advertisingChannelType>
   <biddingStrategyConfiguration><biddingStrategyType>MANUAL_CPC</biddingStrategyType>
   </biddingStrategyConfiguration></operand></operations>
</mutate>""" % (NS, XSI)


def main():
    checks = Checks("zeep_tls")
    base = base_url()
    ca = os.environ["BG_CA_FILE"]
    host = urllib.parse.urlsplit(base).netloc

    # Without the CA: the system store does not trust the gateway.
    untrusting = requests.Session()
    untrusting.trust_env = False
    try:
        untrusting.get(base + "/healthz", timeout=10)
        checks.true(False, "a client without the CA must not connect")
    except requests.exceptions.SSLError as e:
        checks.true("CERTIFICATE_VERIFY_FAILED" in str(e), "untrusted: %s" % e)

    # REQUESTS_CA_BUNDLE, the documented switch for unchanged Python clients.
    os.environ["REQUESTS_CA_BUNDLE"] = ca
    os.environ["NO_PROXY"] = "127.0.0.1"
    r = requests.get(base + "/healthz", timeout=10)
    checks.eq((r.status_code, r.text), (200, "ok\n"), "REQUESTS_CA_BUNDLE")
    del os.environ["REQUESTS_CA_BUNDLE"]

    http = session(ca)
    http.headers["Authorization"] = "Bearer " + ACCESS_TOKEN
    client = zeep.Client(base + "/api/adwords/cm/v201702/BatchJobService?wsdl",
                         transport=Transport(session=http, timeout=30))
    address = client.wsdl.services["BatchJobService"].ports[
        "BatchJobServiceInterfacePort"].binding_options["address"]
    checks.eq(address, base + "/api/adwords/cm/v201702/BatchJobService", "https soap:address")
    header = client.get_element("{%s}RequestHeader" % NS)(
        clientCustomerId=CUSTOMER_ID, developerToken=DEVELOPER_TOKEN,
        userAgent="compat-zeep-tls (zeep/%s)" % zeep.__version__, validateOnly=False,
        partialFailure=False)
    created = client.service.mutate(operations=[{"operator": "ADD", "operand": {}}],
                                    _soapheaders=[header]).body.rval.value[0]
    upload_url = created.uploadUrl.url
    checks.true(upload_url.startswith("https://%s/batchjob/upload/" % host),
                "uploadUrl over https: %s" % upload_url)

    # The resumable upload, padded as the Python library pads it.
    doc = OPERATIONS.encode()
    body = doc + b" " * (PAD_UNIT - len(doc))
    start = http.post(upload_url, data=b"", headers={"x-goog-resumable": "start",
                                                      "Content-Type": "application/xml"})
    checks.eq(start.status_code, 201, "start")
    session_url = start.headers.get("Location", "")
    checks.true(session_url.startswith("https://%s/" % host), "session URL %s" % session_url)
    put = http.put(session_url, data=body, headers={
        "Content-Range": "bytes 0-%d/%d" % (len(body) - 1, len(body)),
        "Content-Type": "application/xml"})
    checks.eq(put.status_code, 200, "final chunk")

    selector = {"fields": ["Id", "Status", "DownloadUrl", "ProgressStats"],
                "predicates": [{"field": "Id", "operator": "EQUALS", "values": [created.id]}]}
    job, _ = poll_until(
        lambda: client.service.get(selector=selector, _soapheaders=[header]).body.rval.entries[0],
        lambda j: j.status in ("DONE", "CANCELED"))
    checks.eq(job.status, "DONE", "job status")
    download_url = job.downloadUrl.url if job.downloadUrl else ""
    checks.true(download_url.startswith("https://%s/batchjob/results/" % host),
                "downloadUrl over https: %s" % download_url)
    got = http.get(download_url)
    checks.eq(got.status_code, 200, "download")
    results = parse_results(got.content)
    checks.eq([r["element"] for r in results], ["Budget", "Campaign"], "results")
    checks.finish()


if __name__ == "__main__":
    main()
