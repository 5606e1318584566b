// node-adwords@201809.1.0 (the only AdWords-specific client on npm) with API version v201702:
// mutate ADD, get (selector), query (AWQL), mutate SET CANCELING, REMOVE -> fault.
// Its WSDL URL is hard-coded to adwords.google.com, so the service descriptor is pointed at the
// gateway before getService() (third-party-clients.md §7); calls then go to the WSDL's
// soap:address, which the gateway must have rewritten to itself.
'use strict';
const services = require('node-adwords/services');
const { AdwordsUser } = require('node-adwords');
const { base, Checks, asArray, faultErrors } = require('./checks');

const checks = new Checks('node_adwords_batch_job_service');
services.BatchJobService.wsdl = `${base}/api/adwords/cm/{{version}}/BatchJobService?wsdl`;

const user = new AdwordsUser({
  developerToken: 'compat-dev-token',
  userAgent: 'compat-node-adwords',
  clientCustomerId: '123-456-7890',
  access_token: 'compat-access-token',  // sent as Bearer, no OAuth round trip
});
const svc = user.getService('BatchJobService', 'v201702');
const call = (method, payload) => new Promise((resolve, reject) =>
  svc[method](payload, (err, rval) => (err ? reject(err) : resolve(rval))));

async function expectFault(what, promise, errors, messagePart) {
  try {
    await promise;
  } catch (err) {
    checks.true(String(err.message).includes(messagePart), `${what}: fault message ${err.message}`);
    checks.eq(faultErrors(err), errors, `${what}: fault errors`);
    return;
  }
  checks.true(false, `${what}: no fault raised`);
}

async function main() {
  let rval = await call('mutate', {operations: [{operator: 'ADD', operand: {}}]});
  const job = asArray(rval.value)[0];
  checks.true(job && Number(job.id) > 0, `job id ${job && job.id}`);
  checks.eq(job && job.status, 'AWAITING_FILE', 'ADD status');
  checks.true(job && job.uploadUrl && String(job.uploadUrl.url).startsWith(base + '/'),
              'uploadUrl on the gateway');
  checks.eq(svc.client.wsdl.services.BatchJobService.ports.BatchJobServiceInterfacePort.location,
            `${base}/api/adwords/cm/v201702/BatchJobService`, 'soap:address rewritten');
  const second = asArray((await call('mutate', {operations: [{operator: 'ADD', operand: {}}]})).value)[0];
  checks.true(Number(second.id) > Number(job.id), `ids grow (${job.id} then ${second.id})`);

  let page = await call('get', {selector: {
    fields: ['Id', 'Status', 'DownloadUrl'],
    predicates: [{field: 'Id', operator: 'EQUALS', values: [String(job.id)]}]}});
  checks.eq(Number(page.totalNumEntries), 1, 'get totalNumEntries');
  checks.eq(asArray(page.entries).map((e) => [String(e.id), e.status]),
            [[String(job.id), 'AWAITING_FILE']], 'get entries');

  page = await call('query', {query: `SELECT Id, Status WHERE Id IN [${job.id}, ${second.id}] ` +
                                     'ORDER BY Id DESC'});
  checks.eq(Number(page.totalNumEntries), 2, 'query totalNumEntries');
  checks.eq(asArray(page.entries).map((e) => String(e.id)), [String(second.id), String(job.id)],
            'query ORDER BY Id DESC');

  rval = await call('mutate', {operations: [
    {operator: 'SET', operand: {id: job.id, status: 'CANCELING'}}]});
  checks.eq(asArray(rval.value).map((v) => [String(v.id), v.status]),
            [[String(job.id), 'CANCELING']], 'SET CANCELING');
  page = await call('get', {selector: {
    fields: ['Id', 'Status'],
    predicates: [{field: 'Id', operator: 'EQUALS', values: [String(job.id)]}]}});
  // The scheduler finishes a cancel asynchronously: CANCELING, then CANCELED.
  const after = asArray(page.entries);
  checks.eq(after.map((e) => String(e.id)), [String(job.id)], 'get after cancel: id');
  checks.true(after.length === 1 && ['CANCELING', 'CANCELED'].includes(after[0].status),
              `get after cancel: status ${after.length && after[0].status}`);
  // Only Id is filterable on BatchJob.
  await expectFault('predicate on Status', call('get', {selector: {
    fields: ['Id'], predicates: [{field: 'Status', operator: 'EQUALS', values: ['DONE']}]}}),
    [['SelectorError', 'INVALID_PREDICATE_FIELD_NAME', 'serviceSelector']],
    'SelectorError.INVALID_PREDICATE_FIELD_NAME');
  await expectFault('REMOVE', call('mutate', {operations: [
    {operator: 'REMOVE', operand: {id: second.id}}]}),
    [['OperatorError', 'OPERATOR_NOT_SUPPORTED', 'operations[0].operator']],
    'OperatorError.OPERATOR_NOT_SUPPORTED');
  checks.finish();
}

main().catch((e) => { checks.true(false, 'unexpected error: ' + (e && e.stack || e)); checks.finish(); });
