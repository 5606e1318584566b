#!/usr/bin/python3
"""Crash loop: SIGKILL batchgate at random moments of concurrent uploads and executions.

Usage: crash_loop.py --batchgate BIN [--kills N | --quick] [--clients C] [--seed S] [--keep]

What it does (tests/crash/README.md explains why each step proves what it claims):
  1. Starts `BIN serve --listen 127.0.0.1:0 --data DIR` with the executor slowed down
     (BATCHGATE_FAULTS_LATENCY_US) so that jobs run for about a second each.
  2. C client threads each create jobs over SOAP (one clientCustomerId per job) and upload a
     generated document of several hundred KB through the resumable protocol: chunks of 262144
     multiples, odd sizes and tiny ones, Perl-style re-sends, overlapping chunks, totals declared
     early, separate unpadded final chunks (PHP/.NET), finalization by a `bytes */N` query.
  3. The main thread SIGKILLs the server at random moments (bounded uniform delays; some aimed at
     a moment when an upload is in flight, some when a job is executing, some right after a
     restart while the server recovers), restarts it on the same data dir (new port) every time.
  4. On any connection error a client waits for the new server, rebases its URLs onto the new base
     URL (the signature covers the path, not the host), asks `PUT bytes */*` where the upload
     stands and continues from the Range the server reports. Bytes the server acknowledged (308
     Range or 200) and later reports as missing are counted as lost.
  5. After the last kill: every job must reach DONE; a status query on every session must still
     answer 200 with the full size; the stored upload (<data>/uploads/<job>.upload, first `total`
     bytes) must equal what was sent; the results must equal those of an uninterrupted reference
     run of the same documents on a fresh server, after renaming server-assigned ids in order of
     first appearance (see README: ids come from one sequence per data dir, so they depend on the
     order jobs ran in); the sandbox accounts must hold the same entities (exactly once).

Prints "kills survived: K, bytes lost: L, jobs: J, operations: O" and exits 1 on any loss,
mismatch, stuck job, server that does not come back, or when the overall deadline passes.
All traffic goes to 127.0.0.1. Python 3 standard library only.
"""
import argparse
import atexit
import http.client
import json
import os
import random
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

NS = "https://adwords.google.com/api/adwords/cm/v201702"
SOAP_PATH = "/api/adwords/cm/v201702/BatchJobService"
UNIT = 262144
HTTP_TIMEOUT = 10.0  # seconds without an answer from a server that was not killed
CUSTOMER_BASE = 5550000000  # job number n uses clientCustomerId CUSTOMER_BASE + n


class Failure(Exception):
    """A check failed: the run is lost."""


class ConnError(Exception):
    """The request did not get a complete HTTP response (server killed, refused, reset, or no
    answer within the timeout)."""

    def __init__(self, msg, timed_out=False):
        super().__init__(msg)
        self.timed_out = timed_out


def log(msg):
    sys.stdout.write("[%7.2f] %s\n" % (time.monotonic() - T0, msg))
    sys.stdout.flush()


T0 = time.monotonic()


# ----------------------------------------------------------------------------------------------
# The server process.

_live_servers = set()


def _kill_live_servers():
    for proc in list(_live_servers):
        if proc.poll() is None:
            proc.kill()
            proc.wait()


atexit.register(_kill_live_servers)


