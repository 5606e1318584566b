<?php
// PHP's SoapClient over HTTPS the way an unchanged googleads-php-lib reaches the gateway: the WSDL
// and the calls go over https, the certificate is verified for adwords.google.com (what a hosts
// entry pointing adwords.google.com at the gateway leads to; here `peer_name` stands in for the
// hosts entry, the connection goes to 127.0.0.1) against the gateway's private CA, given as
// `cafile` — the stream-context form of php.ini's openssl.cafile (docs/deployment.md).
// Run through `run_with_server.py --tls` (BG_BASE_URL https://127.0.0.1:PORT, BG_CA_FILE).
// Also checked: without the CA, or for a name the certificate does not carry, nothing loads.

const NS = 'https://adwords.google.com/api/adwords/cm/v201702';

$base = getenv('BG_BASE_URL');
$ca = getenv('BG_CA_FILE');
if (!is_string($base) || strpos($base, 'https://127.0.0.1:') !== 0 || !is_string($ca)) {
    fwrite(STDERR, "BG_BASE_URL must be the local HTTPS server (run_with_server.py --tls)\n");
    exit(2);
}
$wsdl = $base . '/api/adwords/cm/v201702/BatchJobService?wsdl';

require __DIR__ . '/compat_common.php';

function make_client($wsdl, array $ssl) {
    $client = new SoapClient($wsdl, [
        'cache_wsdl' => WSDL_CACHE_NONE,
        'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
        'trace' => true,
        'exceptions' => true,
        'connection_timeout' => 30,
        'stream_context' => stream_context_create([
            'http' => ['header' => "Authorization: Bearer compat-access-token\r\n"],
            'ssl' => $ssl,
        ]),
    ]);
    $client->__setSoapHeaders(new SoapHeader(NS, 'RequestHeader', [
        'clientCustomerId' => '123-456-7890',
        'developerToken' => 'compat-dev-token',
        'userAgent' => 'compat-php-tls (AwApi-PHP, SoapClient, PHP/' . PHP_VERSION . ')',
    ]));
    return $client;
}

$trusted = ['verify_peer' => true, 'verify_peer_name' => true, 'cafile' => $ca,
            'peer_name' => 'adwords.google.com'];

try {
    $client = make_client($wsdl, $trusted);
    $client->__setLocation($wsdl);  // as googleads-php-lib does
    $job = $client->mutate(['operations' => [['operator' => 'ADD', 'operand' => new stdClass()]]])
                  ->rval->value[0];
    check($job->status === 'AWAITING_FILE', 'ADD over https: ' . var_export($job->status, true));
    check(strpos($job->uploadUrl->url, $base . '/batchjob/upload/') === 0,
          'uploadUrl over https: ' . $job->uploadUrl->url);
    $page = $client->get(['selector' => [
        'fields' => ['Id', 'Status'],
        'predicates' => [['field' => 'Id', 'operator' => 'EQUALS', 'values' => [(string)$job->id]]],
    ]])->rval;
    check((int)$page->totalNumEntries === 1 && (string)$page->entries[0]->id === (string)$job->id,
          'get over https');
    // The upload start through PHP's https stream wrapper with the same context.
    $ctx = stream_context_create([
        'http' => ['method' => 'POST', 'header' => "x-goog-resumable: start\r\nContent-Length: 0\r\n",
                   'ignore_errors' => true],
        'ssl' => $trusted,
    ]);
    $body = file_get_contents($job->uploadUrl->url, false, $ctx);
    check(isset($http_response_header[0]) && strpos($http_response_header[0], ' 201') !== false,
          'upload start over https: ' . var_export($http_response_header[0] ?? null, true));
} catch (Throwable $e) {
    check(false, 'trusted client: ' . get_class($e) . ': ' . $e->getMessage());
}

// The system trust store alone does not know the private CA; nor does the certificate carry an
// unrelated name.
foreach (['no CA' => ['verify_peer' => true, 'peer_name' => 'adwords.google.com'],
          'other name' => ['verify_peer' => true, 'cafile' => $ca, 'peer_name' => 'www.google.com']]
         as $what => $ssl) {
    try {
        make_client($wsdl, $ssl);
        check(false, "$what: the WSDL must not load");
    } catch (SoapFault $f) {
        check(strpos($f->getMessage(), 'failed to load') !== false, "$what: " . $f->getMessage());
    }
}

if ($failed) {
    echo 'soapclient_tls: ' . count($failed) . " check(s) FAILED, $passed passed\n";
    exit(1);
}
echo "soapclient_tls: all $passed checks passed\n";
