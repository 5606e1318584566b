"""Shared helpers of the Python compat clients: credentials, checks, raw HTTP, results parsing.

Only the standard library is used here, so that each client script exercises just its own
third-party SOAP stack. Every script reads the server's base URL from BG_BASE_URL (set by
run_with_server.py) and talks only to that address.
"""
import http.client
import os
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET

VERSION = "v201702"
NS = "https://adwords.google.com/api/adwords/cm/" + VERSION
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CUSTOMER_ID = "123-456-7890"
DEVELOPER_TOKEN = "compat-dev-token"
ACCESS_TOKEN = "compat-access-token"
PAD_UNIT = 262144


def base_url():
    base = os.environ.get("BG_BASE_URL", "")
    if not base.startswith("http://127.0.0.1:"):
        sys.exit("BG_BASE_URL must be the local server (run through run_with_server.py)")
    return base.rstrip("/")


def poll_until(fetch, done, timeout_s=60.0, interval_s=0.1):
    """Calls fetch() until done(value) holds or timeout_s passes; returns (value, done(value)).
    The one place the compat clients wait for server state (a job leaving ACTIVE)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = fetch()
        if done(value):
            return value, True
        if time.monotonic() >= deadline:
            return value, False
        time.sleep(interval_s)


def wsdl_url(service, version=VERSION):
    return "%s/api/adwords/cm/%s/%s?wsdl" % (base_url(), version, service)


def endpoint_url(service, version=VERSION):
    return "%s/api/adwords/cm/%s/%s" % (base_url(), version, service)


class Checks:
    """Collects assertion results; every check runs, the script fails if any failed."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = []

    def true(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed.append(what)
            print("  FAILED: %s" % what, flush=True)
        return bool(cond)

    def eq(self, actual, expected, what):
        return self.true(actual == expected,
                         "%s: expected %r, got %r" % (what, expected, actual))

    def fatal(self, what):
        self.failed.append(what)
        self.finish()

    def finish(self):
        if self.failed:
            print("%s: %d check(s) FAILED, %d passed" % (self.name, len(self.failed), self.passed))
            sys.exit(1)
        print("%s: all %d checks passed" % (self.name, self.passed))
        sys.exit(0)


def http_request(method, url, body=b"", headers=None):
    """One request on a fresh connection; returns (status, headers dict lower-cased, body)."""
    u = urllib.parse.urlsplit(url)
    if u.hostname != "127.0.0.1":
        raise AssertionError("refusing to talk to %s" % u.hostname)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        path = u.path + ("?" + u.query if u.query else "")
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


def local(tag):
    return tag.rsplit("}", 1)[-1]


def xsi_type(el):
    t = el.get("{%s}type" % XSI)
    return t.rsplit(":", 1)[-1] if t else None


def child(el, name):
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def text(el, path):
    """Text of the descendant at a '/'-separated local-name path, or None."""
    cur = el
    for part in path.split("/"):
        cur = child(cur, part) if cur is not None else None
    return cur.text if cur is not None else None


def parse_results(body):
    """Parses a results download into a list of dicts, one per <rval>, in document order:
    {index, element, xsi_type, node (the result Element), errors: [{type, reason, fieldPath,
    trigger, errorString}]}."""
    root = ET.fromstring(body)
    if local(root.tag) != "mutateResponse":
        raise AssertionError("results root is %s" % root.tag)
    out = []
    for rval in root:
        if local(rval.tag) != "rval":
            raise AssertionError("unexpected results element %s" % rval.tag)
        item = {"index": None, "element": None, "xsi_type": None, "node": None, "errors": []}
        idx = child(rval, "index")
        item["index"] = int(idx.text) if idx is not None else None
        res = child(rval, "result")
        if res is not None and len(res):
            item["element"] = local(res[0].tag)
            item["xsi_type"] = xsi_type(res[0])
            item["node"] = res[0]
        el = child(rval, "errorList")
        if el is not None:
            for e in el:
                item["errors"].append({
                    "type": text(e, "ApiError.Type"), "reason": text(e, "reason"),
                    "fieldPath": text(e, "fieldPath"), "trigger": text(e, "trigger"),
                    "errorString": text(e, "errorString"), "xsi_type": xsi_type(e)})
        out.append(item)
    return out
