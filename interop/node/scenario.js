// The interop scenario through node-soap, reading the WSDL at run time.
'use strict';
const soap = require('soap');

const env = (name) => {
  if (!process.env[name]) throw new Error(`${name} is not set`);
  return process.env[name];
};
const WSDL = env('INTEROP_WSDL');
const USER = env('INTEROP_USER');
const PASSWORD = env('INTEROP_PASSWORD');
const NAME = 'Zoë Ñúñez 東京';
const SOAP12 = (process.env.INTEROP_SOAP || '1.1') === '1.2';

let ok = true;
const check = (label, passed, info) => {
  console.log(passed ? 'PASS' : 'FAIL', label, typeof info === 'string' ? info : JSON.stringify(info));
  ok = ok && !!passed;
};
// A repeated element comes back as an object when there is one, undefined when there are none.
const list = (x) => (x == null ? [] : Array.isArray(x) ? x : [x]);

(async () => {
  // node-soap parses xs:decimal with parseFloat by default, so 125.50 arrives as the
  // number 125.5 (and larger amounts would lose precision). The customDeserializer
  // keeps the lexical value as a string instead.
  // node-soap does not take the SOAP version from the WSDL's binding: without
  // forceSoap12Headers it sends a SOAP 1.1 envelope (text/xml + SOAPAction) even to a soap12 port.
  const options = {
    disableCache: true,
    customDeserializer: { decimal: (text) => text },
    forceSoap12Headers: SOAP12,
  };
  const client = await soap.createClientAsync(WSDL, options);
  const call = async (op, args) => (await client[`${op}Async`]({ user: USER, password: PASSWORD, ...args }))[0];
  const channels = async () => list((await call('getchannels')).list.channel);

  let r = await call('getbalance');
  check('getbalance (customDeserializer decimal -> string)', r.balance === '125.50', { balance: r.balance });

  r = await call('addaddress', {
    namelastname: NAME, iscompany: 0, companyname: '', documentid: 'DOC-1',
    countrycode: 'US', cityid: 5128581, cityname: 'New York', zipcode: '10001', address: '1 Main St',
  });
  const id = r.idaddress;
  check('addaddress', Number.isInteger(id) && id > 0, { idaddress: id });

  r = await call('getaddresses');
  const mine = list(r && r.list && r.list.address).find((a) => a.id === id);
  check('getaddresses name round trip', mine && mine.namelastname === NAME, mine ? mine.namelastname : 'missing');

  await call('deleteaddress', { idaddress: id });
  r = await call('getaddresses');
  check('deleteaddress', !list(r && r.list && r.list.address).some((a) => a.id === id), { idaddress: id });

  let found = await channels();
  const summary = (cs) => Object.fromEntries(cs.map((c) => [c.channelname, c.active]));
  check('getchannels', ['sms', 'email', 'voice'].every((n) => found.some((c) => c.channelname === n)), summary(found));

  await call('modifychannel', { channelname: 'sms', active: 0 });
  found = await channels();
  const sms = found.find((c) => c.channelname === 'sms');
  check('modifychannel sms 0', sms && sms.active === 0, summary(found));
  await call('modifychannel', { channelname: 'sms', active: 1 }); // leave the account as found

  try {
    await call('getbalance', { password: 'wrong-password' });
    check('fault', false, 'no error');
  } catch (e) {
    // node-soap has no fault classes: the detail is the parsed envelope, untyped, and
    // shaped as on the wire: SOAP 1.1's faultcode/detail, SOAP 1.2's Code/Subcode/Detail.
    const fault = e.root && e.root.Envelope && e.root.Envelope.Body && e.root.Envelope.Body.Fault;
    const where = SOAP12 ? 'Detail' : 'detail';
    const detail = fault && fault[where];
    const code = detail && detail.UserServiceFault && detail.UserServiceFault.code;
    const faultcode = !fault ? undefined : SOAP12
      ? [fault.Code && fault.Code.Value, fault.Code && fault.Code.Subcode && fault.Code.Subcode.Value]
      : fault.faultcode;
    check(`fault untyped (e.root.Envelope.Body.Fault.${where}.UserServiceFault.code)`, code === 'INCORRECT_USER_PASSWORD',
      { faultcode, code });
  }

  // WS-Security UsernameToken (PasswordText, with a Nonce and Created) in place of the
  // user/password elements: a second client whose calls carry no credentials in the body.
  const wsse = await soap.createClientAsync(WSDL, options);
  wsse.setSecurity(new soap.WSSecurity(USER, PASSWORD, { passwordType: 'PasswordText', hasNonce: true }));
  r = (await wsse.getbalanceAsync({}))[0];
  check('getbalance with a UsernameToken (WSSecurity)', r.balance === '125.50', { balance: r.balance });

  console.log(ok ? 'ALL OK' : 'SOME FAILED');
  process.exit(ok ? 0 : 1);
})().catch((e) => {
  console.error('ERROR', e);
  process.exit(2);
});