class Server:
    """One `batchgate serve` on a data dir; kill() and start() again keep the data dir."""

    def __init__(self, binary, data_dir, log_path, env):
        self.binary = binary
        self.data_dir = data_dir
        self.log_path = log_path
        self.env = dict(os.environ, **env)
        self.proc = None
        self.base = None
        self.starts = 0
        # The child dies with this script (setpriv sets PR_SET_PDEATHSIG; the thread that forks
        # is the main thread, which lives until the end).
        self.prefix = ["setpriv", "--pdeathsig", "KILL"] if shutil.which("setpriv") else []

    def start(self, timeout=20.0):
        self.starts += 1
        with open(self.log_path, "ab") as logf:
            logf.write(b"---- start %d ----\n" % self.starts)
            logf.flush()
            self.proc = subprocess.Popen(
                self.prefix + [self.binary, "serve", "--listen", "127.0.0.1:0", "--data",
                               self.data_dir],
                stdout=subprocess.PIPE, stderr=logf, stdin=subprocess.DEVNULL, env=self.env)
        _live_servers.add(self.proc)
        deadline = time.monotonic() + timeout
        line = b""
        fd = self.proc.stdout.fileno()
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise Failure("server start %d: no base URL within %.0f s (crash loop that "
                              "never recovers?)" % (self.starts, timeout))
            ready, _, _ = select.select([fd], [], [], min(left, 0.5))
            if not ready:
                if self.proc.poll() is not None:
                    break
                continue
            chunk = os.read(fd, 256)
            if not chunk:
                break
            line += chunk
        base = line.split(b"\n")[0].decode(errors="replace").strip()
        if not base.startswith("http://127.0.0.1:"):
            code = self.proc.poll()
            self.kill()
            raise Failure("server start %d failed (exit %s, stdout %r); log tail:\n%s"
                          % (self.starts, code, base, tail(self.log_path)))
        # Nothing else is written to stdout, but drain it so the child can never block.
        threading.Thread(target=_drain, args=(self.proc.stdout,), daemon=True).start()
        self.base = base
        return base

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        _live_servers.discard(self.proc)

    def terminate(self, timeout=20.0):
        """SIGTERM; returns the exit status (SIGKILL after `timeout`, then -9)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        _live_servers.discard(self.proc)
        return self.proc.returncode


def _drain(pipe):
    try:
        while pipe.read(4096):
            pass
    except (OSError, ValueError):
        pass


def tail(path, lines=40):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


class Shared:
    """Where the server is now. The killer marks it down BEFORE SIGKILL, so that every request
    broken by a kill sees a changed generation."""

    def __init__(self, deadline):
        self.cond = threading.Condition()
        self.base = None
        self.gen = 0
        self.up = False
        self.deadline = deadline
        self.stop_new_jobs = False
        self.failures = []
        # What the clients are doing (read by the killer to classify each kill).
        self.uploading = set()        # job ids between the start POST and the final 200
        self.chunk_on_wire = set()    # job ids with a data request outstanding
        self.executing = {}           # job id -> customer: uploaded, not yet seen DONE
        self.counters = {}

    def set_up(self, base):
        with self.cond:
            self.base = base
            self.gen += 1
            self.up = True
            self.cond.notify_all()

    def set_down(self):
        with self.cond:
            self.gen += 1
            self.up = False

    def current(self):
        with self.cond:
            return self.base, self.gen, self.up

    def wait_up(self):
        """Blocks until the server is up; returns (base URL, generation)."""
        with self.cond:
            while not self.up:
                left = self.deadline - time.monotonic()
                if left <= 0:
                    raise Failure("overall deadline passed while waiting for the server")
                self.cond.wait(min(left, 0.5))
            return self.base, self.gen

    def count(self, name, n=1):
        with self.cond:
            self.counters[name] = self.counters.get(name, 0) + n

    def fail(self, msg):
        with self.cond:
            self.failures.append(msg)
        log("FAIL: " + msg)


# ----------------------------------------------------------------------------------------------
# HTTP (one keep-alive connection per client, to 127.0.0.1 only).

def rebase(url, base):
    u = urllib.parse.urlsplit(url)
    return base + u.path + ("?" + u.query if u.query else "")


class Http:
    def __init__(self, timeout=HTTP_TIMEOUT):
        self.conn = None
        self.conn_base = None
        self.timeout = timeout

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def request(self, method, url, headers=None, body=b""):
        u = urllib.parse.urlsplit(url)
        if u.hostname != "127.0.0.1":
            raise Failure("refusing non-loopback URL %s" % url)
        base = "%s://%s" % (u.scheme, u.netloc)
        if self.conn is None or self.conn_base != base:
            self.close()
            self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=self.timeout)
            self.conn_base = base
        path = u.path + ("?" + u.query if u.query else "")
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            r = self.conn.getresponse()
            data = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            if r.will_close:
                self.close()
            return r.status, hdrs, data
        except (OSError, http.client.HTTPException) as e:
            self.close()
            raise ConnError("%s %s: %s" % (method, u.path[:40], e.__class__.__name__),
                            isinstance(e, TimeoutError)) from e


# ----------------------------------------------------------------------------------------------
# SOAP BatchJobService (the envelope the Java/Python libraries send).

def envelope(customer, body):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Header>'
        '<ns1:RequestHeader xmlns:ns1="%s" soapenv:mustUnderstand="0">'
        '<ns1:clientCustomerId>%s</ns1:clientCustomerId>'
        '<ns1:developerToken>dev-token</ns1:developerToken>'
        '<ns1:userAgent>batchgate-crash-loop (AwApi-Python)</ns1:userAgent>'
        '</ns1:RequestHeader></soapenv:Header><soapenv:Body>%s</soapenv:Body>'
        '</soapenv:Envelope>' % (NS, customer, body)).encode()


def local(tag):
    return tag.rsplit("}", 1)[-1]


def find(el, name):
    for c in el.iter():
        if local(c.tag) == name:
            return c
    return None


def child_text(el, *path):
    for name in path:
        if el is None:
            return ""
        el = next((c for c in el if local(c.tag) == name), None)
    return (el.text or "") if el is not None else ""


def parse_jobs(data):
    """(list of job dicts, fault string)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return [], "unparsable SOAP response: %r" % data[:200]
    fault = find(root, "Fault")
    if fault is not None:
        return [], child_text(fault, "faultstring") or "fault"
    rval = find(root, "rval")
    jobs = []
    for e in (rval if rval is not None else []):
        if local(e.tag) not in ("value", "entries"):
            continue
        jobs.append({
            "id": int(child_text(e, "id") or 0),
            "status": child_text(e, "status"),
            "upload_url": child_text(e, "uploadUrl", "url"),
            "download_url": child_text(e, "downloadUrl", "url"),
            "executed": int(child_text(e, "progressStats", "numOperationsExecuted") or 0),
            "succeeded": int(child_text(e, "progressStats", "numOperationsSucceeded") or 0),
            "processing_error": child_text(e, "processingErrors", "reason"),
        })
    return jobs, ""


