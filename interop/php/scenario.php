<?php
// The interop scenario through PHP's SoapClient, reading the WSDL at run time.

function env(string $name): string {
    $value = getenv($name);
    if ($value === false || $value === '') throw new RuntimeException("$name is not set");
    return $value;
}
$U = env('INTEROP_USER');
$P = env('INTEROP_PASSWORD');
const NAME = 'Zoë Ñúñez 東京';

$ok = true;
function check(string $label, bool $passed, $info): void {
    global $ok;
    echo ($passed ? 'PASS ' : 'FAIL ') . "$label " . (is_string($info) ? $info : json_encode($info, JSON_UNESCAPED_UNICODE)) . "\n";
    $ok = $ok && $passed;
}

// The WSDL's soap12 binding alone does not switch ext-soap over: without soap_version it
// still sends a SOAP 1.1 envelope as text/xml, which the 1.2 endpoint rejects.
$soap12 = (getenv('INTEROP_SOAP') ?: '1.1') === '1.2';
// SOAP_SINGLE_ELEMENT_ARRAYS: a one-element list stays an array, not a bare object.
$c = new SoapClient(env('INTEROP_WSDL'), ['exceptions' => true, 'cache_wsdl' => WSDL_CACHE_NONE,
    'features' => SOAP_SINGLE_ELEMENT_ARRAYS, 'soap_version' => $soap12 ? SOAP_1_2 : SOAP_1_1]);
$auth = ['user' => $U, 'password' => $P];
$addresses = fn() => $c->getaddresses($auth)->list->address ?? [];
$channels = function () use ($c, $auth) {
    $found = [];
    foreach ($c->getchannels($auth)->list->channel ?? [] as $ch) $found[$ch->channelname] = $ch->active;
    return $found;
};

$r = $c->getbalance($auth);
// xs:decimal arrives as its lexical string, so the scale is visible.
check('getbalance', $r->balance === '125.50', ['balance' => $r->balance]);

$r = $c->addaddress($auth + ['namelastname' => NAME, 'iscompany' => 0, 'companyname' => '', 'documentid' => 'DOC-1',
    'countrycode' => 'US', 'cityid' => 5128581, 'cityname' => 'New York', 'zipcode' => '10001', 'address' => '1 Main St']);
$id = $r->idaddress;
check('addaddress', is_int($id) && $id > 0, ['idaddress' => $id]);

$mine = null;
foreach ($addresses() as $a) if ($a->id === $id) $mine = $a;
check('getaddresses name round trip', $mine !== null && $mine->namelastname === NAME, $mine ? $mine->namelastname : 'missing');

$c->deleteaddress($auth + ['idaddress' => $id]);
$gone = true;
foreach ($addresses() as $a) if ($a->id === $id) $gone = false;
check('deleteaddress', $gone, ['idaddress' => $id]);

$found = $channels();
check('getchannels', !array_diff(['sms', 'email', 'voice'], array_keys($found)), $found);

$c->modifychannel($auth + ['channelname' => 'sms', 'active' => 0]);
$found = $channels();
check('modifychannel sms 0', ($found['sms'] ?? null) === 0, $found);
$c->modifychannel($auth + ['channelname' => 'sms', 'active' => 1]); // leave the account as found

try {
    $c->getbalance(['user' => $U, 'password' => 'wrong-password']);
    check('fault', false, 'no fault');
} catch (SoapFault $f) {
    // ext-soap maps the detail to a stdClass, not a class of its own.
    $code = $f->detail->UserServiceFault->code ?? null;
    check('fault untyped (SoapFault->detail->UserServiceFault->code)', $code === 'INCORRECT_USER_PASSWORD',
        ['faultcode' => $f->faultcode, 'code' => $code]);
}

// WS-Security UsernameToken (PasswordText) in place of the user/password elements.
// ext-soap has no WS-Security support, so the Security header is written out by hand.
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
$text = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
$x = fn(string $s) => htmlspecialchars($s, ENT_XML1 | ENT_QUOTES, 'UTF-8');
$token = '<wsse:Security xmlns:wsse="' . WSSE . '" xmlns:wsu="' . WSU . '"><wsse:UsernameToken>'
    . '<wsse:Username>' . $x($U) . '</wsse:Username>'
    . '<wsse:Password Type="' . $text . '">' . $x($P) . '</wsse:Password>'
    . '<wsse:Nonce>' . base64_encode(random_bytes(16)) . '</wsse:Nonce>'
    . '<wsu:Created>' . gmdate('Y-m-d\TH:i:s\Z') . '</wsu:Created>'
    . '</wsse:UsernameToken></wsse:Security>';
$r = $c->__soapCall('getbalance', [[]], null, new SoapHeader(WSSE, 'Security', new SoapVar($token, XSD_ANYXML)));
check('getbalance with a UsernameToken (hand-written SoapHeader)', $r->balance === '125.50', ['balance' => $r->balance]);

echo $ok ? "ALL OK\n" : "SOME FAILED\n";
exit($ok ? 0 : 1);
