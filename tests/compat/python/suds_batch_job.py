#!/usr/bin/python3
"""python3-suds (the SOAP engine of googleads-python-lib <= 10.x) through the whole batch-job flow.

Every one of the 15 v201702 operation types is built the way the official BatchJobHelper does it:
a suds client is created from the served WSDL of the service that owns the operation
(<base>/api/adwords/cm/v201702/<Service>?wsdl), the operation objects come from that client's
factory, the service's mutate / mutateLabel request is serialised with nosend=True, the operations
are cut out of the SOAP Body, namespaces are stripped from tags and `ns0:`/`ns1:` from xsi:type
values, xsi:type of each <operations> is set from its Operation.Type child and the literal
xmlns:xsi declaration is deleted. The job itself is created and polled with a suds client of
BatchJobService; the operations are uploaded as a resumable upload (POST start, PUT chunks padded
to 262144 bytes with `bytes a-b/*`, last one `bytes a-b/total`); the results are downloaded and
checked operation by operation.

Two jobs run: one whose upload strips the real cm namespace (what the library produces with its
default server), and one where it strips `<gateway>/api/adwords/cm/v201702` (what the library
produces when its server setting is the gateway: tags keep an `ns0:` prefix bound to the real
namespace, the root's default namespace is the gateway URL). Both must give the same results.
"""
import re
import sys
import xml.etree.ElementTree as ET

import suds.client

from compat_common import (ACCESS_TOKEN, CUSTOMER_ID, DEVELOPER_TOKEN, NS, PAD_UNIT, VERSION, XSI,
                           Checks, base_url, child, http_request, parse_results, poll_until, text,
                           wsdl_url)

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSI_TYPE = "{%s}type" % XSI
USER_AGENT = "compat-suds (AwApi-Python, suds/%s)" % suds.__version__
# Seeded by fixtures/accounts/compat.xml (CTest sets BATCHGATE_SANDBOX_SEED_FILES): labels and
# feeds cannot be created by batch jobs.
LABEL_ID = 900001
FEED_ID = 900004
AD_TEMP_ID = -4         # the expanded text ad defines it; AdGroupAdLabel refers to it
CRITERION_TEMP_ID = -7  # the keyword defines it; AdGroupCriterionLabel refers to it
JOB_NUMBER = [0]
JOB_TAG = [""]  # appended to entity names: names are unique per account

# Operation type -> (owning service, method), as in the library's operation map.
OPERATION_MAP = {
    "AdGroupAdLabelOperation": ("AdGroupAdService", "mutateLabel"),
    "AdGroupAdOperation": ("AdGroupAdService", "mutate"),
    "AdGroupBidModifierOperation": ("AdGroupBidModifierService", "mutate"),
    "AdGroupCriterionLabelOperation": ("AdGroupCriterionService", "mutateLabel"),
    "AdGroupCriterionOperation": ("AdGroupCriterionService", "mutate"),
    "AdGroupExtensionSettingOperation": ("AdGroupExtensionSettingService", "mutate"),
    "AdGroupLabelOperation": ("AdGroupService", "mutateLabel"),
    "AdGroupOperation": ("AdGroupService", "mutate"),
    "BudgetOperation": ("BudgetService", "mutate"),
    "CampaignCriterionOperation": ("CampaignCriterionService", "mutate"),
    "CampaignExtensionSettingOperation": ("CampaignExtensionSettingService", "mutate"),
    "CampaignLabelOperation": ("CampaignService", "mutateLabel"),
    "CampaignOperation": ("CampaignService", "mutate"),
    "CustomerExtensionSettingOperation": ("CustomerExtensionSettingService", "mutate"),
    "FeedItemOperation": ("FeedItemService", "mutate"),
}


class Services:
    """One suds client per served service WSDL, created on first use (like AdWordsClient)."""

    def __init__(self):
        self.clients = {}

    def get(self, service):
        if service not in self.clients:
            c = suds.client.Client(wsdl_url(service), cache=None, timeout=30,
                                   headers={"Authorization": "Bearer " + ACCESS_TOKEN})
            header = c.factory.create("SoapHeader")
            header.clientCustomerId = CUSTOMER_ID
            header.developerToken = DEVELOPER_TOKEN
            header.userAgent = USER_AGENT
            header.validateOnly = False
            header.partialFailure = False
            c.set_options(soapheaders=header)
            self.clients[service] = c
        return self.clients[service]