class Soap:
    def __init__(self, shared, customer, http_=None, retry=True):
        self.shared = shared
        self.customer = customer
        self.http = http_ or Http()
        self.retry = retry

    def call(self, body):
        """POSTs until a complete answer arrives (waiting out kills). Returns (jobs, fault)."""
        while True:
            base, gen = self.shared.wait_up()
            try:
                status, _, data = self.http.request(
                    "POST", base + SOAP_PATH,
                    {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""',
                     "Authorization": "Bearer access-token"},
                    envelope(self.customer, body))
            except ConnError as e:
                if not self.retry:
                    raise
                note_conn_error(self.shared, gen, e)
                if "<mutate" in body:
                    # The ADD may have committed before the kill: the retry then leaves an
                    # orphan job AWAITING_FILE under this job's own customer (harmless).
                    self.shared.count("mutate ADD retried after a kill")
                continue
            jobs, fault = parse_jobs(data)
            if status != 200 and not fault:
                fault = "HTTP %d" % status
            return jobs, fault

    def create(self):
        jobs, fault = self.call('<mutate xmlns="%s"><operations><operator>ADD</operator>'
                                '<operand/></operations></mutate>' % NS)
        if fault or not jobs:
            raise Failure("mutate ADD for %s: %s" % (self.customer, fault or "no job"))
        return jobs[0]

    def get(self, job_id):
        jobs, fault = self.call(
            '<get xmlns="%s"><selector><fields>Id</fields><fields>Status</fields>'
            '<fields>DownloadUrl</fields><fields>ProcessingErrors</fields>'
            '<fields>ProgressStats</fields><predicates><field>Id</field>'
            '<operator>EQUALS</operator><values>%d</values></predicates></selector></get>'
            % (NS, job_id))
        if fault or not jobs:
            raise Failure("get job %d: %s" % (job_id, fault or "no entry"))
        return jobs[0]


def note_conn_error(shared, gen, err):
    """After a failed request: a kill explains it when the generation moved on. A server that
    stops answering without being killed (a hang, a deadlock) fails the run: a real client would
    wait forever too."""
    _, now_gen, up = shared.current()
    if now_gen == gen and up:
        if err.timed_out:
            raise Failure("the server (not killed) gave no answer within %.0f s: %s (hang or "
                          "deadlock? see the server log)" % (HTTP_TIMEOUT, err))
        # A dropped keep-alive connection, or a real problem: retried, and reported.
        shared.count("connection errors without a kill")
        time.sleep(0.05)
    else:
        shared.count("requests broken by a kill")


# ----------------------------------------------------------------------------------------------
# Documents: deterministic per job number, unique per job, several hundred KB.

def make_doc(job_no, seed, min_bytes, max_bytes):
    """Returns (bytes, number of operations)."""
    rng = random.Random(seed * 1000003 + job_no)
    target = rng.randint(min_bytes, max_bytes)
    p = ['<?xml version="1.0" encoding="UTF-8"?>'
         '<mutate xmlns="%s" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' % NS]
    p.append('<operations xsi:type="BudgetOperation"><operator>ADD</operator><operand>'
             '<budgetId>-1</budgetId><name>Crash budget %d</name><amount><microAmount>%d'
             '</microAmount></amount></operand></operations>'
             % (job_no, 1000000 * rng.randint(1, 90)))
    p.append('<operations xsi:type="CampaignOperation"><operator>ADD</operator><operand>'
             '<id>-2</id><name>Crash campaign %d</name><status>PAUSED</status><budget>'
             '<budgetId>-1</budgetId></budget><advertisingChannelType>SEARCH'
             '</advertisingChannelType><biddingStrategyConfiguration><biddingStrategyType>'
             'MANUAL_CPC</biddingStrategyType></biddingStrategyConfiguration></operand>'
             '</operations>' % job_no)
    groups = rng.randint(2, 4)
    for g in range(groups):
        p.append('<operations xsi:type="AdGroupOperation"><operator>ADD</operator><operand>'
                 '<id>-%d</id><campaignId>-2</campaignId><name>Crash ad group %d.%d</name>'
                 '</operand></operations>' % (10 + g, job_no, g))
    ops = 2 + groups
    size = sum(len(x.encode()) for x in p)
    k = 0
    while size < target:
        r = rng.random()
        if r < 0.01:
            text = "bad!keyword %d %d" % (job_no, k)  # CriterionError.KEYWORD_HAS_INVALID_CHARS
        elif r < 0.015:
            text = " ".join("w%d" % i for i in range(12))  # too many words
        elif r < 0.1:
            text = "cr\u00e8me br\u00fbl\u00e9e %d %d" % (job_no, k)  # multi-byte UTF-8
        else:
            text = "crash keyword %d %d %s" % (job_no, k, rng.choice(["shoes", "mars cruise",
                                                                    "red hat", "blue sky"]))
        op = ('<operations xsi:type="AdGroupCriterionOperation"><operator>ADD</operator>'
              '<operand xsi:type="BiddableAdGroupCriterion"><adGroupId>-%d</adGroupId>'
              '<criterion xsi:type="Keyword"><text>%s</text><matchType>%s</matchType>'
              '</criterion></operand></operations>'
              % (10 + k % groups, text, rng.choice(["BROAD", "PHRASE", "EXACT"])))
        p.append(op)
        size += len(op.encode())
        ops += 1
        k += 1
    p.append("</mutate>")
    doc = "".join(p).encode()
    if rng.random() < 0.5:  # the Python library pads the whole document to 256 KiB multiples
        doc += b" " * ((UNIT - len(doc) % UNIT) % UNIT)
    return doc, ops


