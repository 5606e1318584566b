// Shared by the Node compat clients: base URL, credentials, assertion bookkeeping, fault decoding.
'use strict';
const assert = require('assert');

const NS = 'https://adwords.google.com/api/adwords/cm/v201702';
const base = process.env.BG_BASE_URL || '';
if (!base.startsWith('http://127.0.0.1:')) {
  console.error('BG_BASE_URL must be the local server (run through run_with_server.py)');
  process.exit(2);
}

class Checks {
  constructor(name) { this.name = name; this.passed = 0; this.failed = []; }
  true(cond, what) {
    if (cond) { this.passed++; } else { this.failed.push(what); console.log('  FAILED: ' + what); }
    return !!cond;
  }
  eq(actual, expected, what) {
    let same = true;
    try { assert.deepStrictEqual(actual, expected); } catch (e) { same = false; }
    return this.true(same, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
  finish() {
    if (this.failed.length) {
      console.log(`${this.name}: ${this.failed.length} check(s) FAILED, ${this.passed} passed`);
      process.exit(1);
    }
    console.log(`${this.name}: all ${this.passed} checks passed`);
    process.exit(0);
  }
}

const asArray = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

// [ApiError.Type, reason, fieldPath] of each error of a node-soap fault (err.root = parsed envelope).
function faultErrors(err) {
  const fault = err && err.root && err.root.Envelope && err.root.Envelope.Body &&
      err.root.Envelope.Body.Fault;
  const detail = fault && fault.detail && fault.detail.ApiExceptionFault;
  return asArray(detail && detail.errors).map(
      (e) => [e['ApiError.Type'], e.reason, e.fieldPath === undefined ? null : e.fieldPath]);
}

module.exports = { NS, base, Checks, asArray, faultErrors };