def make(factory, type_name, **fields):
    obj = factory.create(type_name)
    for k, v in fields.items():
        setattr(obj, k, v)
    return obj


def operation(services, op_type, operator, build_operand):
    service, _ = OPERATION_MAP[op_type]
    f = services.get(service).factory
    op = make(f, op_type, operator=operator, operand=build_operand(f))
    setattr(op, "Operation.Type", op_type)  # what the library's packer sets from xsi_type
    return op


# ---- the operations: (type, operator, operand builder, expectation) -------------------------
# Temp ids: budget -1, campaign -2, ad group -3. Expectations are checked by check_results().

def budget(f):
    return make(f, "Budget", budgetId=-1, name="compat budget" + JOB_TAG[0],
                amount=make(f, "Money", microAmount=50000000), deliveryMethod="STANDARD")


def campaign(f):
    return make(f, "Campaign", id=-2, name="compat campaign" + JOB_TAG[0], status="PAUSED",
                budget=make(f, "Budget", budgetId=-1), advertisingChannelType="SEARCH",
                biddingStrategyConfiguration=make(f, "BiddingStrategyConfiguration",
                                                  biddingStrategyType="MANUAL_CPC"))


def ad_group(f):
    return make(f, "AdGroup", id=-3, campaignId=-2, name="compat ad group", status="ENABLED")


def keyword(f, text_value, match="BROAD", crit_id=None):
    crit = make(f, "Keyword", text=text_value, matchType=match)
    if crit_id is not None:
        crit.id = crit_id
    return make(f, "BiddableAdGroupCriterion", adGroupId=-3, criterion=crit)


def expanded_text_ad(f):
    return make(f, "AdGroupAd", adGroupId=-3, status="PAUSED",
                ad=make(f, "ExpandedTextAd", id=AD_TEMP_ID,
                        finalUrls=["http://www.example.com/compat"],
                        headlinePart1="Compat headline one", headlinePart2="Compat two",
                        description="Compat description"))


def bid_modifier(f):
    return make(f, "AdGroupBidModifier", campaignId=-2, adGroupId=-3,
                criterion=make(f, "Platform", id=30001), bidModifier=1.5)


def sitelinks(f):
    link = make(f, "SitelinkFeedItem", sitelinkText="Compat sitelink",
                sitelinkFinalUrls=make(f, "UrlList", urls=["http://www.example.com/sl"]))
    return make(f, "AdGroupExtensionSetting", adGroupId=-3, extensionType="SITELINK",
                extensionSetting=make(f, "ExtensionSetting", extensions=[link]))


def callouts(f, type_name, **ids):
    item = make(f, "CalloutFeedItem", calloutText="Compat callout")
    return make(f, type_name, extensionType="CALLOUT",
                extensionSetting=make(f, "ExtensionSetting", extensions=[item]), **ids)


def feed_item(f):
    value = make(f, "FeedItemAttributeValue", feedAttributeId=1, stringValue="compat value")
    return make(f, "FeedItem", feedId=FEED_ID, attributeValues=[value])


def negative_keyword(f):
    return make(f, "NegativeCampaignCriterion", campaignId=-2,
                criterion=make(f, "Keyword", text="compat negative", matchType="EXACT"))