def customer_of(job_no):
    c = "%010d" % (CUSTOMER_BASE + job_no)
    return "%s-%s-%s" % (c[:3], c[3:6], c[6:])


# ----------------------------------------------------------------------------------------------
# One client: creates jobs and uploads them, resuming through status queries after every kill.

class Job:
    def __init__(self, job_no, doc, ops):
        self.job_no = job_no
        self.doc = doc
        self.ops = ops
        self.customer = customer_of(job_no)
        self.id = 0
        self.upload_url = ""
        self.session = ""
        self.status = ""
        self.final = None  # the last `get` view


class Client(threading.Thread):
    def __init__(self, index, shared, opts, job_counter, jobs_out):
        super().__init__(name="client-%d" % index, daemon=True)
        self.index = index
        self.shared = shared
        self.opts = opts
        self.rng = random.Random(opts.seed * 7919 + index)
        self.http = Http()
        self.job_counter = job_counter
        self.jobs_out = jobs_out
        self.mine = []

    # -- driving -------------------------------------------------------------------------------
    def run(self):
        try:
            while (not self.shared.stop_new_jobs and len(self.mine) < self.opts.max_jobs_per_client
                   and not self.shared.failures):
                self.wait_backlog(self.opts.backlog)
                if self.shared.stop_new_jobs and self.mine:
                    break
                job_no = next(self.job_counter)
                doc, ops = make_doc(job_no, self.opts.seed, self.opts.min_bytes,
                                    self.opts.max_bytes)
                job = Job(job_no, doc, ops)
                soap = Soap(self.shared, job.customer, self.http)
                created = soap.create()
                job.id, job.upload_url = created["id"], created["upload_url"]
                self.mine.append(job)
                self.jobs_out.append(job)
                self.upload(job)
            self.wait_backlog(1)  # all of them DONE
        except Failure as e:
            self.shared.fail("%s: %s" % (self.name, e))
        except Exception as e:  # noqa: BLE001 - any bug in the client is a failed run too
            self.shared.fail("%s: unexpected %r" % (self.name, e))

    def wait_backlog(self, limit):
        """Polls `get` until fewer than `limit` of this client's jobs are not DONE."""
        pause = 0.05
        while True:
            pending = [j for j in self.mine if j.status != "DONE"]
            if len(pending) < limit:
                return
            for j in pending:
                v = Soap(self.shared, j.customer, self.http).get(j.id)
                j.final = v
                if v["status"] in ("CANCELED", "CANCELING") or v["processing_error"]:
                    raise Failure("job %d ended %s (%s)" % (j.id, v["status"],
                                                           v["processing_error"]))
                if v["status"] == "DONE":
                    j.status = "DONE"
                    with self.shared.cond:
                        self.shared.executing.pop(j.id, None)
            if time.monotonic() > self.shared.deadline:
                raise Failure("jobs still not DONE at the deadline: %s" % ", ".join(
                    "%d:%s" % (j.id, j.final and j.final["status"]) for j in pending))
            time.sleep(pause)
            pause = min(pause * 1.5, 0.3)

    # -- the resumable upload ------------------------------------------------------------------
    def upload(self, job):
        sh = self.shared
        with sh.cond:
            sh.uploading.add(job.id)
        total = len(job.doc)
        rng = self.rng
        # How this job ends its upload: the chunk reaching the end carries /TOTAL; or a separate
        # unpadded tail chunk (PHP's </ns1:mutate>, .NET's </mutate>); or every byte goes with /*
        # and a `bytes */TOTAL` status query finalizes (Cloud Storage semantics).
        finish = rng.choice(["range", "range", "tail", "query"])
        tail_len = rng.randint(1, 13) if finish == "tail" else 0
        early_total = finish != "query" and rng.random() < 0.25  # /TOTAL on every chunk
        self.start_session(job)
        acked = 0      # bytes the server acknowledged (308 Range / 200)
        pos = 0        # next byte to send
        complete = False
        final_sent = False  # a request that completes the upload went out
        last_chunk = None
        while not complete:
            self.pace()
            if last_chunk is not None and rng.random() < 0.15:
                first, end = last_chunk  # Perl re-sends the chunk it just sent
                sh.count("identical re-sends")
            else:
                first = pos
                if pos > 0 and rng.random() < 0.1:
                    first = pos - rng.randint(1, min(pos, 100000))  # overlaps acknowledged bytes
                    sh.count("overlapping chunks")
                limit = total - tail_len
                if first >= limit:  # only the tail (or, for "query", nothing) is left
                    end = total
                else:
                    end = min(limit, first + self.chunk_len())
            is_final_range = end == total and finish != "query"
            if finish == "query" and first >= total:
                kind, cr, body = "query", "bytes */%d" % total, b""
            else:
                kind = "chunk"
                cr = "bytes %d-%d/%s" % (first, end - 1,
                                         str(total) if (is_final_range or early_total) else "*")
                body = job.doc[first:end]
            headers = {"Content-Type": "application/xml", "Content-Range": cr}
            if len(body) > 4096 and rng.random() < 0.3:
                # Trickle the body in pieces, so that kills land while the server reads it.
                headers["Content-Length"] = str(len(body))
                body = trickle(body, rng)
                sh.count("trickled chunks")
            base, gen = sh.wait_up()
            final_sent = final_sent or is_final_range or kind == "query"
            with sh.cond:
                sh.chunk_on_wire.add(job.id)
            try:
                status, hdrs, data = self.http.request(
                    "PUT", rebase(job.session, base), headers, body)
            except ConnError as e:
                note_conn_error(sh, gen, e)
                acked, pos, complete = self.resume(job, acked, final_sent,
                                                   end if kind == "chunk" else acked)
                last_chunk = None
                continue
            finally:
                with sh.cond:
                    sh.chunk_on_wire.discard(job.id)
            sh.count("upload requests")
            if status == 308:
                stored = range_end(hdrs.get("range"))
                want = max(acked, end) if kind == "chunk" else acked
                if stored != want:
                    raise Failure("job %d: %s answered 308 Range %r, expected bytes=0-%d"
                                  % (job.id, cr, hdrs.get("range"), want - 1))
                if is_final_range or kind == "query":
                    raise Failure("job %d: %s with all bytes answered 308, not 200"
                                  % (job.id, cr))
                acked = pos = stored
                last_chunk = (first, end) if kind == "chunk" and first < end else None
            elif status == 200:
                if not (is_final_range or kind == "query"):
                    raise Failure("job %d: non-final %s answered 200 (finalized early)"
                                  % (job.id, cr))
                self.check_size(job, data)
                acked, complete = total, True
            elif status == 503:
                sh.count("503 busy answers")
                time.sleep(0.2)
            else:
                raise Failure("job %d: %s answered %d %r" % (job.id, cr, status, data[:300]))
        with sh.cond:
            sh.uploading.discard(job.id)
            sh.executing[job.id] = job.customer
        job.status = "UPLOADED"

    def start_session(self, job):
        while True:
            base, gen = self.shared.wait_up()
            try:
                status, hdrs, data = self.http.request(
                    "POST", rebase(job.upload_url, base),
                    {"Content-Type": "application/xml", "x-goog-resumable": "start"}, b"")
            except ConnError as e:
                note_conn_error(self.shared, gen, e)
                continue
            if status != 201 or not hdrs.get("location", "").startswith("http://127.0.0.1:"):
                raise Failure("job %d: start answered %d %r" % (job.id, status, data[:200]))
            job.session = hdrs["location"]
            return

    def resume(self, job, acked, final_sent, inflight_end):
        """Status query on the (rebased) session after a broken request; returns the new
        (acked, pos, complete). Counts acknowledged bytes the server no longer has. The server
        commits whole chunks, so it may report more than `acked` only when the broken request
        (ending at `inflight_end`) committed before the kill: anything else is a partly stored
        chunk that got acknowledged."""
        sh = self.shared
        total = len(job.doc)
        while True:
            base, gen = sh.wait_up()
            try:
                status, hdrs, data = self.http.request(
                    "PUT", rebase(job.session, base), {"Content-Range": "bytes */*"}, b"")
            except ConnError as e:
                note_conn_error(sh, gen, e)
                continue
            sh.count("status queries")
            if status == 308:
                stored = range_end(hdrs.get("range"))
                if stored < acked:
                    sh.count("bytes lost", acked - stored)
                    sh.fail("job %d: server reports %d bytes after %d were acknowledged"
                            % (job.id, stored, acked))
                if stored > acked and stored != inflight_end:
                    raise Failure("job %d: server reports %d bytes stored; acknowledged %d, the "
                                  "broken request ended at %d" % (job.id, stored, acked,
                                                                  inflight_end))
                pos = stored
                if stored > 0 and self.rng.random() < 0.3:
                    pos = stored - self.rng.randint(1, min(stored, 50000))  # re-send some
                    sh.count("overlapping resumes")
                return stored, pos, False
            if status == 200:
                # Only legitimate when the final request got through before the kill.
                if not final_sent:
                    raise Failure("job %d: upload complete before its final request was sent "
                                  "(finalized early)" % job.id)
                self.check_size(job, data)
                return total, total, True
            raise Failure("job %d: status query after restart answered %d %r (session lost?)"
                          % (job.id, status, data[:300]))

    def check_size(self, job, data):
        try:
            size = int(json.loads(data.decode())["size"])
        except (ValueError, KeyError, UnicodeDecodeError):
            raise Failure("job %d: 200 without a JSON size: %r" % (job.id, data[:200]))
        if size != len(job.doc):
            raise Failure("job %d: 200 says size %d, sent %d" % (job.id, size, len(job.doc)))

    def chunk_len(self):
        r = self.rng.random()
        if r < 0.35:
            return UNIT * self.rng.choice([1, 1, 2])
        if r < 0.7:
            return self.rng.randint(1000, 200000)  # odd sizes (libraries that count characters)
        if r < 0.88:
            return UNIT * self.rng.randint(1, 2) + self.rng.randint(1, 4000)
        return self.rng.randint(1, 64)  # tiny

    def pace(self):
        if self.opts.pace > 0:
            time.sleep(self.rng.uniform(0, self.opts.pace))


