"""The interop scenario through suds, reading the WSDL at run time."""

import os
import sys
from decimal import Decimal

from suds import WebFault
from suds.client import Client
from suds.wsse import Security, UsernameToken

WSDL = os.environ["INTEROP_WSDL"]
USER = os.environ["INTEROP_USER"]
PASSWORD = os.environ["INTEROP_PASSWORD"]
NAME = "Zoë Ñúñez 東京"

ok = True


def check(label, passed, info=""):
    global ok
    print("PASS" if passed else "FAIL", label, info)
    ok = ok and bool(passed)


def addresses(service):
    # An empty list comes back without the repeated element at all.
    return getattr(service.getaddresses(USER, PASSWORD), "address", None) or []


def channels(service):
    return {c.channelname: c for c in service.getchannels(USER, PASSWORD).channel}


def main():
    service = Client(WSDL, cache=None).service

    balance = service.getbalance(USER, PASSWORD)
    # str() as well as Decimal equality: the scale (two places) must survive too.
    check(
        "getbalance",
        str(balance) == "125.50" and Decimal(str(balance)) == Decimal("125.50"),
        repr(balance),
    )

    address_id = service.addaddress(
        USER, PASSWORD, NAME, 0, "", "DOC-1", "US", 5128581, "New York", "10001", "1 Main St"
    )
    check("addaddress", isinstance(address_id, int) and address_id > 0, repr(address_id))

    mine = [a for a in addresses(service) if a.id == address_id]
    check(
        "getaddresses name round trip",
        mine and mine[0].namelastname == NAME,
        repr(mine[0].namelastname if mine else None),
    )

    service.deleteaddress(USER, PASSWORD, address_id)
    check("deleteaddress", address_id not in [a.id for a in addresses(service)], address_id)

    found = channels(service)
    check(
        "getchannels",
        {"sms", "email", "voice"} <= set(found),
        {name: c.active for name, c in found.items()},
    )

    service.modifychannel(USER, PASSWORD, "sms", 0)
    found = channels(service)
    check(
        "modifychannel sms 0",
        "sms" in found and found["sms"].active == 0,
        {name: c.active for name, c in found.items()},
    )
    service.modifychannel(USER, PASSWORD, "sms", 1)  # leave the account as found

    try:
        service.getbalance(USER, "wrong-password")
    except WebFault as e:
        # suds builds detail.UserServiceFault from the WSDL's fault message type.
        detail = e.fault.detail.UserServiceFault
        check(
            "fault typed (WebFault.fault.detail.UserServiceFault.code)",
            detail.code == "INCORRECT_USER_PASSWORD",
            f"faultcode={e.fault.faultcode!r} code={detail.code!r}",
        )
    else:
        check("fault", False, "no fault raised")

    # WS-Security UsernameToken (PasswordText, with a Nonce and Created) in place of the
    # user/password elements, through suds's own wsse option.
    token = UsernameToken(USER, PASSWORD)
    token.setnonce()
    token.setcreated()
    security = Security()
    security.tokens.append(token)
    balance = Client(WSDL, cache=None, wsse=security).service.getbalance()
    check("getbalance with a UsernameToken (wsse option)", str(balance) == "125.50", repr(balance))

    print("ALL OK" if ok else "SOME FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
