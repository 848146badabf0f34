// The interop scenario through a gSOAP C++ proxy generated from the WSDL by run.sh.
#include "soapUserServiceProxy.h"
#include "UserService.nsmap"

#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>

static bool ok = true;

static void check(const std::string &label, bool passed, const std::string &info) {
  std::cout << (passed ? "PASS " : "FAIL ") << label << " " << info << std::endl;
  ok = ok && passed;
}

static std::string env(const char *name) {
  const char *value = std::getenv(name);
  if (!value || !*value) throw std::runtime_error(std::string(name) + " is not set");
  return value;
}

int main() {
  // The endpoint is the WSDL's soap:address, baked into the proxy when run.sh generated it.
  UserServiceProxy p(SOAP_C_UTFSTRING);  // std::string members carry UTF-8 as is
  soap *s = p.soap;
  const std::string U = env("INTEROP_USER"), P = env("INTEROP_PASSWORD");
  const std::string NAME = "Zo\xC3\xAB \xC3\x91\xC3\xBA\xC3\xB1" "ez \xE6\x9D\xB1\xE4\xBA\xAC";  // Zoë Ñúñez 東京

  // Request fields are pointers (minOccurs=0); allocate them in the soap context.
  auto str = [&](const std::string &v) { std::string *x = soap_new_std__string(s); *x = v; return x; };
  auto num = [&](int v) { int *x = static_cast<int *>(soap_malloc(s, sizeof(int))); *x = v; return x; };
  auto fail = [&](const char *op) { std::cerr << op << ": "; p.soap_stream_fault(std::cerr); return 2; };

  ns1__getbalance gb; gb.user = str(U); gb.password = str(P);
  ns1__getbalanceResponse gbr;
  if (p.getbalance(&gb, gbr) != SOAP_OK) return fail("getbalance");
  // wsdl2h maps xs:decimal to std::string by default, so this compares the lexical value.
  check("getbalance", gbr.balance == "125.50", gbr.balance);

  ns1__addaddress aa; aa.user = str(U); aa.password = str(P); aa.namelastname = str(NAME); aa.iscompany = num(0);
  aa.companyname = str(""); aa.documentid = str("DOC-1"); aa.countrycode = str("US"); aa.cityid = num(5128581);
  aa.cityname = str("New York"); aa.zipcode = str("10001"); aa.address = str("1 Main St");
  ns1__addaddressResponse aar;
  if (p.addaddress(&aa, aar) != SOAP_OK) return fail("addaddress");
  const int id = aar.idaddress;
  check("addaddress", id > 0, std::to_string(id));

  ns1__getaddresses ga; ga.user = str(U); ga.password = str(P);
  ns1__getaddressesResponse gar;
  if (p.getaddresses(&ga, gar) != SOAP_OK) return fail("getaddresses");
  const ns1__Address *mine = nullptr;
  if (gar.list) for (auto *a : gar.list->address) if (a->id == id) mine = a;
  check("getaddresses name round trip", mine && mine->namelastname == NAME, mine ? mine->namelastname : "missing");

  ns1__deleteaddress da; da.user = str(U); da.password = str(P); da.idaddress = num(id);
  ns1__deleteaddressResponse dar;
  if (p.deleteaddress(&da, dar) != SOAP_OK) return fail("deleteaddress");
  ns1__getaddressesResponse gar2;
  if (p.getaddresses(&ga, gar2) != SOAP_OK) return fail("getaddresses");
  bool gone = true;
  if (gar2.list) for (auto *a : gar2.list->address) if (a->id == id) gone = false;
  check("deleteaddress", gone, std::to_string(id));

  // Returns sms's active flag, or -1 if any of sms/email/voice is missing; desc lists them all.
  ns1__getchannels gc; gc.user = str(U); gc.password = str(P);
  auto channels = [&](std::string &desc) {
    ns1__getchannelsResponse r;
    desc.clear();
    int sms = -1, known = 0;
    if (p.getchannels(&gc, r) != SOAP_OK || !r.list) return -1;
    for (auto *c : r.list->channel) {
      desc += c->channelname + "=" + std::to_string(c->active) + " ";
      if (c->channelname == "sms") sms = c->active;
      if (c->channelname == "sms" || c->channelname == "email" || c->channelname == "voice") known++;
    }
    return known == 3 ? sms : -1;
  };
  std::string desc;
  check("getchannels", channels(desc) >= 0, desc);

  ns1__modifychannel mc; mc.user = str(U); mc.password = str(P); mc.channelname = str("sms"); mc.active = num(0);
  ns1__modifychannelResponse mcr;
  if (p.modifychannel(&mc, mcr) != SOAP_OK) return fail("modifychannel");
  check("modifychannel sms 0", channels(desc) == 0, desc);
  *mc.active = 1;  // leave the account as found
  if (p.modifychannel(&mc, mcr) != SOAP_OK) return fail("modifychannel");

  ns1__getbalance bad; bad.user = str(U); bad.password = str("wrong-password");
  ns1__getbalanceResponse badr;
  if (p.getbalance(&bad, badr) == SOAP_OK) {
    check("fault", false, "no fault");
  } else {
    // soapcpp2 generates the detail member from the WSDL's fault message. The nsmap that
    // wsdl2h made from the binding sets the SOAP version (s->version); a SOAP 1.2 fault's
    // Detail and Subcode land in their own members, SOAP_ENV__Detail and SOAP_ENV__Code.
    const bool v12 = s->version == 2;
    const SOAP_ENV__Detail *d = !s->fault ? nullptr : v12 ? s->fault->SOAP_ENV__Detail : s->fault->detail;
    const ns1__UserServiceFault *f = d ? d->ns1__UserServiceFault_ : nullptr;
    const char *fc = *soap_faultcode(s);
    const char *sub = v12 ? *soap_faultsubcode(s) : nullptr;
    check(std::string("fault typed (soap->fault->") + (v12 ? "SOAP_ENV__Detail" : "detail") +
              "->ns1__UserServiceFault_->code)",
          f && f->code == "INCORRECT_USER_PASSWORD",
          std::string("faultcode=") + (fc ? fc : "?") + (v12 ? std::string(" subcode=") + (sub ? sub : "?") : "") +
              " code=" + (f ? f->code : "<no detail>"));
  }

  std::cout << (ok ? "ALL OK" : "SOME FAILED") << std::endl;
  return ok ? 0 : 1;
}