def trickle(body, rng):
    """The body in 3..8 pieces with short pauses between them (an iterable for http.client)."""
    cuts = sorted(rng.sample(range(1, len(body)), rng.randint(2, 7)))
    pauses = [rng.uniform(0.005, 0.04) for _ in cuts]

    def pieces():
        start = 0
        for cut, pause in zip(cuts, pauses):
            yield body[start:cut]
            time.sleep(pause)
            start = cut
        yield body[start:]

    return pieces()


def range_end(value):
    """'bytes=0-N' -> N+1; no header -> 0."""
    if not value:
        return 0
    m = re.fullmatch(r"bytes=0-(\d+)", value.strip())
    if not m:
        raise Failure("malformed Range header %r" % value)
    return int(m.group(1)) + 1


# ----------------------------------------------------------------------------------------------
# Verification helpers.

ID_RE = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?(?:id|[A-Za-z_]\w*Id))>(-?\d+)</\1>")


def canonical_ids(doc):
    """Renames every id-valued element (id, budgetId, campaignId, adGroupId, ...) to its order of
    first appearance, consistently: the same server id always gets the same name."""
    names = {}

    def sub(m):
        n = names.setdefault(m.group(2), b"#%d" % (len(names) + 1))
        return b"<" + m.group(1) + b">" + n + b"</" + m.group(1) + b">"

    return ID_RE.sub(sub, doc)


