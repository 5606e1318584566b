// The dashboard in a real headless Chromium (Debian's, driven by playwright-core) against a real
// batchgate server with real jobs: the jobs list (live, with its filters, at 1280 px and in a
// narrow window), a job's failures, a cancel that ends the job CANCELED, and another customer's
// jobs out of sight. Each test leaves screenshots in BG_UI_SCREENSHOTS (the build tree).
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const { Gateway, budgetsDocument, launchChromium, screenshotPath, waitFor } = require('./gateway.cjs');

const ALICE = { customer: '111-222-3333', id: '1112223333', token: 'alice-token', developerToken: 'dev-token' };
const BOB = { customer: '444-555-6666', id: '4445556666', token: 'bob-token', developerToken: 'dev-token' };
const BAD = [1, 4, 5];
const LONG_OPS = 6000;

describe('dashboard', () => {
  let gw;
  let browser;
  const jobs = {};

  before(async () => {
    // 10 ms per operation: the long job would run for a minute (it is canceled after a few
    // seconds), the short ones for well under a second.
    gw = await Gateway.start({ BATCHGATE_FAULTS_LATENCY_US: '10000', BATCHGATE_EXECUTOR_MAX_BATCH_MS: '100' });
    browser = await launchChromium();
    jobs.clean = await gw.runJob(ALICE, budgetsDocument(4, 'clean'));
    jobs.failing = await gw.runJob(ALICE, budgetsDocument(8, 'failing', BAD));
    jobs.bobs = await gw.runJob(BOB, budgetsDocument(3, 'bob', [0]));
    jobs.waiting = (await gw.createJob(ALICE)).id;
    // Jobs of one customer run one after another: the long one last, so it runs while we look.
    jobs.long = await gw.runJob(ALICE, budgetsDocument(LONG_OPS, 'long'), false);
  });

  after(async () => {
    if (browser) await browser.close();
    if (gw) await gw.stop();
  });

  async function signedIn(creds, viewport = { width: 1280, height: 860 }) {
    const page = await browser.newPage({ viewport });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.errors = errors;
    await page.goto(`${gw.base}/ui/`);
    await page.fill('#token', creds.token);
    await page.fill('#developer-token', creds.developerToken);
    await page.fill('#customers', creds.customer.replace(/-/g, ' '));  // "111 222 3333" is one id
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('#jobs tbody tr');
    return page;
  }

  const rowIds = (page) => page.$$eval('#jobs tbody tr', (rows) => rows.map((r) => Number(r.dataset.jobId)));

  test('the sign-in refuses what SOAP refuses', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 700 } });
    await page.goto(`${gw.base}/ui/`);
    await page.fill('#token', 'some-token');
    await page.fill('#developer-token', 'dev');
    await page.fill('#customers', '12-ab-34');
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('.form-error:not([hidden])');
    assert.match(await page.textContent('.form-error'), /CLIENT_CUSTOMER_ID_INVALID/);
    await page.screenshot({ path: screenshotPath('signin-refused') });
    await page.close();
  });

  test('the jobs list shows the customer\'s jobs, live, with filters', async () => {
    const page = await signedIn(ALICE);
    const ids = await rowIds(page);
    assert.deepEqual(ids, [jobs.long, jobs.waiting, jobs.failing, jobs.clean]);
    assert.ok(!ids.includes(jobs.bobs));
    const failing = page.locator(`#jobs tr[data-job-id="${jobs.failing}"]`);
    assert.equal(await failing.locator('.badge').getAttribute('data-status'), 'DONE');
    assert.match(await failing.locator('.ops').textContent(), /8.*✓ 5.*✗ 3/);
    assert.equal(await page.locator(`#jobs tr[data-job-id="${jobs.waiting}"] .badge`).getAttribute('data-status'), 'AWAITING_FILE');

    // Live: the long job's progress bar moves without a reload.
    const bar = page.locator(`#jobs tr[data-job-id="${jobs.long}"] [role=progressbar]`);
    const first = Number(await bar.getAttribute('aria-valuenow'));
    await waitFor('the long job to progress on the page', async () =>
      Number(await bar.getAttribute('aria-valuenow')) > first, 30000, 200);
    await page.screenshot({ path: screenshotPath('jobs-list-1280'), fullPage: true });

    await page.click('.filter[data-filter=DONE]');
    await waitFor('the DONE filter', async () => (await rowIds(page)).length === 2, 10000);
    assert.deepEqual(await rowIds(page), [jobs.failing, jobs.clean]);
    assert.match(await page.textContent('.filter[data-filter=DONE]'), /Done\s*2/);
    assert.deepEqual(page.errors, []);
    await page.close();

    // A narrow window: the table becomes cards.
    const narrow = await signedIn(ALICE, { width: 420, height: 900 });
    assert.equal(await narrow.locator('#jobs thead').isVisible(), false);
    await narrow.screenshot({ path: screenshotPath('jobs-list-narrow'), fullPage: true });
    await narrow.close();
  });

  test('a job\'s failures', async () => {
    const page = await signedIn(ALICE);
    await page.click(`#jobs a[href^="#/jobs/${jobs.failing}"]`);
    await page.waitForSelector('#results-table tbody tr');
    assert.equal(await page.textContent('#percent'), '100%');
    assert.deepEqual(await page.$$eval('#timeline li.reached', (li) => li.map((l) => l.dataset.step)),
      ['CREATED', 'UPLOADING', 'ACTIVE', 'DONE']);
    assert.equal(await page.locator('#results-table tbody tr').count(), 8);
    assert.match(await page.getAttribute('#download', 'href'), /^\/batchjob\/results\/1112223333\//);

    await page.click('[data-filter=failures]');
    await waitFor('the failures only', async () =>
      (await page.locator('#results-table tbody tr').count()) === BAD.length, 10000);
    const rows = await page.$$eval('#results-table tbody tr', (trs) => trs.map((tr) => ({
      index: Number(tr.dataset.index),
      outcome: tr.dataset.outcome,
      cells: [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()),
    })));
    assert.deepEqual(rows.map((r) => r.index), BAD);
    for (const r of rows) {
      assert.equal(r.outcome, 'FAILED');
      assert.equal(r.cells[1], 'BudgetOperation');
      assert.equal(r.cells[2], 'ADD');
      assert.equal(r.cells[4], 'BudgetError');
      assert.equal(r.cells[5], 'NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT');
      assert.equal(r.cells[6], `operations[${r.index}].operand.amount`);
    }
    assert.match(await page.textContent('[data-filter=failures]'), /Failures · 3/);
    await page.screenshot({ path: screenshotPath('job-failures'), fullPage: true });

    // The download link serves the results XML.
    const res = await page.evaluate(async () => {
      const r = await fetch(document.getElementById('download').href);
      return { status: r.status, text: await r.text() };
    });
    assert.equal(res.status, 200);
    assert.equal((res.text.match(/<rval>/g) || []).length, 8);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a cancel ends the job CANCELED', async () => {
    const page = await signedIn(ALICE);
    await page.goto(`${gw.base}/ui/#/jobs/${jobs.long}`);
    await page.waitForSelector('#cancel');
    assert.equal(await page.getAttribute('#job .badge', 'data-status'), 'ACTIVE');
    const before = Number(await page.getAttribute('#job [role=progressbar]', 'aria-valuenow'));
    await page.screenshot({ path: screenshotPath('job-running'), fullPage: true });
    await page.click('#cancel');
    await page.waitForSelector('#confirm-cancel[open]');
    await page.screenshot({ path: screenshotPath('job-cancel-confirm') });
    await page.click('[data-testid=confirm-cancel]');
    await page.waitForSelector('#job .badge[data-status=CANCELED]', { timeout: 60000 });
    assert.equal(await page.locator('#cancel').count(), 0);
    assert.deepEqual(await page.$$eval('#timeline li.reached', (li) => li.map((l) => l.dataset.step)),
      ['CREATED', 'UPLOADING', 'ACTIVE', 'CANCELING', 'CANCELED']);
    await page.waitForSelector('#results-table tbody tr');
    const percent = Number(await page.getAttribute('#job [role=progressbar]', 'aria-valuenow'));
    assert.ok(percent >= before && percent < 100, `canceled at ${percent}%`);
    await page.screenshot({ path: screenshotPath('job-canceled'), fullPage: true });
    // SOAP agrees: CANCELED, with operations left unexecuted.
    const soap = await gw.getJob(ALICE, jobs.long);
    assert.equal(soap.status, 'CANCELED');
    assert.ok(soap.executed < LONG_OPS);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('another customer\'s jobs are out of sight', async () => {
    const page = await signedIn(BOB);
    assert.deepEqual(await rowIds(page), [jobs.bobs]);
    await page.screenshot({ path: screenshotPath('other-customer-list'), fullPage: true });
    // Alice's job by its URL (naming Alice as the customer), in Bob's session: not found, and
    // nothing of it shown.
    await page.goto(`${gw.base}/ui/#/jobs/${jobs.failing}?customer=${ALICE.id}`);
    await page.waitForSelector('#not-found');
    assert.equal(await page.locator('#job').count(), 0);
    assert.ok(!(await page.textContent('main')).includes('NON_MULTIPLE'));
    await page.screenshot({ path: screenshotPath('other-customer-job') });
    // Nor can Bob's page cancel it: the API answers as for a missing job, and the job is DONE.
    const status = await page.evaluate(async (id) => {
      const c = JSON.parse(sessionStorage.getItem('batchgate.dashboard.credentials'));
      const r = await fetch(`api/jobs/${id}/cancel?customer=${c.customers[0]}`, {
        method: 'POST', headers: { Authorization: `Bearer ${c.token}`, 'developer-token': c.developerToken },
      });
      return r.status;
    }, jobs.waiting);
    assert.equal(status, 404);
    assert.equal((await gw.getJob(ALICE, jobs.waiting)).status, 'AWAITING_FILE');
    // Signing out forgets the credentials: the sign-in form, and nothing stored.
    await page.click('#sign-out');
    await page.waitForSelector('#signin');
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await page.close();
  });
});
