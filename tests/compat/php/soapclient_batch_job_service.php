<?php
// PHP's SoapClient (php-soap) against the served BatchJobService WSDL: mutate ADD, get (selector),
// query (AWQL), mutate SET CANCELING, the faults of a second cancel and of REMOVE.
//
// The client is configured the way googleads-php-lib configures it (no WSDL cache, single-element
// arrays, Bearer token in the stream context, RequestHeader as a SoapHeader) and, like that
// library, posts to the service URL with `?wsdl` still on it (__setLocation), which the gateway
// must accept. A second client posts to the WSDL's own soap:address.

const NS = 'https://adwords.google.com/api/adwords/cm/v201702';

$base = getenv('BG_BASE_URL');
if (!is_string($base) || strpos($base, 'http://127.0.0.1:') !== 0) {
    fwrite(STDERR, "BG_BASE_URL must be the local server\n");
    exit(2);
}
$wsdl = $base . '/api/adwords/cm/v201702/BatchJobService?wsdl';

require __DIR__ . '/compat_common.php';

function make_client($wsdl, $token) {
    $headers = $token === null ? '' : "Authorization: Bearer $token\r\n";
    $client = new SoapClient($wsdl, [
        'cache_wsdl' => WSDL_CACHE_NONE,
        'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
        'trace' => true,
        'exceptions' => true,
        'connection_timeout' => 30,
        'stream_context' => stream_context_create(['http' => ['header' => $headers]]),
    ]);
    $client->__setSoapHeaders(new SoapHeader(NS, 'RequestHeader', [
        'clientCustomerId' => '123-456-7890',
        'developerToken' => 'compat-dev-token',
        'userAgent' => 'compat-php (AwApi-PHP, SoapClient, PHP/' . PHP_VERSION . ')',
        'validateOnly' => false,
        'partialFailure' => false,
    ]));
    return $client;
}

// [ApiError.Type, reason, fieldPath] of each error in a SoapFault's ApiExceptionFault detail.
function fault_errors(SoapFault $f) {
    $out = [];
    $detail = isset($f->detail->ApiExceptionFault) ? $f->detail->ApiExceptionFault : null;
    if ($detail === null || !isset($detail->errors)) return $out;
    $errors = is_array($detail->errors) ? $detail->errors : [$detail->errors];
    foreach ($errors as $e) {
        if ($e instanceof SoapVar) $e = $e->enc_value;
        $e = (array)$e;
        $out[] = [$e['ApiError.Type'] ?? null, $e['reason'] ?? null, $e['fieldPath'] ?? null];
    }
    return $out;
}

function expect_fault($what, callable $call, array $errors, $message_part) {
    try {
        $call();
    } catch (SoapFault $f) {
        check(strpos($f->getMessage(), $message_part) !== false,
              "$what: fault message " . var_export($f->getMessage(), true));
        check_eq(fault_errors($f), $errors, "$what: fault errors");
        return;
    }
    check(false, "$what: no fault raised");
}

function response_header(SoapClient $c, $method) {
    $resp = $c->__getLastResponse();
    check(strpos($resp, '<serviceName>BatchJobService</serviceName>') !== false,
          "$method: ResponseHeader serviceName");
    check(strpos($resp, "<methodName>$method</methodName>") !== false,
          "$method: ResponseHeader methodName");
}