def sandbox_rows(batchgate, data_dir):
    """{customer: (sorted canonical entity rows, canonical account dump)} from the sandbox
    tables, or (None, reason). Entity blobs are binary (the sandbox's compact codec), so their
    content is compared through `batchgate sandbox dump`, which prints each account as XML, with
    ids renamed as in the results."""
    path = os.path.join(data_dir, "batchgate.db")
    try:
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        rows = db.execute("SELECT customer_id, kind, scope, id, parent_id, name, status "
                          "FROM sandbox_entities").fetchall()
        db.close()
    except sqlite3.Error as e:
        return None, "sandbox tables not readable (%s)" % e
    by_customer = {}
    for r in rows:
        by_customer.setdefault(re.sub(r"\D", "", str(r[0])), []).append(r)
    out = {}
    for customer, rs in by_customer.items():
        ids = sorted({r[3] for r in rs})
        rank = {v: i + 1 for i, v in enumerate(ids)}
        dump = subprocess.run([batchgate, "sandbox", "dump", "--data", data_dir, customer],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        if dump.returncode != 0:
            return None, "sandbox dump %s failed: %s" % (customer, dump.stderr.decode()[-400:])
        out[customer] = (sorted(
            (r[1], rank.get(r[2], r[2]), rank[r[3]], rank.get(r[4], r[4]), r[5], r[6])
            for r in rs), canonical_ids(dump.stdout))
    return out, ""


def stored_upload_matches(data_dir, job):
    path = os.path.join(data_dir, "uploads", "%d.upload" % job.id)
    try:
        with open(path, "rb") as f:
            stored = f.read(len(job.doc))
    except OSError as e:
        return "cannot read %s: %s" % (path, e)
    if stored == job.doc:
        return ""
    if len(stored) < len(job.doc):
        return "stored upload is %d bytes, sent %d" % (len(stored), len(job.doc))
    first = next(i for i in range(len(stored)) if stored[i] != job.doc[i])
    return "stored upload differs from what was sent at byte %d" % first


def download(http_, base, url):
    status, _, data = http_.request("GET", rebase(url, base))
    if status != 200:
        raise Failure("download %s: HTTP %d" % (url[:60], status))
    return data


# ----------------------------------------------------------------------------------------------
# The reference: the same documents, uninterrupted, on a fresh server.

def reference_run(opts, work, jobs):
    data_dir = os.path.join(work, "ref-data")
    env = {"BATCHGATE_EXECUTOR_BATCH_SIZE": str(opts.batch_size),
           "BATCHGATE_FAULTS_LATENCY_US": "0"}
    server = Server(opts.batchgate, data_dir, os.path.join(work, "ref-server.log"), env)
    shared = Shared(DEADLINE)
    shared.set_up(server.start())
    out = {}
    errors = []
    queue = list(jobs)
    lock = threading.Lock()

    def worker():
        http_ = Http()
        while True:
            with lock:
                if not queue or errors:
                    return
                job = queue.pop(0)
            try:
                soap = Soap(shared, job.customer, http_, retry=False)
                created = soap.create()
                base = shared.base
                status, hdrs, data = http_.request(
                    "POST", rebase(created["upload_url"], base), {"x-goog-resumable": "start"})
                if status != 201:
                    raise Failure("reference start: %d" % status)
                total = len(job.doc)
                status, _, data = http_.request(
                    "PUT", rebase(hdrs["location"], base),
                    {"Content-Range": "bytes 0-%d/%d" % (total - 1, total)}, job.doc)
                if status != 200:
                    raise Failure("reference upload: %d %r" % (status, data[:200]))
                deadline = time.monotonic() + 120
                while True:
                    v = soap.get(created["id"])
                    if v["status"] == "DONE":
                        break
                    if v["status"] == "CANCELED" or time.monotonic() > min(deadline, DEADLINE):
                        raise Failure("reference job for %s: %s %s" % (
                            job.customer, v["status"], v["processing_error"]))
                    time.sleep(0.05)
                out[job.job_no] = (v, download(http_, base, v["download_url"]))
            except (Failure, ConnError) as e:
                with lock:
                    errors.append(str(e))
                return

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(1.0, DEADLINE - time.monotonic()))
    server.terminate()
    if errors or len(out) != len(jobs):
        raise Failure("reference run failed: %s\n%s" % ("; ".join(errors) or "timeout",
                                                          tail(server.log_path)))
    rows, why = sandbox_rows(opts.batchgate, data_dir)
    return out, rows, why