# Three upload requests, in this order. Each entry: (operation type, operator, operand builder).
CHUNKS = [
    [  # the simulated entity chain
        ("BudgetOperation", "ADD", budget),
        ("CampaignOperation", "ADD", campaign),
        ("AdGroupOperation", "ADD", ad_group),
        ("AdGroupCriterionOperation", "ADD", lambda f: keyword(f, "compat keyword", crit_id=CRITERION_TEMP_ID)),
    ],
    [  # every other operation type
        ("AdGroupAdOperation", "ADD", expanded_text_ad),
        ("AdGroupAdLabelOperation", "ADD",
         lambda f: make(f, "AdGroupAdLabel", adGroupId=-3, adId=AD_TEMP_ID, labelId=LABEL_ID)),
        ("AdGroupBidModifierOperation", "ADD", bid_modifier),
        ("AdGroupCriterionLabelOperation", "ADD",
         lambda f: make(f, "AdGroupCriterionLabel", adGroupId=-3, criterionId=CRITERION_TEMP_ID,
                        labelId=LABEL_ID)),
        ("AdGroupExtensionSettingOperation", "ADD", sitelinks),
        ("AdGroupLabelOperation", "ADD",
         lambda f: make(f, "AdGroupLabel", adGroupId=-3, labelId=LABEL_ID)),
        ("CampaignCriterionOperation", "ADD", negative_keyword),
        ("CampaignExtensionSettingOperation", "ADD",
         lambda f: callouts(f, "CampaignExtensionSetting", campaignId=-2)),
        ("CampaignLabelOperation", "ADD",
         lambda f: make(f, "CampaignLabel", campaignId=-2, labelId=LABEL_ID)),
        # One setting per (customer, type): the second job replaces the first one's.
        ("CustomerExtensionSettingOperation", lambda: "ADD" if JOB_NUMBER[0] == 1 else "SET",
         lambda f: callouts(f, "CustomerExtensionSetting")),
        ("FeedItemOperation", "ADD", feed_item),
    ],
    [  # bad input: each must come back as a per-operation error
        ("AdGroupOperation", "ADD",
         lambda f: make(f, "AdGroup", id=-5, campaignId=-99, name="orphan ad group")),
        ("CampaignOperation", "ADD",
         lambda f: make(f, "Campaign", id=-6, status="PAUSED",
                        budget=make(f, "Budget", budgetId=-1), advertisingChannelType="SEARCH",
                        biddingStrategyConfiguration=make(f, "BiddingStrategyConfiguration",
                                                          biddingStrategyType="MANUAL_CPC"))),
        ("AdGroupCriterionOperation", "ADD", lambda f: keyword(f, "compat bad", "SOMETIMES")),
        ("CampaignLabelOperation", "SET",
         lambda f: make(f, "CampaignLabel", campaignId=-2, labelId=LABEL_ID)),
    ],
]


# ---- the library's request builder ----------------------------------------------------------

class UploadRequestBuilder:
    """What BatchJobHelper's upload request builder does with suds-generated requests."""
    ATTRIB_NAMESPACE_SUB = re.compile("ns[0-1]:")
    PREFIX = ('<?xml version="1.0" encoding="UTF-8"?>\n<mutate xmlns="%s" '
              'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">')
    SUFFIX = "</mutate>"

    def __init__(self, services, server):
        self.services = services
        self.endpoint = "%s/api/adwords/cm/%s" % (server, VERSION)
        self.tag_namespace_sub = re.compile(re.escape("{%s}" % self.endpoint))

    def raw_request(self, operations):
        service, method = OPERATION_MAP[operations[0].__class__.__name__]
        client = self.services.get(service)
        client.set_options(nosend=True)
        try:
            envelope = getattr(client.service, method)(operations).envelope
        finally:
            client.set_options(nosend=False)
        return ET.fromstring(envelope)

    def format_for_batch_job_service(self, element):
        element.tag = self.tag_namespace_sub.sub("", element.tag)
        t = element.attrib.get(XSI_TYPE)
        if t:
            element.attrib[XSI_TYPE] = self.ATTRIB_NAMESPACE_SUB.sub("", t)
        for c in element:
            self.format_for_batch_job_service(c)

    def operations_xml(self, operations):
        method = self.raw_request(operations).find("{%s}Body" % SOAP_ENV).find(".//")
        for op in method:
            self.format_for_batch_job_service(op)
            op_type = op.find("Operation.Type")
            if op_type is None:
                op_type = op.find("{%s}Operation.Type" % NS)
            if op_type is None:
                raise AssertionError("suds produced no Operation.Type")
            op.attrib[XSI_TYPE] = op_type.text
        xml = "".join(ET.tostring(op).decode("utf-8") for op in method)
        return xml.replace('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"', "")

    def body(self, operation_groups, has_prefix, has_suffix):
        ops = "".join(self.operations_xml(g) for g in operation_groups)
        return "%s%s%s" % (self.PREFIX % self.endpoint if has_prefix else "", ops,
                           self.SUFFIX if has_suffix else "")


