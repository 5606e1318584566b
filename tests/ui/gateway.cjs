// Test support for the dashboard's browser tests: a real batchgate server on 127.0.0.1:0 with its
// own data dir, jobs made the way a client library makes them (SOAP mutate ADD, the resumable
// upload, get), and Debian's Chromium under playwright-core. Nothing here is mocked; every
// network step goes to loopback and has a deadline.
'use strict';

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const NS = 'https://adwords.google.com/api/adwords/cm/v201702';
const CHROMIUM = process.env.BG_CHROMIUM || '/usr/bin/chromium';
// As the machine's notes require for a root, offline Chromium (no sandbox, no calls home).
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

// Calls `fn` until it returns a truthy value or `ms` pass (then throws `what`).
async function waitFor(what, fn, ms = 30000, every = 100) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

async function fetchWithDeadline(url, options = {}, ms = 15000) {
  return fetch(url, { ...options, signal: AbortSignal.timeout(ms) });
}

class Gateway {
  // Starts `batchgate serve` (BG_BINARY) with extra BATCHGATE_* environment variables.
  static async start(env = {}) {
    const binary = process.env.BG_BINARY;
    assert.ok(binary && fs.existsSync(binary), `BG_BINARY must name the batchgate binary (${binary})`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg_ui_'));
    const log = fs.openSync(path.join(dir, 'server.log'), 'a');
    const child = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--data', path.join(dir, 'data')], {
      env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', log],
    });
    const base = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('batchgate printed no base URL')), 20000);
      child.stdout.on('data', (d) => {
        out += d;
        const nl = out.indexOf('\n');
        if (nl >= 0) { clearTimeout(timer); resolve(out.slice(0, nl).trim()); }
      });
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`batchgate exited (${code})`)); });
    });
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
    return new Gateway(child, base, dir);
  }

  constructor(child, base, dir) { this.child = child; this.base = base; this.dir = dir; }

  async stop() {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await Promise.race([exited, sleep(15000)]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  // One SOAP call of BatchJobService for `creds`; returns the response text (throws on a fault).
  async soap(creds, body) {
    const envelope = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>
<ns1:RequestHeader xmlns:ns1="${NS}"><ns1:clientCustomerId>${creds.customer}</ns1:clientCustomerId>
<ns1:developerToken>${creds.developerToken}</ns1:developerToken><ns1:userAgent>ui-test</ns1:userAgent>
</ns1:RequestHeader></soapenv:Header><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
    const res = await fetchWithDeadline(`${this.base}/api/adwords/cm/v201702/BatchJobService`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '', Authorization: `Bearer ${creds.token}` },
      body: envelope,
    });
    const text = await res.text();
    if (res.status !== 200 || text.includes('Fault>')) throw new Error(`SOAP fault: ${text}`);
    return text;
  }

  // mutate ADD of one job: {id, uploadUrl}.
  async createJob(creds) {
    const text = await this.soap(creds, `<mutate xmlns="${NS}"><operations><operator>ADD</operator><operand/></operations></mutate>`);
    const id = Number(/<id>(\d+)<\/id>/.exec(text)[1]);
    const uploadUrl = /<uploadUrl><url>([^<]+)<\/url>/.exec(text)[1].replace(/&amp;/g, '&');
    return { id, uploadUrl };
  }

  // The resumable upload of `doc` in one final request, as the Python library sends a small job.
  async upload(job, doc) {
    const start = await fetchWithDeadline(job.uploadUrl, {
      method: 'POST', headers: { 'x-goog-resumable': 'start', 'Content-Type': 'application/xml' },
    });
    assert.equal(start.status, 201);
    const session = start.headers.get('location');
    const bytes = Buffer.from(doc, 'utf8');
    const put = await fetchWithDeadline(session, {
      method: 'PUT', headers: { 'Content-Range': `bytes 0-${bytes.length - 1}/${bytes.length}` }, body: bytes,
    });
    assert.equal(put.status, 200);
  }

  // get of one job: {status, executed}.
  async getJob(creds, id) {
    const text = await this.soap(creds, `<get xmlns="${NS}"><selector><fields>Id</fields><fields>Status</fields>
<fields>ProgressStats</fields><predicates><field>Id</field><operator>EQUALS</operator><values>${id}</values>
</predicates></selector></get>`);
    return {
      status: /<status>([A-Z_]+)<\/status>/.exec(text)[1],
      executed: Number(/<numOperationsExecuted>(\d+)</.exec(text)[1]),
    };
  }

  async waitStatus(creds, id, statuses, ms = 60000) {
    return waitFor(`job ${id} to be ${statuses}`, async () => {
      const j = await this.getJob(creds, id);
      return statuses.includes(j.status) ? j : null;
    }, ms, 50);
  }

  // A job of `creds` from `doc`, uploaded; waits for DONE unless told not to.
  async runJob(creds, doc, wait = true) {
    const job = await this.createJob(creds);
    await this.upload(job, doc);
    if (wait) {
      // SOAP reports ACTIVE once before DONE (the "ACTIVE at least once" rule): poll past it.
      await this.waitStatus(creds, job.id, ['DONE']);
    }
    return job.id;
  }
}

// `n` BudgetOperation ADDs; those at `bad` positions have an amount that is not a whole number
// of cents (BudgetError.NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT at operations[i].operand.amount).
function budgetsDocument(n, tag, bad = []) {
  let ops = '';
  for (let i = 0; i < n; i++) {
    const micros = bad.includes(i) ? 1000001 : 1000000;
    ops += `<operations xsi:type="BudgetOperation"><operator>ADD</operator><operand><budgetId>${-1 - i}</budgetId>` +
      `<name>${tag} budget ${i}</name><amount><microAmount>${micros}</microAmount></amount></operand></operations>`;
  }
  return `<?xml version="1.0" encoding="UTF-8"?><mutate xmlns="${NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${ops}</mutate>`;
}

// Debian's Chromium under playwright-core; a missing browser fails the test, it never skips.
async function launchChromium() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: the browser tests need Debian's chromium (tools/dev.sh installs it)`);
  }
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60000 });
}

// Where screenshots go (the build tree), created on demand.
function screenshotPath(name) {
  const dir = process.env.BG_UI_SCREENSHOTS || path.join(os.tmpdir(), 'bg_ui_screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}

module.exports = { Gateway, budgetsDocument, launchChromium, screenshotPath, waitFor };