# ----------------------------------------------------------------------------------------------
# The killer (main thread).

def kill_loop(opts, server, shared, probe_http):
    rng = random.Random(opts.seed * 31 + 7)
    stats = {"kills": 0, "upload": 0, "chunk": 0, "active": 0, "progress": 0, "recovery": 0}

    def classify():
        """Which jobs are ACTIVE now, and did any of them commit partial progress?"""
        active = progress = False
        with shared.cond:
            candidates = sorted(shared.executing.items())[:4]
        for job_id, customer in candidates:
            try:
                v = Soap(shared, customer, probe_http, retry=False).get(job_id)
            except (ConnError, Failure):
                continue
            if v["status"] == "ACTIVE":
                active = True
                progress = progress or v["executed"] > 0
        return active, progress

    for i in range(opts.kills):
        if shared.failures:
            return stats
        if time.monotonic() > DEADLINE:
            raise Failure("overall deadline passed after %d kills" % stats["kills"])
        aim = "recovery" if i % 10 == 9 else ("uniform", "upload", "exec", "exec")[i % 4]
        active = progress = False
        if aim == "upload":
            wait_for(shared, lambda: shared.uploading, 5.0)
            time.sleep(rng.uniform(0.0, 0.25))
        elif aim == "exec":
            # Into a job's execution: when the job waited for finished meanwhile (the executor
            # is fast), aim again at the next one, a few times at most.
            for attempt in range(4):
                wait_for(shared, lambda: shared.executing, 5.0)
                time.sleep(rng.uniform(0.05, 0.6) if attempt == 0 else rng.uniform(0.0, 0.2))
                active, progress = classify()
                if active:
                    break
        elif aim == "recovery":
            time.sleep(rng.uniform(0.0, 0.1))  # the server is still recovering its jobs
        else:
            time.sleep(rng.uniform(opts.min_delay, opts.max_delay))
        if aim in ("upload", "uniform"):
            active, progress = classify()
        if not server.alive():
            raise Failure("the server exited by itself (status %s) before kill %d; log tail:\n%s"
                          % (server.proc.returncode, i + 1, tail(server.log_path)))
        with shared.cond:
            uploading = bool(shared.uploading)
            on_wire = bool(shared.chunk_on_wire)
        shared.set_down()
        server.kill()
        stats["kills"] += 1
        stats["upload"] += uploading
        stats["chunk"] += on_wire
        stats["active"] += active
        stats["progress"] += progress
        stats["recovery"] += aim == "recovery"
        time.sleep(rng.uniform(0.0, 0.2))  # clients meet refused connections meanwhile
        base = server.start()
        shared.set_up(base)
        if opts.verbose or (i + 1) % 10 == 0:
            log("kill %d (%s): uploading=%s chunk=%s active=%s progress=%s -> %s"
                % (i + 1, aim, uploading, on_wire, active, progress, base))
    return stats


def wait_for(shared, predicate, timeout):
    until = min(time.monotonic() + timeout, DEADLINE)
    while time.monotonic() < until:
        with shared.cond:
            if predicate():
                return True
        time.sleep(0.01)
    return False


DEADLINE = 0.0


class Counter:
    def __init__(self):
        self.n = 0
        self.lock = threading.Lock()

    def __next__(self):
        with self.lock:
            self.n += 1
            return self.n