def group_by_type(ops):
    """Consecutive operations of one type go into one service request (as users call it)."""
    groups = []
    for op in ops:
        if groups and groups[-1][0].__class__.__name__ == op.__class__.__name__:
            groups[-1].append(op)
        else:
            groups.append([op])
    return groups


def upload(checks, builder, upload_url, chunks):
    status, headers, _ = http_request("POST", upload_url, b"", {
        "Content-Type": "application/xml", "Content-Length": "0", "x-goog-resumable": "start"})
    checks.eq(status, 201, "upload start status")
    location = headers.get("location", "")
    if not checks.true(location.startswith("http://127.0.0.1:"), "absolute Location: %r" % location):
        checks.fatal("no upload session")
    offset = 0
    for i, ops in enumerate(chunks):
        is_last = i == len(chunks) - 1
        body = builder.body(group_by_type(ops), has_prefix=offset == 0, has_suffix=is_last)
        data = body.encode("utf-8")
        pad = (PAD_UNIT - len(data) % PAD_UNIT) % PAD_UNIT
        data += b" " * pad
        end = offset + len(data)
        status, _, resp = http_request("PUT", location, data, {
            "Content-Type": "application/xml", "Content-Length": str(len(data)),
            "Content-Range": "bytes %d-%d/%s" % (offset, end - 1, end if is_last else "*")})
        checks.eq(len(data) % PAD_UNIT, 0, "chunk %d padded to 262144" % i)
        checks.eq(status, 200 if is_last else 308, "PUT chunk %d status (%s)" % (i, resp[:200]))
        offset = end


# ---- BatchJobService through suds -------------------------------------------------------------

def create_job(checks, bjs):
    op = make(bjs.factory, "BatchJobOperation", operator="ADD",
              operand=bjs.factory.create("BatchJob"))
    rval = bjs.service.mutate([op])
    job = rval.value[0]
    checks.eq(str(job.status), "AWAITING_FILE", "new job status")
    checks.true(int(job.id) > 0, "new job id > 0")
    checks.true(job.uploadUrl.url.startswith(base_url() + "/"),
                "uploadUrl on the gateway: %s" % job.uploadUrl.url)
    return job


def poll(checks, bjs, job_id):
    f = bjs.factory
    selector = make(f, "Selector", fields=["Id", "Status", "DownloadUrl", "ProgressStats"],
                    predicates=[make(f, "Predicate", field="Id", operator="EQUALS",
                                     values=[str(job_id)])])
    seen = []

    def fetch():
        page = bjs.service.get(selector)
        checks.eq(int(page.totalNumEntries), 1, "get totalNumEntries")
        job = page.entries[0]
        status = str(job.status)
        if not seen or seen[-1] != status:
            seen.append(status)
        return job

    job, finished = poll_until(
        fetch, lambda j: str(j.status) not in ("AWAITING_FILE", "ACTIVE", "CANCELING"))
    if finished:
        return job, seen
    checks.fatal("job %s not finished after 60 s (statuses %s)" % (job_id, seen))


