// batchgate dashboard: a small single-page app over the gateway's /ui/api/ (docs/dashboard.md).
// Plain browser JavaScript, no framework and no build step; every text from the server goes into
// the page through textContent, never as HTML.
'use strict';

(() => {
  const API = 'api/';
  const STORE_KEY = 'batchgate.dashboard.credentials';
  const LIST_POLL_MS = 2000;
  const JOB_POLL_MS = 1000;
  const PAGE_SIZE = 25;
  const RESULTS_PAGE_SIZE = 50;
  const STATUSES = ['AWAITING_FILE', 'ACTIVE', 'CANCELING', 'CANCELED', 'DONE'];
  const STATUS_LABELS = {
    AWAITING_FILE: 'Awaiting file',
    ACTIVE: 'Active',
    CANCELING: 'Canceling',
    CANCELED: 'Canceled',
    DONE: 'Done',
  };
  const STEP_LABELS = {
    CREATED: 'Created',
    UPLOADING: 'Uploading',
    ACTIVE: 'Active',
    CANCELING: 'Canceling',
    CANCELED: 'Canceled',
    DONE: 'Done',
  };

  const main = document.getElementById('main');
  let view = null; // the current view: {stop()} ends its polling

  // --- small DOM helpers ---------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
    return el;
  }

  function toast(message, isError) {
    const t = document.getElementById('toast');
    t.textContent = message;
    t.className = isError ? 'toast error' : 'toast';
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
  }

  // --- formatting ----------------------------------------------------------------------------
  const numberFormat = new Intl.NumberFormat();
  const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

  function fmtNumber(n) { return numberFormat.format(n); }

  function fmtBytes(n) {
    if (n === null || n === undefined) return '—';
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let v = n;
    let u = 0;
    while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return (u === 0 ? String(v) : v.toFixed(v < 10 ? 1 : 0)) + ' ' + units[u];
  }

  // Today: the time only; this year: no year.
  function fmtTime(ms) {
    if (!ms) return '—';
    const d = new Date(ms);
    const now = new Date();
    const opts = { hour: '2-digit', minute: '2-digit', second: '2-digit' };
    if (d.toDateString() !== now.toDateString()) {
      Object.assign(opts, { month: 'short', day: 'numeric' });
      if (d.getFullYear() !== now.getFullYear()) opts.year = 'numeric';
    }
    return d.toLocaleString(undefined, opts);
  }

  // A field path that may break after its dots and brackets only.
  function fieldPath(path) {
    const parts = (path || '').split(/(?<=[.\]])/);
    return parts.flatMap((p, i) => (i ? [h('wbr'), p] : [p]));
  }

  function fmtRelative(ms) {
    if (!ms) return '';
    const s = Math.round((ms - Date.now()) / 1000);
    const abs = Math.abs(s);
    if (abs < 45) return relativeFormat.format(s, 'second');
    if (abs < 2700) return relativeFormat.format(Math.round(s / 60), 'minute');
    if (abs < 64800) return relativeFormat.format(Math.round(s / 3600), 'hour');
    return relativeFormat.format(Math.round(s / 86400), 'day');
  }

  function fmtCustomer(id) {
    return id.length === 10 ? `${id.slice(0, 3)}-${id.slice(3, 6)}-${id.slice(6)}` : id;
  }

  function when(ms) {
    if (!ms) return h('span', { class: 'muted' }, '—');
    return h('span', { class: 'when', title: new Date(ms).toISOString() },
      fmtTime(ms), h('span', { class: 'rel' }, fmtRelative(ms)));
  }

  function badge(status) {
    return h('span', { class: `badge ${status}`, 'data-status': status }, STATUS_LABELS[status] || status);
  }

  function bar(percent, status, big) {
    const p = Math.max(0, Math.min(100, percent || 0));
    const fill = h('div', { class: 'bar-fill' });
    fill.style.width = `${p}%`; // through the CSSOM: the page's CSP allows no inline style
    return h('div', {
      class: `bar ${status || ''}${big ? ' big' : ''}`, role: 'progressbar',
      'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': p,
    }, fill);
  }

  function operations(job) {
    const p = job.progressStats;
    return h('span', { class: 'ops' },
      h('span', { title: 'executed' }, fmtNumber(p.numOperationsExecuted)),
      h('span', { class: 'sep' }, '·'),
      h('span', { class: 'ok', title: 'succeeded' }, '✓ ', fmtNumber(p.numOperationsSucceeded)),
      h('span', { class: 'sep' }, '·'),
      h('span', { class: job.numOperationsFailed > 0 ? 'ko' : 'muted', title: 'failed' },
        '✗ ', fmtNumber(job.numOperationsFailed)));
  }

  function describeError(e) {
    const parts = [e.errorString || `${e.type}.${e.reason}`];
    if (e.fieldPath) parts.push(`@ ${e.fieldPath}`);
    if (e.trigger) parts.push(`(${e.trigger})`);
    return parts.join(' ');
  }

  // --- credentials and API calls -------------------------------------------------------------
  function loadCredentials() {
    try {
      const c = JSON.parse(sessionStorage.getItem(STORE_KEY));
      if (c && c.token && Array.isArray(c.customers) && c.customers.length) return c;
    } catch (e) { /* none stored */ }
    return null;
  }

  function saveCredentials(c) { sessionStorage.setItem(STORE_KEY, JSON.stringify(c)); }

  class ApiError extends Error {
    constructor(status, body) {
      const err = body && body.error;
      const first = err && err.errors && err.errors[0];
      super(first ? describeError(first) : (err && err.message) || `HTTP ${status}`);
      this.status = status;
      this.errors = (err && err.errors) || [];
    }
  }

  async function api(creds, path, params, options) {
    const query = new URLSearchParams(params || {});
    const res = await fetch(`${API}${path}?${query}`, {
      method: (options && options.method) || 'GET',
      headers: {
        Authorization: `Bearer ${creds.token}`,
        'developer-token': creds.developerToken || '',
        Accept: 'application/json',
      },
      cache: 'no-store',
      signal: options && options.signal,
    });
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) throw new ApiError(res.status, body);
    return { status: res.status, body };
  }

  // A poller that calls `fn` now and then every `ms` while the page is visible, until stopped.
  function poll(fn, ms) {
    let timer = null;
    let stopped = false;
    const controller = new AbortController();
    async function tick() {
      timer = null;
      if (stopped) return;
      if (!document.hidden) {
        try { await fn(controller.signal); } catch (e) { if (e.name !== 'AbortError') console.warn(e); }
      }
      if (!stopped) timer = setTimeout(tick, typeof ms === 'function' ? ms() : ms);
    }
    tick();
    const onVisible = () => { if (!document.hidden && timer !== null) { clearTimeout(timer); tick(); } };
    document.addEventListener('visibilitychange', onVisible);
    return {
      stop() {
        stopped = true;
        controller.abort();
        if (timer !== null) clearTimeout(timer);
        document.removeEventListener('visibilitychange', onVisible);
      },
      now() { if (timer !== null) { clearTimeout(timer); tick(); } },
    };
  }

  // --- routing -------------------------------------------------------------------------------
  function parseHash() {
    const raw = location.hash.replace(/^#/, '') || '/';
    const [path, query] = raw.split('?');
    return { path, params: new URLSearchParams(query || '') };
  }

  function go(path, params) {
    const q = params && [...params].length ? `?${params}` : '';
    location.hash = `#${path}${q}`;
  }

  function route() {
    if (view) view.stop();
    view = null;
    clear(main);
    const creds = loadCredentials();
    showSession(creds);
    const { path, params } = parseHash();
    document.title = 'batchgate · batch jobs';
    if (!creds) { view = signInView(); return; }
    const m = path.match(/^\/jobs\/(\d+)$/);
    if (m) view = jobView(creds, Number(m[1]), params);
    else view = listView(creds, params);
  }

  function showSession(creds) {
    const box = document.getElementById('session');
    box.hidden = !creds;
    const list = clear(document.getElementById('session-customers'));
    if (creds) for (const c of creds.customers) list.append(h('span', { class: 'chip' }, fmtCustomer(c)));
  }

  document.getElementById('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(STORE_KEY);
    go('/');
    route();
  });
  window.addEventListener('hashchange', route);

  // --- sign-in -------------------------------------------------------------------------------
  function signInView(message) {
    const error = h('div', { class: 'form-error', role: 'alert', hidden: !message }, message || '');
    const token = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'off', required: true });
    const devToken = h('input', { type: 'password', id: 'developer-token', name: 'developer-token', autocomplete: 'off', required: true });
    const customers = h('input', { type: 'text', id: 'customers', name: 'customers', placeholder: '123-456-7890, 987-654-3210', required: true });
    const submit = h('button', { type: 'submit', class: 'button primary' }, 'Show batch jobs');
    const form = h('form', { class: 'panel signin', id: 'signin' },
      h('h1', {}, 'Batch jobs'),
      h('p', { class: 'muted' }, 'Sign in with the credentials your client library uses. They stay in this browser tab and go only to this gateway.'),
      h('label', { for: 'token' }, 'OAuth access token ', h('span', { class: 'hint' }, '(sent as Authorization: Bearer)')),
      token,
      h('label', { for: 'developer-token' }, 'Developer token'),
      devToken,
      h('label', { for: 'customers' }, 'Customer IDs ', h('span', { class: 'hint' }, '(clientCustomerId; several separated by commas)')),
      customers,
      error,
      h('div', { class: 'form-actions' }, submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      // Commas separate ids; dashes and spaces inside one are fine (as in clientCustomerId).
      const ids = customers.value.split(/[,;\n]+/).map((s) => s.trim()).filter(Boolean);
      const creds = { token: token.value.trim(), developerToken: devToken.value.trim(), customers: ids };
      submit.disabled = true;
      try {
        const r = await api(creds, 'jobs', { customer: ids.join(','), limit: 1 });
        creds.customers = r.body.customers; // normalized by the server
        saveCredentials(creds);
        route();
      } catch (e) {
        error.textContent = `Not signed in: ${e.message}`;
        error.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    main.append(form);
    token.focus();
    return { stop() {} };
  }

  function authFailed(e) {
    if (e instanceof ApiError && e.status === 401) {
      sessionStorage.removeItem(STORE_KEY);
      showSession(null);
      clear(main);
      view = signInView(`Signed out: ${e.message}`);
      return true;
    }
    return false;
  }

  // --- jobs list -----------------------------------------------------------------------------
  function listView(creds, params) {
    const status = params.get('status') || '';
    const customer = params.get('customer') || '';
    const offset = Number(params.get('offset') || 0);
    const nav = (changes) => {
      const p = new URLSearchParams(params);
      for (const [k, v] of Object.entries(changes)) { if (v === '' || v === 0) p.delete(k); else p.set(k, v); }
      go('/', p);
    };

    const filters = h('div', { class: 'filters', role: 'group', 'aria-label': 'Status' });
    const customerSelect = h('select', { id: 'customer-filter', 'aria-label': 'Customer' },
      h('option', { value: '' }, 'All customers'),
      creds.customers.map((c) => h('option', { value: c, selected: c === customer }, fmtCustomer(c))));
    customerSelect.addEventListener('change', () => nav({ customer: customerSelect.value, offset: 0 }));
    const live = h('span', { class: 'live', title: 'The list refreshes by itself' },
      h('span', { class: 'live-dot' }), h('span', { class: 'live-text' }, 'Live'));
    const body = h('tbody');
    const table = h('table', { class: 'cards', id: 'jobs' },
      h('thead', {}, h('tr', {},
        ['Job', 'Customer', 'Version', 'Status', 'Progress', 'Operations', 'Upload', 'Created', 'Finished']
          .map((t) => h('th', { class: t === 'Upload' ? 'num' : null }, t)))),
      body);
    const pager = h('div', { class: 'pager' });
    const empty = h('div', { class: 'empty', hidden: true });
    main.append(h('section', { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h1', {}, 'Batch jobs'),
        h('div', { class: 'toolbar-right' }, customerSelect, live)),
      h('div', { class: 'toolbar' }, filters),
      h('div', { class: 'table-wrap' }, table), empty, pager));

    function renderFilters(counts) {
      clear(filters);
      const total = STATUSES.reduce((n, s) => n + (counts[s] || 0), 0);
      const chip = (value, label, n) => h('button', {
        type: 'button', class: `filter ${value}`, 'aria-pressed': String(status === value),
        'data-filter': value || 'ALL', onclick: () => nav({ status: value, offset: 0 }),
      }, label, h('span', { class: 'count' }, fmtNumber(n)));
      filters.append(chip('', 'All', total));
      for (const s of STATUSES) filters.append(chip(s, STATUS_LABELS[s], counts[s] || 0));
    }

    function renderRows(jobs) {
      clear(body);
      for (const job of jobs) {
        const p = job.progressStats;
        const href = `#/jobs/${job.id}?customer=${job.customerId}`;
        body.append(h('tr', {
          class: 'clickable', 'data-job-id': job.id, 'data-status': job.status,
          onclick: (ev) => { if (!ev.target.closest('a')) location.hash = href; },
        },
        h('td', { 'data-label': 'Job' }, h('a', { href, class: 'mono' }, String(job.id))),
        h('td', { 'data-label': 'Customer', class: 'mono' }, fmtCustomer(job.customerId)),
        h('td', { 'data-label': 'Version' }, job.version),
        h('td', { 'data-label': 'Status' }, badge(job.status),
          job.processingErrors.length ? h('div', { class: 'proc-error', title: describeError(job.processingErrors[0]) },
            job.processingErrors[0].reason) : null),
        h('td', { 'data-label': 'Progress', class: 'progress-td' }, h('div', { class: 'progress-cell' },
          bar(p.estimatedPercentExecuted, job.status), h('span', { class: 'pct' }, `${p.estimatedPercentExecuted}%`))),
        h('td', { 'data-label': 'Operations' }, operations(job)),
        h('td', { 'data-label': 'Upload', class: 'num' }, fmtBytes(job.uploadTotalBytes ?? (job.uploadBytes || null))),
        h('td', { 'data-label': 'Created' }, when(job.createdMs)),
        h('td', { 'data-label': 'Finished' }, when(job.finishedMs))));
      }
    }

    function renderPager(total) {
      clear(pager);
      if (total === 0) return;
      const last = Math.min(offset + PAGE_SIZE, total);
      pager.append(
        h('span', { class: 'range' }, `${fmtNumber(offset + 1)}–${fmtNumber(last)} of ${fmtNumber(total)}`),
        h('button', { type: 'button', class: 'button small', disabled: offset === 0, onclick: () => nav({ offset: Math.max(0, offset - PAGE_SIZE) }) }, '← Newer'),
        h('button', { type: 'button', class: 'button small', disabled: last >= total, onclick: () => nav({ offset: offset + PAGE_SIZE }) }, 'Older →'));
    }

    const customers = creds.customers.includes(customer) ? [customer] : creds.customers;
    const poller = poll(async (signal) => {
      try {
        const r = await api(creds, 'jobs', {
          customer: customers.join(','), status, offset, limit: PAGE_SIZE,
        }, { signal });
        const d = r.body;
        renderFilters(d.statusCounts);
        renderRows(d.jobs);
        renderPager(d.total);
        table.hidden = d.jobs.length === 0;
        empty.hidden = d.jobs.length !== 0;
        clear(empty).append(h('strong', {}, status ? `No ${STATUS_LABELS[status].toLowerCase()} jobs` : 'No batch jobs yet'),
          status ? 'Choose another status above.' : 'Jobs that a client creates with BatchJobService mutate ADD appear here as they run.');
        live.classList.remove('stale');
        live.lastChild.textContent = `Live · ${new Date().toLocaleTimeString()}`;
      } catch (e) {
        if (e.name === 'AbortError' || authFailed(e)) throw e;
        live.classList.add('stale');
        live.lastChild.textContent = `Not updated: ${e.message}`;
      }
    }, LIST_POLL_MS);
    return poller;
  }

  // --- one job -------------------------------------------------------------------------------
  function jobView(creds, id, params) {
    // Only ever a customer of the session: a link naming another one asks for the session's.
    const linked = params.get('customer');
    const customer = creds.customers.includes(linked) ? linked : creds.customers.join(',');
    const failuresOnly = params.get('failures') === '1';
    const offset = Number(params.get('offset') || 0);
    const nav = (changes) => {
      const p = new URLSearchParams(params);
      for (const [k, v] of Object.entries(changes)) { if (v === '' || v === 0) p.delete(k); else p.set(k, v); }
      go(`/jobs/${id}`, p);
    };

    const head = h('div', { class: 'job-head' });
    const progress = h('div');
    const timeline = h('ol', { class: 'timeline', id: 'timeline' });
    const errors = h('div');
    const summary = h('section', { class: 'panel', id: 'job' }, head, progress,
      h('h2', { class: 'small muted section-title' }, 'Timeline'), timeline, errors);
    const resultsBody = h('div', { id: 'results' });
    const seg = h('div', { class: 'seg', role: 'group', 'aria-label': 'Show' });
    const results = h('section', { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h2', {}, 'Results'), seg), resultsBody);
    main.append(h('nav', { class: 'crumbs' }, h('a', { href: '#/' }, '← All batch jobs')), summary, results);

    let job = null;
    let resultsKey = '';

    function renderHead() {
      clear(head);
      const actions = h('div', { class: 'job-actions' });
      if (job.downloadUrl) {
        actions.append(h('a', { class: 'button', href: job.downloadUrl, download: `${job.id}-results.xml`, id: 'download' }, '⤓ Results XML'));
      }
      if (job.cancelable) {
        actions.append(h('button', { type: 'button', class: 'button danger', id: 'cancel', onclick: confirmCancel }, 'Cancel job'));
      }
      head.append(
        h('div', {},
          h('div', { class: 'job-title' }, h('h1', {}, `Job ${job.id}`), badge(job.status)),
          h('div', { class: 'job-meta' },
            h('span', {}, 'Customer ', h('span', { class: 'mono' }, fmtCustomer(job.customerId))),
            h('span', {}, 'API ', job.version),
            h('span', {}, 'Created ', fmtTime(job.createdMs)))),
        actions);
    }

    function renderProgress() {
      const p = job.progressStats;
      const stat = (label, value, cls) => h('div', { class: `stat ${cls || ''}` },
        h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
      clear(progress).append(
        h('div', { class: 'progress-line' }, bar(p.estimatedPercentExecuted, job.status, true),
          h('span', { class: 'pct', id: 'percent' }, `${p.estimatedPercentExecuted}%`)),
        h('div', { class: 'stats' },
          stat('Executed', fmtNumber(p.numOperationsExecuted)),
          stat('Succeeded', fmtNumber(p.numOperationsSucceeded), 'ok'),
          stat('Failed', fmtNumber(job.numOperationsFailed), job.numOperationsFailed > 0 ? 'ko' : ''),
          stat('Results written', fmtNumber(p.numResultsWritten)),
          stat('Upload', fmtBytes(job.uploadTotalBytes ?? (job.uploadBytes || null)))));
    }

    function renderTimeline() {
      clear(timeline);
      const reached = job.timeline.filter((s) => s.reached);
      const current = reached[reached.length - 1];
      for (const s of job.timeline) {
        const cls = s.state === 'CREATED' || s.state === 'UPLOADING' ? 'AWAITING_FILE' : s.state;
        timeline.append(h('li', {
          class: `${cls}${s.reached ? ' reached' : ''}${s === current ? ' current' : ''}`, 'data-step': s.state,
        }, h('span', { class: 'dot' }), h('div', { class: 'step' }, STEP_LABELS[s.state] || s.state),
        h('div', { class: 'at', title: s.atMs ? new Date(s.atMs).toISOString() : '' },
          s.atMs ? fmtTime(s.atMs) : (s.reached ? 'time not recorded' : 'pending'))));
      }
    }

    function renderErrors() {
      clear(errors);
      if (!job.processingErrors.length) return;
      errors.append(h('div', { class: 'alert', id: 'processing-errors' },
        h('h3', {}, 'Processing errors'),
        job.processingErrors.map((e) => h('div', {}, h('strong', {}, e.errorString),
          e.trigger ? h('div', { class: 'trigger' }, e.trigger) : null))));
    }

    function renderSeg(numRows, numFailures) {
      clear(seg).append(
        h('button', { type: 'button', 'aria-pressed': String(!failuresOnly), 'data-filter': 'all', onclick: () => nav({ failures: '', offset: 0 }) },
          `All${numRows !== undefined ? ` · ${fmtNumber(numRows)}` : ''}`),
        h('button', { type: 'button', class: 'fail', 'aria-pressed': String(failuresOnly), 'data-filter': 'failures', onclick: () => nav({ failures: '1', offset: 0 }) },
          `Failures${numFailures !== undefined ? ` · ${fmtNumber(numFailures)}` : ''}`));
    }

    function renderResultsState(message, percent) {
      clear(resultsBody);
      if (percent !== undefined) {
        resultsBody.append(h('div', { class: 'indexing', id: 'indexing' }, h('span', {}, message), bar(percent, 'indexing')));
      } else {
        resultsBody.append(h('div', { class: 'empty' }, message));
      }
    }

    function renderResults(d) {
      renderSeg(d.numRows, d.numFailures);
      clear(resultsBody);
      if (d.total === 0) {
        resultsBody.append(h('div', { class: 'empty' }, h('strong', {}, failuresOnly ? 'No failed operations' : 'No results'),
          failuresOnly ? 'Every operation of this job succeeded.' : 'This job executed no operation.'));
        return;
      }
      const rows = d.rows.map((r) => {
        const e = r.errors[0] || {};
        const more = r.errors.length > 1 ? ` (+${r.errors.length - 1} more)` : '';
        return h('tr', { class: r.outcome === 'FAILED' ? 'failed-row' : '', 'data-index': r.index, 'data-outcome': r.outcome },
          h('td', { 'data-label': '#', class: 'num' }, String(r.index)),
          h('td', { 'data-label': 'Operation' }, r.operationType || '—',
            r.operandType ? h('div', { class: 'muted small' }, r.operandType) : null),
          h('td', { 'data-label': 'Operator', class: 'mono' }, r.operator || '—'),
          h('td', { 'data-label': 'Outcome' }, h('span', { class: `badge ${r.outcome}` }, r.outcome === 'FAILED' ? 'Failed' : 'Succeeded'),
            r.resultType ? h('span', { class: 'muted small result-type' }, r.resultType) : null),
          h('td', { 'data-label': 'Error type', class: 'err-type' }, (e.type || '') + more),
          h('td', { 'data-label': 'Reason', class: 'mono' }, e.reason || ''),
          h('td', { 'data-label': 'Field path', class: 'field-path' }, fieldPath(e.fieldPath)),
          h('td', { 'data-label': 'Trigger', class: 'trigger' }, e.trigger || ''));
      });
      const last = Math.min(offset + d.rows.length, d.total);
      resultsBody.append(
        h('div', { class: 'table-wrap' }, h('table', { class: 'cards', id: 'results-table' },
          h('thead', {}, h('tr', {}, ['#', 'Operation', 'Operator', 'Outcome', 'Error type', 'Reason', 'Field path', 'Trigger']
            .map((t) => h('th', { class: t === '#' ? 'num' : null }, t)))),
          h('tbody', {}, rows))),
        h('div', { class: 'pager' },
          h('span', { class: 'range' }, `${fmtNumber(offset + 1)}–${fmtNumber(last)} of ${fmtNumber(d.total)}`),
          h('button', { type: 'button', class: 'button small', disabled: offset === 0, onclick: () => nav({ offset: Math.max(0, offset - RESULTS_PAGE_SIZE) }) }, '← Previous'),
          h('button', { type: 'button', class: 'button small', disabled: last >= d.total, onclick: () => nav({ offset: offset + RESULTS_PAGE_SIZE }) }, 'Next →')));
    }

    // The results are fetched once the job has finished (and again while an index is built).
    async function loadResults(signal) {
      if (!['DONE', 'CANCELED'].includes(job.status)) {
        renderSeg();
        renderResultsState('Results appear here when the job has finished.');
        return;
      }
      const key = `${job.status}|${failuresOnly}|${offset}`;
      if (key === resultsKey) return;
      const r = await api(creds, `jobs/${id}/results`, {
        customer: job.customerId, failures: failuresOnly ? 1 : 0, offset, limit: RESULTS_PAGE_SIZE,
      }, { signal });
      const d = r.body;
      if (d.state === 'READY') {
        resultsKey = key;
        renderResults(d);
      } else if (d.state === 'EXPIRED') {
        resultsKey = key;
        renderResultsState('The results of this job have passed their retention and were deleted.');
      } else {
        renderResultsState(d.state === 'INDEXING' ? `Indexing results… ${d.percent}%` : 'Queued for indexing…', d.percent || 0);
      }
    }

    async function confirmCancel() {
      const dialog = document.getElementById('confirm-cancel');
      dialog.querySelector('[data-field="job"]').textContent = String(id);
      dialog.returnValue = '';
      dialog.showModal();
      dialog.addEventListener('close', async () => {
        if (dialog.returnValue !== 'cancel') return;
        try {
          const r = await api(creds, `jobs/${id}/cancel`, { customer: job.customerId }, { method: 'POST' });
          job = r.body;
          render();
          toast(`Job ${id} is canceling`);
        } catch (e) {
          if (!authFailed(e)) toast(`Not canceled: ${e.message}`, true);
        }
        poller.now();
      }, { once: true });
    }

    function render() {
      document.title = `Job ${job.id} · ${STATUS_LABELS[job.status] || job.status} · batchgate`;
      renderHead();
      renderProgress();
      renderTimeline();
      renderErrors();
    }

    renderSeg();
    const poller = poll(async (signal) => {
      try {
        const r = await api(creds, `jobs/${id}`, { customer }, { signal });
        job = r.body;
        render();
        await loadResults(signal);
      } catch (e) {
        if (e.name === 'AbortError' || authFailed(e)) throw e;
        if (e instanceof ApiError && e.status === 404) {
          clear(main).append(h('section', { class: 'panel empty', id: 'not-found' },
            h('strong', {}, `Job ${id} was not found`),
            'No job with this id belongs to the customers you signed in with. ',
            h('a', { href: '#/' }, 'All batch jobs')));
          poller.stop();
          return;
        }
        toast(`Not updated: ${e.message}`, true);
      }
    }, () => (job && ['DONE', 'CANCELED'].includes(job.status) && resultsKey ? 5000 : JOB_POLL_MS));
    return poller;
  }

  route();
})();