def main():
    global DEADLINE
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batchgate", required=True, help="path of the batchgate binary")
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--quick", action="store_true", help="8 kills, smaller documents")
    ap.add_argument("--clients", type=int, default=6)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--deadline", type=float, default=None, help="overall seconds (hard)")
    ap.add_argument("--latency-us", type=int, default=400, help="faults.latency_us per operation")
    ap.add_argument("--batch-size", type=int, default=64, help="executor.batch_size")
    ap.add_argument("--keep", action="store_true", help="keep the work dir")
    ap.add_argument("--verbose", action="store_true")
    opts = ap.parse_args()
    if opts.quick:
        opts.kills = min(opts.kills, 8)
    if opts.seed is None:
        opts.seed = int(os.environ.get("BG_CRASH_SEED", random.SystemRandom().randrange(1 << 30)))
    opts.min_bytes, opts.max_bytes = (150000, 400000) if opts.quick else (250000, 700000)
    opts.backlog = 2                 # jobs per client not yet DONE before it creates another
    opts.max_jobs_per_client = 40    # safety cap
    opts.pace = 0.12                 # think time between upload requests (uniform 0..pace s)
    opts.min_delay, opts.max_delay = 0.3, 2.0
    if opts.deadline is None:
        opts.deadline = 75.0 if opts.quick else 200.0
    DEADLINE = time.monotonic() + opts.deadline
    binary = os.path.abspath(opts.batchgate)
    opts.batchgate = binary
    if not os.access(binary, os.X_OK):
        print("FAIL: %s is not executable" % binary)
        return 1

    work = tempfile.mkdtemp(prefix="bg-crash-")
    data_dir = os.path.join(work, "data")
    log_path = os.path.join(work, "server.log")
    log("seed %d, %d kills, %d clients, latency %d us/op, work dir %s"
        % (opts.seed, opts.kills, opts.clients, opts.latency_us, work))
    env = {"BATCHGATE_EXECUTOR_BATCH_SIZE": str(opts.batch_size),
           "BATCHGATE_FAULTS_LATENCY_US": str(opts.latency_us)}
    server = Server(binary, data_dir, log_path, env)
    shared = Shared(DEADLINE)
    jobs = []
    failures = []
    stats = {}
    ok = False
    try:
        shared.set_up(server.start())
        counter = Counter()
        clients = [Client(i, shared, opts, counter, jobs) for i in range(opts.clients)]
        for c in clients:
            c.start()
        try:
            stats = kill_loop(opts, server, shared, Http(timeout=2.0))
        finally:
            shared.stop_new_jobs = True
        log("%d kills done; waiting for every job to finish" % stats.get("kills", 0))
        while any(c.is_alive() for c in clients) and not shared.failures:
            if not server.alive():
                raise Failure("the server exited by itself (status %s) after the last kill; "
                              "log tail:\n%s" % (server.proc.returncode, tail(log_path)))
            if time.monotonic() > DEADLINE:
                shared.fail("clients still running at the deadline")
                break
            time.sleep(0.1)
        failures.extend(shared.failures)
        if failures:
            raise Failure("client failures")

        # Every session still says complete; every job is DONE with all its operations.
        http_ = Http()
        base = shared.base
        results = {}
        for job in jobs:
            status, _, data = http_.request("PUT", rebase(job.session, base),
                                            {"Content-Range": "bytes */*"}, b"")
            if status != 200:
                failures.append("job %d: final status query answered %d (completion lost)"
                                % (job.id, status))
            v = Soap(shared, job.customer, http_).get(job.id)
            if v["status"] != "DONE" or v["executed"] != job.ops:
                failures.append("job %d: %s with %d of %d operations executed"
                                % (job.id, v["status"], v["executed"], job.ops))
                continue
            results[job.job_no] = (v, download(http_, base, v["download_url"]))
        code = server.terminate()
        if code != 0:
            failures.append("graceful stop after the run exited %s" % code)

        # What was stored is what was sent.
        for job in jobs:
            why = stored_upload_matches(data_dir, job)
            if why:
                failures.append("job %d: %s" % (job.id, why))
        crash_rows, why_rows = sandbox_rows(opts.batchgate, data_dir)

        log("reference run of %d jobs on a fresh server" % len(jobs))
        ref, ref_rows, _ = reference_run(opts, work, jobs)
        identical = 0
        for job in jobs:
            if job.job_no not in results:
                continue
            (v, got), (rv, want) = results[job.job_no], ref[job.job_no]
            if (v["executed"], v["succeeded"]) != (rv["executed"], rv["succeeded"]):
                failures.append("job %d: executed/succeeded %d/%d, reference %d/%d" % (
                    job.id, v["executed"], v["succeeded"], rv["executed"], rv["succeeded"]))
            identical += got == want
            if canonical_ids(got) != canonical_ids(want):
                a, b = canonical_ids(got), canonical_ids(want)
                at = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]),
                          min(len(a), len(b)))
                failures.append("job %d: results differ from the uninterrupted run at byte %d: "
                                "%r vs %r" % (job.id, at, a[max(0, at - 80):at + 80],
                                              b[max(0, at - 80):at + 80]))
        if crash_rows is None or ref_rows is None:
            log("sandbox comparison skipped: %s" % why_rows)
        else:
            for job in jobs:
                c = "%010d" % (CUSTOMER_BASE + job.job_no)
                if crash_rows.get(c) != ref_rows.get(c):
                    failures.append("customer %s (job %d): sandbox entities differ from the "
                                    "uninterrupted run (%d vs %d rows)" % (
                                        c, job.id, len(crash_rows.get(c, ([],))[0]),
                                        len(ref_rows.get(c, ([],))[0])))
        lost = shared.counters.get("bytes lost", 0)
        ops = sum(j.ops for j in jobs)
        log("counters: %s" % json.dumps(shared.counters, sort_keys=True))
        log("kills: %d with an upload in progress (%d with a chunk on the wire), %d with a job "
            "ACTIVE (%d with committed partial progress), %d during recovery"
            % (stats["upload"], stats["chunk"], stats["active"], stats["progress"],
               stats["recovery"]))
        log("results: %d of %d jobs byte-identical to the reference before id renaming"
            % (identical, len(results)))
        # Coverage: the kills must really have hit uploads and executions.
        need_upload, need_active = max(1, opts.kills // 4), max(1, min(20, opts.kills * 2 // 5))
        if stats["kills"] < opts.kills:
            failures.append("only %d of %d kills" % (stats["kills"], opts.kills))
        if stats["upload"] < need_upload:
            failures.append("only %d kills during uploads (need %d)" % (stats["upload"],
                                                                        need_upload))
        if stats["active"] < need_active:
            failures.append("only %d kills while a job was ACTIVE (need %d)" % (stats["active"],
                                                                               need_active))
        if lost:
            failures.append("%d acknowledged bytes lost" % lost)
        print("kills survived: %d, bytes lost: %d, jobs: %d, operations: %d"
              % (stats["kills"], lost, len(jobs), ops))
        ok = not failures
    except Failure as e:
        failures.append(str(e))
    finally:
        server.kill()
        for f in failures:
            print("FAIL: %s" % f)
        if not ok:
            print("seed %d (rerun with --seed %d); server log tail:\n%s"
                  % (opts.seed, opts.seed, tail(log_path)))
        if opts.keep or not ok:
            print("work dir kept: %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