def check_results(checks, label, rvals, n_ops):
    checks.eq(len(rvals), n_ops, label + ": one rval per operation")
    checks.eq([r["index"] for r in rvals], list(range(n_ops)), label + ": indexes")
    by_index = {r["index"]: r for r in rvals}

    def ok(i, element, xsi=None):
        r = by_index.get(i) or {"errors": ["missing"], "element": None, "xsi_type": None}
        checks.eq(r["errors"], [], "%s: op %d has no errors" % (label, i))
        checks.eq(r["element"], element, "%s: op %d result element" % (label, i))
        checks.eq(r["xsi_type"], xsi, "%s: op %d result xsi:type" % (label, i))
        return r.get("node")

    def err(i, err_type, reason, field_path):
        r = by_index.get(i) or {"errors": [], "element": None}
        checks.eq(r["element"], None, "%s: op %d has no result" % (label, i))
        got = [(e["type"], e["reason"], e["fieldPath"]) for e in r["errors"]]
        checks.eq(got, [(err_type, reason, field_path)], "%s: op %d errors" % (label, i))

    def real_id(node, field):
        v = text(node, field) if node is not None else None
        checks.true(v is not None and int(v) > 0, "%s: %s is a real id (%r)" % (label, field, v))
        return v

    b = ok(0, "Budget")
    budget_id = real_id(b, "budgetId")
    checks.eq(text(b, "name") if b is not None else None, "compat budget" + JOB_TAG[0], label + ": budget name")
    checks.eq(text(b, "amount/microAmount") if b is not None else None, "50000000",
              label + ": budget amount")
    c = ok(1, "Campaign")
    campaign_id = real_id(c, "id")
    checks.eq(text(c, "budget/budgetId") if c is not None else None, budget_id,
              label + ": campaign.budget.budgetId resolved")
    checks.eq(text(c, "name") if c is not None else None, "compat campaign" + JOB_TAG[0],
              label + ": campaign name")
    g = ok(2, "AdGroup")
    ad_group_id = real_id(g, "id")
    checks.eq(text(g, "campaignId") if g is not None else None, campaign_id,
              label + ": adGroup.campaignId resolved")
    k = ok(3, "AdGroupCriterion", "BiddableAdGroupCriterion")
    checks.eq(text(k, "adGroupId") if k is not None else None, ad_group_id,
              label + ": criterion adGroupId resolved")
    checks.eq(text(k, "criterion/text") if k is not None else None, "compat keyword",
              label + ": keyword text")
    checks.eq(xsi_of(k, "criterion"), "Keyword", label + ": criterion xsi:type")

    # Simulated types: parent references resolved to the real ids, server fields filled.
    ad = ok(4, "AdGroupAd")
    ad_id = real_id(child(ad, "ad"), "id") if ad is not None else None
    checks.eq(text(ad, "approvalStatus"), "UNCHECKED", label + ": ad approvalStatus")
    checks.eq(text(ad, "adGroupId"), ad_group_id, label + ": ad adGroupId")
    checks.eq(xsi_of(ad, "ad"), "ExpandedTextAd", label + ": ad xsi:type")
    checks.eq(text(ad, "ad/headlinePart1"), "Compat headline one", label + ": ad headline")
    n = ok(5, "AdGroupAdLabel")
    checks.eq((text(n, "adGroupId"), text(n, "adId"), text(n, "labelId")),
              (ad_group_id, ad_id, str(LABEL_ID)), label + ": AdGroupAdLabel fields")
    n = ok(6, "AdGroupBidModifier")
    checks.eq((text(n, "campaignId"), text(n, "adGroupId"), text(n, "criterion/id")),
              (campaign_id, ad_group_id, "30001"), label + ": AdGroupBidModifier fields")
    checks.eq(xsi_of(n, "criterion"), "Platform", label + ": bid modifier criterion xsi:type")
    n = ok(7, "AdGroupCriterionLabel")
    checks.eq((text(n, "adGroupId"), text(n, "criterionId"), text(n, "labelId")),
              (ad_group_id, text(k, "criterion/id") if k is not None else None, str(LABEL_ID)),
              label + ": AdGroupCriterionLabel")
    n = ok(8, "AdGroupExtensionSetting")
    checks.eq((text(n, "adGroupId"), text(n, "extensionType")), (ad_group_id, "SITELINK"),
              label + ": AdGroupExtensionSetting fields")
    ext = child(child(n, "extensionSetting"), "extensions") if n is not None else None
    checks.eq(xsi_of_el(ext), "SitelinkFeedItem", label + ": sitelink xsi:type")
    checks.eq(text(ext, "sitelinkText") if ext is not None else None, "Compat sitelink",
              label + ": sitelink text")
    n = ok(9, "AdGroupLabel")
    checks.eq((text(n, "adGroupId"), text(n, "labelId")), (ad_group_id, str(LABEL_ID)),
              label + ": AdGroupLabel fields")
    n = ok(10, "CampaignCriterion", "NegativeCampaignCriterion")
    checks.eq((text(n, "campaignId"), text(n, "criterion/text")), (campaign_id, "compat negative"),
              label + ": NegativeCampaignCriterion fields")
    n = ok(11, "CampaignExtensionSetting")
    checks.eq((text(n, "campaignId"), text(n, "extensionType")), (campaign_id, "CALLOUT"),
              label + ": CampaignExtensionSetting fields")
    n = ok(12, "CampaignLabel")
    checks.eq((text(n, "campaignId"), text(n, "labelId")), (campaign_id, str(LABEL_ID)),
              label + ": CampaignLabel fields")
    n = ok(13, "CustomerExtensionSetting")
    checks.eq(text(n, "extensionType"), "CALLOUT", label + ": CustomerExtensionSetting type")
    n = ok(14, "FeedItem")
    checks.eq((text(n, "feedId"), text(n, "attributeValues/stringValue")),
              (str(FEED_ID), "compat value"), label + ": FeedItem fields")

    for i, expected in EXPECTED_ERRORS.items():
        err(i, *expected)


