// node-soap (npm `soap`) against the served BatchJobService WSDL: mutate ADD, get (selector),
// query (AWQL), mutate SET CANCELING, and the faults of a second cancel and of REMOVE.
// The client posts to the WSDL's soap:address (no `endpoint` option), with Node's keep-alive agent.
'use strict';
const soap = require('soap');
const { NS, base, Checks, asArray, faultErrors } = require('./checks');

const checks = new Checks('node_soap_batch_job_service');

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
  const client = await soap.createClientAsync(
      `${base}/api/adwords/cm/v201702/BatchJobService?wsdl`);
  checks.eq(client.endpoint || client.wsdl.services.BatchJobService.ports
      .BatchJobServiceInterfacePort.location,
      `${base}/api/adwords/cm/v201702/BatchJobService`, 'soap:address rewritten to the gateway');
  client.setSecurity(new soap.BearerSecurity('compat-access-token'));
  client.addSoapHeader({RequestHeader: {
    clientCustomerId: '123-456-7890', developerToken: 'compat-dev-token',
    userAgent: 'compat-node-soap (soap/' + require('soap/package.json').version + ')',
    validateOnly: false, partialFailure: false}}, '', 'tns', NS);

  const call = async (method, args) => {
    const [result, , header] = await client[method + 'Async'](args);
    const rh = header && header.ResponseHeader;
    checks.eq(rh && [rh.serviceName, rh.methodName], ['BatchJobService', method],
              `${method}: ResponseHeader`);
    return result.rval;
  };

  let rval = await call('mutate', {operations: [{operator: 'ADD', operand: {}}]});
  const jobs = asArray(rval.value);
  checks.eq(jobs.length, 1, 'ADD returns one job');
  const job = jobs[0];
  checks.true(Number(job.id) > 0, `job id ${job.id}`);
  checks.eq(job.status, 'AWAITING_FILE', 'ADD status');
  checks.true(job.uploadUrl && String(job.uploadUrl.url).startsWith(base + '/'),
              'uploadUrl on the gateway');
  checks.eq(rval['ListReturnValue.Type'], 'BatchJobReturnValue', 'ListReturnValue.Type marker');
  const second = asArray((await call('mutate', {operations: [{operator: 'ADD', operand: {}}]})).value)[0];
  checks.true(Number(second.id) > Number(job.id), `ids grow (${job.id} then ${second.id})`);

  let page = await call('get', {selector: {
    fields: ['Id', 'Status', 'DownloadUrl', 'ProcessingErrors', 'ProgressStats'],
    predicates: [{field: 'Id', operator: 'EQUALS', values: [String(job.id)]}]}});
  checks.eq(Number(page.totalNumEntries), 1, 'get totalNumEntries');
  checks.eq(asArray(page.entries).map((e) => [String(e.id), e.status]),
            [[String(job.id), 'AWAITING_FILE']], 'get entries');
  page = await call('get', {selector: {
    fields: ['Id', 'Status'],
    predicates: [{field: 'Id', operator: 'IN', values: [String(job.id), String(second.id)]}],
    ordering: [{field: 'Id', sortOrder: 'DESCENDING'}]}});
  checks.eq(asArray(page.entries).map((e) => String(e.id)), [String(second.id), String(job.id)],
            'get IN, DESCENDING');

  page = await call('query', {query: `SELECT Id, Status, DownloadUrl WHERE Id = ${job.id}`});
  checks.eq(Number(page.totalNumEntries), 1, 'query totalNumEntries');
  checks.eq(asArray(page.entries).map((e) => [String(e.id), e.status]),
            [[String(job.id), 'AWAITING_FILE']], 'query entries');
  page = await call('query', {
    query: `SELECT Id WHERE Id IN [${job.id}, ${second.id}] ORDER BY Id ASC LIMIT 0,1`});
  checks.eq(Number(page.totalNumEntries), 2, 'query IN totalNumEntries');
  checks.eq(asArray(page.entries).map((e) => String(e.id)), [String(job.id)],
            'query ORDER BY / LIMIT');

  rval = await call('mutate', {operations: [
    {operator: 'SET', operand: {id: job.id, status: 'CANCELING'}}]});
  checks.eq(asArray(rval.value).map((v) => [String(v.id), v.status]),
            [[String(job.id), 'CANCELING']], 'SET CANCELING');
  await expectFault('second cancel', client.mutateAsync({operations: [
    {operator: 'SET', operand: {id: job.id, status: 'CANCELING'}}]}),
    [['BatchJobError', 'INVALID_STATE_CHANGE', 'operations[0].operand.status']],
    'BatchJobError.INVALID_STATE_CHANGE');
  await expectFault('REMOVE', client.mutateAsync({operations: [
    {operator: 'REMOVE', operand: {id: second.id}}]}),
    [['OperatorError', 'OPERATOR_NOT_SUPPORTED', 'operations[0].operator']],
    'OperatorError.OPERATOR_NOT_SUPPORTED');
  checks.finish();
}

main().catch((e) => { checks.true(false, 'unexpected error: ' + (e && e.stack || e)); checks.finish(); });
