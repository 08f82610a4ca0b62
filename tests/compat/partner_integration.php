<?php
// A partner integration in the style of the ones in the field: PHP with curl, written
// against the published Partner API alone. It walks the client and live-service lifecycle
// and exits non-zero on the first unexpected answer.
//
// Usage: MYENGINE_URL=http://127.0.0.1:8000/api-v1 MYENGINE_PARTNER_ID=... MYENGINE_API_KEY=... php partner_integration.php

$base = rtrim(getenv('MYENGINE_URL'), '/');
$partnerId = getenv('MYENGINE_PARTNER_ID');
$apiKey = getenv('MYENGINE_API_KEY');

function call($method, $path, $body = null, $query = array())
{
    global $base, $partnerId, $apiKey;
    $url = $base . $path;
    if ($query) {
        $url .= '?' . http_build_query($query);
    }
    $ch = curl_init($url);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    curl_setopt($ch, CURLOPT_CUSTOMREQUEST, $method);
    curl_setopt($ch, CURLOPT_USERPWD, $partnerId . ':' . $apiKey);
    // Integrations in the field send these two headers; the API must ignore them.
    $headers = array('ContentType: application/json', 'cache-control: no-cache');
    if ($body !== null) {
        curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode($body));
    }
    curl_setopt($ch, CURLOPT_HTTPHEADER, $headers);
    $raw = curl_exec($ch);
    $status = curl_getinfo($ch, CURLINFO_HTTP_CODE);
    curl_close($ch);
    $json = json_decode($raw, true);
    return array($status, $json);
}

function expect($label, $condition, $detail)
{
    if (!$condition) {
        fwrite(STDERR, "FAILED $label: " . json_encode($detail) . "\n");
        exit(1);
    }
    echo "ok $label\n";
}

$suffix = bin2hex(random_bytes(4));

// Create
list($status, $res) = call('POST', '/clients', array(
    'username' => "php$suffix",
    'email' => "php$suffix@example.com",
    'firstname' => 'Fred',
    'surname' => 'Bloggs',
    'external_userid' => "ext$suffix",
));
expect('create', $status == 200 && $res['meta']['success'] === true, $res);
$clientId = $res['data']['id'];

// List with fields
list($status, $res) = call('GET', '/clients', null, array('fields' => '!(id,username,email,surname,active,client_status_id)'));
expect('list with fields', $status == 200 && count($res['data']) >= 1 && !isset($res['data'][0]['firstname']), $res);

// Search
list($status, $res) = call('GET', '/clients', null, array('search' => "('username LIKE':'php$suffix%')"));
expect('search', $status == 200 && count($res['data']) == 1 && $res['data'][0]['id'] == $clientId, $res);

list($status, $res) = call('GET', '/clients', null, array('search' => "('external_userid':'ext$suffix')"));
expect('search external id', $status == 200 && count($res['data']) == 1, $res);

// Get and self
list($status, $res) = call('GET', "/clients/$clientId");
expect('get', $status == 200 && $res['data']['username'] == "php$suffix", $res);

list($status, $res) = call('GET', '/clients/self');
expect('self', $status == 200 && $res['data']['id'] == $partnerId && isset($res['data']['credit']), $res);

// Edit
list($status, $res) = call('PATCH', "/clients/$clientId", array('city' => 'Leeds'));
expect('edit', $status == 200 && $res['data']['city'] == 'Leeds', $res);

// A live service for the client
list($status, $res) = call('GET', '/live_services/service_names');
expect('tariff', $status == 200 && count($res['data']) > 0 && isset($res['meta']['credit']), $res);

list($status, $res) = call('POST', '/outmails', array('client_id' => $clientId, 'service_name' => 'outmail-500'));
expect('create outMail', $status == 200 && $res['data']['status'] == 'live', $res);
$serviceId = $res['data']['id'];

// Suspend and unsuspend the client
list($status, $res) = call('PATCH', "/clients/$clientId/enabled", array('enable' => 0));
expect('suspend', $status == 200 && $res['data']['active'] == 0, $res);

list($status, $res) = call('PATCH', "/clients/$clientId/enabled", array('enable' => 1));
expect('unsuspend', $status == 200 && $res['data']['active'] == 1, $res);

// Live-service listing, suspension and deletion
list($status, $res) = call('GET', "/clients/$clientId/live_services");
expect('live services of client', $status == 200 && $res['data'][0]['id'] == $serviceId && $res['data'][0]['status'] == 'suspended', $res);

list($status, $res) = call('PATCH', "/live_services/$serviceId/suspension", array('suspend' => 0));
expect('unsuspend service', $status == 200 && $res['data']['status'] == 'live', $res);

list($status, $res) = call('PATCH', "/live_services/$serviceId/suspension", array('suspend' => 1));
expect('suspend service', $status == 200 && $res['data']['status'] == 'suspended', $res);

list($status, $res) = call('GET', "/live_services/$serviceId");
expect('get service', $status == 200 && isset($res['data']['regarde_servicenames']), $res);

// Delete the client: disabled, services suspended, not deleted
list($status, $res) = call('DELETE', "/clients/$clientId");
expect('delete', $status == 200 && $res['meta']['success'] === true && $res['data']['client_status_id'] == 3, $res);

list($status, $res) = call('DELETE', "/clients/$clientId");
expect('delete again', $status == 200, $res);

list($status, $res) = call('GET', '/live_services', null, array('search' => "(client_id:$clientId)"));
expect('services suspended after delete', $status == 200 && $res['data'][0]['status'] == 'suspended', $res);

list($status, $res) = call('DELETE', "/live_services/$serviceId");
expect('delete service', $status == 200 && $res['data']['status'] == 'deleted', $res);

// Errors the integration switches on
list($status, $res) = call('GET', '/clients/1');
expect('not found', $status == 404 && $res['error']['code'] == 'client_not_found', $res);

echo "all steps passed\n";