# Bad-input operations (third chunk): index -> (ApiError.Type, reason, fieldPath).
EXPECTED_ERRORS = {
    15: ("EntityNotFound", "INVALID_ID", "operations[15].operand.campaignId"),
    16: ("RequiredError", "REQUIRED", "operations[16].operand.name"),
    17: ("RequestError", "INVALID_INPUT", "operations[17].operand.criterion.matchType"),
    18: ("OperatorError", "OPERATOR_NOT_SUPPORTED", "operations[18].operator"),
}


def xsi_of(node, name):
    return xsi_of_el(child(node, name) if node is not None else None)


def xsi_of_el(el):
    if el is None:
        return None
    t = el.get(XSI_TYPE)
    return t.rsplit(":", 1)[-1] if t else None


def run_job(checks, services, bjs, label, server_for_namespace):
    print("== job: %s" % label, flush=True)
    JOB_TAG[0] = " (%s)" % label
    JOB_NUMBER[0] += 1
    job = create_job(checks, bjs)
    chunks = [[operation(services, t, o() if callable(o) else o, b) for t, o, b in chunk]
              for chunk in CHUNKS]
    n_ops = sum(len(c) for c in chunks)
    checks.eq(len({t for chunk in CHUNKS for t, _, _ in chunk}), 15, "all 15 operation types used")
    upload(checks, UploadRequestBuilder(services, server_for_namespace), job.uploadUrl.url, chunks)
    done, seen = poll(checks, bjs, job.id)
    checks.eq(str(done.status), "DONE", label + ": final status (seen %s)" % seen)
    # Issue 2: `get` shows ACTIVE at least once before the final status (the official Python
    # example relies on it). The upload is complete before the first poll, so the polls see
    # ACTIVE (live, or reported once for a job that already finished) and then DONE.
    checks.eq(seen, ["ACTIVE", "DONE"], label + ": statuses seen by get")
    stats = done.progressStats
    checks.eq(int(stats.numOperationsExecuted), n_ops, label + ": numOperationsExecuted")
    checks.eq(int(stats.numOperationsSucceeded), n_ops - len(EXPECTED_ERRORS),
              label + ": numOperationsSucceeded")
    url = done.downloadUrl.url if done.downloadUrl is not None else ""
    if not checks.true(url.startswith(base_url() + "/"), label + ": downloadUrl %r" % url):
        return
    status, headers, body = http_request("GET", url)
    checks.eq(status, 200, label + ": download status")
    checks.true(body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'),
                label + ": results start with the XML declaration")
    check_results(checks, label, parse_results(body), n_ops)


def main():
    checks = Checks("suds_batch_job")
    services = Services()
    bjs = services.get("BatchJobService")
    run_job(checks, services, bjs, "default-server namespace", "https://adwords.google.com")
    run_job(checks, services, bjs, "gateway-server namespace", base_url())
    checks.finish()


if __name__ == "__main__":
    sys.exit(main())