try {
    $client = make_client($wsdl, 'compat-access-token');
    // What googleads-php-lib does: the call location is the WSDL URL itself.
    $client->__setLocation($wsdl);

    $rv = $client->mutate(['operations' => [['operator' => 'ADD', 'operand' => new stdClass()]]]);
    response_header($client, 'mutate');
    check(strpos($client->__getLastRequestHeaders(), "POST /api/adwords/cm/v201702/BatchJobService?wsdl ") === 0,
          'posted to ...?wsdl');
    check_eq(count($rv->rval->value), 1, 'ADD returns one job');
    $job = $rv->rval->value[0];
    check(is_numeric($job->id) && $job->id > 0, 'job id ' . var_export($job->id, true));
    check_eq($job->status, 'AWAITING_FILE', 'ADD status');
    check(strpos($job->uploadUrl->url, $base . '/') === 0, 'uploadUrl on the gateway');
    check(!isset($job->downloadUrl), 'no downloadUrl yet');

    // Second client: no __setLocation, so it posts to the WSDL's soap:address.
    $plain = make_client($wsdl, 'compat-access-token');
    $second = $plain->mutate(['operations' => [['operator' => 'ADD', 'operand' => new stdClass()]]])
                    ->rval->value[0];
    check(strpos($plain->__getLastRequestHeaders(), "POST /api/adwords/cm/v201702/BatchJobService ") === 0,
          'posted to the soap:address');
    check($second->id > $job->id, "ids grow ($job->id then $second->id)");

    $page = $client->get(['selector' => [
        'fields' => ['Id', 'Status', 'DownloadUrl', 'ProcessingErrors', 'ProgressStats'],
        'predicates' => [['field' => 'Id', 'operator' => 'EQUALS', 'values' => [(string)$job->id]]],
    ]])->rval;
    response_header($client, 'get');
    check_eq((int)$page->totalNumEntries, 1, 'get totalNumEntries');
    check_eq([(string)$page->entries[0]->id, $page->entries[0]->status],
             [(string)$job->id, 'AWAITING_FILE'], 'get entry');
    check_eq((int)$page->entries[0]->progressStats->numOperationsExecuted, 0, 'get progressStats');

    $page = $client->get(['selector' => [
        'fields' => ['Id', 'Status'],
        'predicates' => [['field' => 'Id', 'operator' => 'IN',
                          'values' => [(string)$job->id, (string)$second->id]]],
        'ordering' => [['field' => 'Id', 'sortOrder' => 'DESCENDING']],
    ]])->rval;
    check_eq(array_map(fn($e) => (string)$e->id, $page->entries),
             [(string)$second->id, (string)$job->id], 'get IN, DESCENDING');

    $page = $client->query(['query' => "SELECT Id, Status, DownloadUrl WHERE Id = $job->id"])->rval;
    response_header($client, 'query');
    check_eq((int)$page->totalNumEntries, 1, 'query totalNumEntries');
    check_eq([(string)$page->entries[0]->id, $page->entries[0]->status],
             [(string)$job->id, 'AWAITING_FILE'], 'query entry');
    $page = $client->query(['query' => "SELECT Id WHERE Id IN [$job->id, $second->id] " .
                                       "ORDER BY Id ASC LIMIT 0,1"])->rval;
    check_eq((int)$page->totalNumEntries, 2, 'query IN totalNumEntries');
    check_eq(array_map(fn($e) => (string)$e->id, $page->entries), [(string)$job->id],
             'query ORDER BY / LIMIT');

    $rv = $client->mutate(['operations' => [
        ['operator' => 'SET', 'operand' => ['id' => $job->id, 'status' => 'CANCELING']]]]);
    check_eq([(string)$rv->rval->value[0]->id, $rv->rval->value[0]->status],
             [(string)$job->id, 'CANCELING'], 'SET CANCELING');
    expect_fault('second cancel', fn() => $client->mutate(['operations' => [
        ['operator' => 'SET', 'operand' => ['id' => $job->id, 'status' => 'CANCELING']]]]),
        [['BatchJobError', 'INVALID_STATE_CHANGE', 'operations[0].operand.status']],
        'BatchJobError.INVALID_STATE_CHANGE');
    expect_fault('REMOVE', fn() => $client->mutate(['operations' => [
        ['operator' => 'REMOVE', 'operand' => ['id' => $second->id]]]]),
        [['OperatorError', 'OPERATOR_NOT_SUPPORTED', 'operations[0].operator']],
        'OperatorError.OPERATOR_NOT_SUPPORTED');
} catch (Throwable $t) {
    check(false, 'unexpected ' . get_class($t) . ': ' . $t->getMessage());
}

if ($failed) {
    echo "soapclient_batch_job_service: " . count($failed) . " check(s) FAILED, $passed passed\n";
    exit(1);
}
echo "soapclient_batch_job_service: all $passed checks passed\n";
exit(0);
