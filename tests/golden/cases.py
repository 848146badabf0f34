"""Every request shape the test suite and the interop scenarios send, as fixed cases.

Cases run in this order on a freshly seeded database (tests/golden/seed.py);
a case that writes uses its own flow account, so no other case sees its effect
except the ones after it in the same flow. Names read ``transport/what``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from urllib.parse import quote, urlencode

from service.soap.wsse import PASSWORD_TEXT, WSSE, WSU
from tests.golden.replay import Case
from tests.golden.seed import ACCOUNTS, MADRID, NEW_YORK, TOKYO, address

NS = "urn:usermanagement:user:v1"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
ENVELOPE = {"1.1": SOAP11, "1.2": SOAP12}
SOAP_PATH = {"1.1": "/api/soap/", "1.2": "/api/soap12/"}
VERSIONS = ("1.1", "1.2")
PASSWORD_DIGEST = PASSWORD_TEXT.replace("PasswordText", "PasswordDigest")
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
OPERATIONS = (
    "getbalance",
    "addaddress",
    "deleteaddress",
    "getaddresses",
    "getchannels",
    "modifychannel",
)


def _seeded_address_ids() -> dict[str, list[int]]:
    """The ids the seeded addresses get: numbered in seeding order from 1."""
    ids: dict[str, list[int]] = {}
    counter = 0
    for key, account in ACCOUNTS.items():
        ids[key] = list(range(counter + 1, counter + 1 + len(account.addresses)))
        counter += len(account.addresses)
    return ids


SEEDED_IDS = _seeded_address_ids()
FIRST_NEW_ID = sum(len(ids) for ids in SEEDED_IDS.values()) + 1


def without_companyname(**changes: object) -> dict[str, object]:
    """address() without its one optional parameter."""
    return {k: v for k, v in address(**changes).items() if k != "companyname"}


def login(key: str) -> tuple[str, str]:
    """(user, password) of a seeded account."""
    return ACCOUNTS[key].email, ACCOUNTS[key].password


def access(key: str, name: str) -> tuple[str, str]:
    """(login, secret) of a seeded access."""
    found = next(a for a in ACCOUNTS[key].accesses if a.name == name)
    return found.login, found.secret


# SOAP request builders ---------------------------------------------------------------------


def fields(prefix: str = "u:", /, **values: object) -> str:
    """Raw request elements in order; None gives an empty element."""
    parts = []
    for name, value in values.items():
        tag = f"{prefix}{name}"
        parts.append(f"<{tag}/>" if value is None else f"<{tag}>{value}</{tag}>")
    return "".join(parts)


def credentials(key: str, prefix: str = "u:") -> str:
    user, password = login(key)
    return fields(prefix, user=user, password=password)


def soap_headers(version: str, operation: str) -> tuple[tuple[str, str], ...]:
    """What a generated stub sends beside the envelope."""
    if version == "1.1":
        return (("Content-Type", "text/xml; charset=utf-8"), ("SOAPAction", f'"{operation}"'))
    return (("Content-Type", f'application/soap+xml; charset=utf-8; action="{operation}"'),)


def envelope(version: str, operation: str, body: str, header: str | None = None) -> bytes:
    """The test suite's shape: ``s:`` and ``u:`` prefixes on the Envelope."""
    head = "" if header is None else f"<s:Header>{header}</s:Header>"
    declaration = '<?xml version="1.0" encoding="UTF-8"?>' if version == "1.1" else ""
    return (
        f'{declaration}<s:Envelope xmlns:s="{ENVELOPE[version]}" xmlns:u="{NS}">{head}<s:Body>'
        f"<u:{operation}>{body}</u:{operation}></s:Body></s:Envelope>"
    ).encode()


def security(user: str, password: str, extra: str = "", password_type: str = PASSWORD_TEXT) -> str:
    """A wsse:Security header block with one UsernameToken (prefixes wsse, wsu bound)."""
    return (
        f'<wsse:Security xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}" s:mustUnderstand="1">'
        f"<wsse:UsernameToken><wsse:Username>{user}</wsse:Username>"
        f'<wsse:Password Type="{password_type}">{password}</wsse:Password>{extra}'
        "</wsse:UsernameToken></wsse:Security>"
    )


def fresh(nonce: str, created: str = "{{created}}") -> str:
    """A Nonce and a Created element for a UsernameToken."""
    return f"<wsse:Nonce>{nonce}</wsse:Nonce><wsu:Created>{created}</wsu:Created>"


# Envelopes as the interop stacks write them ------------------------------------------------


def _zeep(version: str, operation: str, values: Mapping[str, object], header: str) -> str:
    head = f"<soap-env:Header>{header}</soap-env:Header>" if header else ""
    inner = fields("ns0:", **values)
    call = f'<ns0:{operation} xmlns:ns0="{NS}">{inner}</ns0:{operation}>'
    if not values:
        call = f'<ns0:{operation} xmlns:ns0="{NS}"/>'
    return (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        f'<soap-env:Envelope xmlns:soap-env="{ENVELOPE[version]}">{head}'
        f"<soap-env:Body>{call}</soap-env:Body></soap-env:Envelope>"
    )


def _suds(version: str, operation: str, values: Mapping[str, object], header: str) -> str:
    call = f"<ns1:{operation}>{fields('ns1:', **values)}</ns1:{operation}>"
    if not values:
        call = f"<ns1:{operation}/>"
    namespaces = f'xmlns:SOAP-ENV="{SOAP11}" xmlns:xsi="{XSI}"'
    if header:
        namespaces += f' xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}"'
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope {namespaces} '
        f'xmlns:ns0="{SOAP11}" xmlns:ns1="{NS}"><SOAP-ENV:Header>{header}</SOAP-ENV:Header>'
        f"<ns0:Body>{call}</ns0:Body></SOAP-ENV:Envelope>"
    ).replace("<SOAP-ENV:Header></SOAP-ENV:Header>", "<SOAP-ENV:Header/>")


def _php(version: str, operation: str, values: Mapping[str, object], header: str) -> str:
    prefix = "SOAP-ENV" if version == "1.1" else "env"
    head = f"<{prefix}:Header>{header}</{prefix}:Header>" if header else ""
    call = f"<ns1:{operation}>{fields('ns1:', **values)}</ns1:{operation}>"
    if not values:
        call = f"<ns1:{operation}/>"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{prefix}:Envelope '
        f'xmlns:{prefix}="{ENVELOPE[version]}" xmlns:ns1="{NS}">{head}'
        f"<{prefix}:Body>{call}</{prefix}:Body></{prefix}:Envelope>\n"
    )


def _jaxws(version: str, operation: str, values: Mapping[str, object], header: str) -> str:
    inner = fields("ns2:", **values)
    return (
        f"<?xml version='1.0' encoding='UTF-8'?><S:Envelope xmlns:S=\"{ENVELOPE[version]}\">"
        f'<S:Body><ns2:{operation} xmlns:ns2="{NS}">{inner}</ns2:{operation}></S:Body>'
        "</S:Envelope>"
    )


def _node(version: str, operation: str, values: Mapping[str, object], header: str) -> str:
    head = f"<soap:Header>{header}</soap:Header>" if header else ""
    inner = fields("tns:", **values)
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{ENVELOPE[version]}" '
        f'xmlns:xsi="{XSI}" xmlns:tns="{NS}">{head}<soap:Body>'
        f'<tns:{operation} xmlns="{NS}">{inner}</tns:{operation}></soap:Body></soap:Envelope>'
    )


def _gsoap(version: str, operation: str, values: Mapping[str, object], header: str) -> str:
    encoding = {"1.1": "http://schemas.xmlsoap.org/soap/encoding/"}.get(
        version, "http://www.w3.org/2003/05/soap-encoding"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope '
        f'xmlns:SOAP-ENV="{ENVELOPE[version]}" xmlns:SOAP-ENC="{encoding}" '
        f'xmlns:xsi="{XSI}" xmlns:xsd="{XSD}" xmlns:ns1="{NS}"><SOAP-ENV:Body>'
        f"<ns1:{operation}>{fields('ns1:', **values)}</ns1:{operation}>"
        "</SOAP-ENV:Body></SOAP-ENV:Envelope>\n"
    )


def _axis(version: str, operation: str, values: Mapping[str, object], header: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
        f'xmlns:soapenv="{SOAP11}" xmlns:xsd="{XSD}" xmlns:xsi="{XSI}"><soapenv:Body>'
        f'<{operation} xmlns="{NS}">{fields("", **values)}</{operation}>'
        "</soapenv:Body></soapenv:Envelope>"
    )


def _dotnet(version: str, operation: str, values: Mapping[str, object], header: str) -> str:
    return (
        f'<s:Envelope xmlns:s="{SOAP11}"><s:Body xmlns:xsi="{XSI}" xmlns:xsd="{XSD}">'
        f'<{operation} xmlns="{NS}">{fields("", **values)}</{operation}></s:Body></s:Envelope>'
    )


STACKS = {
    "zeep": (_zeep, VERSIONS),
    "suds": (_suds, ("1.1",)),
    "php": (_php, VERSIONS),
    "jaxws": (_jaxws, VERSIONS),
    "node": (_node, VERSIONS),
    "gsoap": (_gsoap, VERSIONS),
    "axis": (_axis, ("1.1",)),
    "dotnet": (_dotnet, ("1.1",)),
}


def stack_headers(stack: str, version: str, operation: str) -> tuple[tuple[str, str], ...]:
    """The HTTP headers each stack sends with a call."""
    if version == "1.2":
        separator = ";" if stack == "jaxws" else "; "
        action = "" if stack == "node" else f'{separator}action="{operation}"'
        return (("Content-Type", f"application/soap+xml; charset=utf-8{action}"),)
    action = '""' if stack == "axis" else f'"{operation}"'
    return (("Content-Type", "text/xml; charset=utf-8"), ("SOAPAction", action))


def wsse_header(stack: str, user: str, password: str, nonce: str) -> str:
    """The Security header each stack that has one writes (PasswordText, Nonce, Created)."""
    password_element = f'<wsse:Password Type="{PASSWORD_TEXT}">{password}</wsse:Password>'
    if stack == "node":
        encoded = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
        return (
            f'<wsse:Security xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}" soap:mustUnderstand="1">'
            '<wsu:Timestamp wsu:Id="Timestamp-1"><wsu:Created>{{created}}</wsu:Created>'
            "<wsu:Expires>{{created+600}}</wsu:Expires></wsu:Timestamp>"
            f'<wsse:UsernameToken xmlns:wsu="{WSU}" wsu:Id="SecurityToken-1">'
            f"<wsse:Username>{user}</wsse:Username>{password_element}"
            f'<wsse:Nonce EncodingType="{encoded}">{nonce}</wsse:Nonce>'
            "<wsu:Created>{{created}}</wsu:Created></wsse:UsernameToken></wsse:Security>"
        )
    attributes = ' mustUnderstand="true"' if stack == "suds" else ""
    namespaces = "" if stack == "suds" else f' xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}"'
    return (
        f"<wsse:Security{namespaces}{attributes}><wsse:UsernameToken>"
        f"<wsse:Username>{user}</wsse:Username>{password_element}"
        f"<wsse:Nonce>{nonce}</wsse:Nonce><wsu:Created>{{{{created}}}}</wsu:Created>"
        "</wsse:UsernameToken></wsse:Security>"
    )


# JSON request builders ---------------------------------------------------------------------

FORM = (("Content-Type", "application/x-www-form-urlencoded"),)
BOUNDARY = "golden0corpus0boundary"


def query(params: Mapping[str, object]) -> str:
    return urlencode({k: v for k, v in params.items() if v is not None})


def multipart(params: Mapping[str, object], boundary: str = BOUNDARY) -> bytes:
    """A multipart/form-data body with one part per parameter, as requests writes it."""
    body = b""
    for name, value in params.items():
        if value is None:
            continue
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    return body + f"--{boundary}--\r\n".encode()


def basic(user: str, password: str) -> tuple[str, str]:
    return ("Authorization", "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode())


def bearer(login: str, variant: str = "valid") -> tuple[str, str]:
    return ("Authorization", f"Bearer {{{{token:{login}:{variant}}}}}")


# The cases ------------------------------------------------------------------------------------


class Cases:
    """Collects cases in order, refusing a name given twice."""

    def __init__(self) -> None:
        self.cases: list[Case] = []
        self._names: set[str] = set()
        self._next_id = FIRST_NEW_ID

    def reserve(self, count: int) -> int:
        """The first of the ids the next ``count`` successful addaddress calls get."""
        first = self._next_id
        self._next_id += count
        return first

    def add(self, name: str, **values: object) -> None:
        if name in self._names:
            raise ValueError(f"case {name!r} given twice")
        self._names.add(name)
        self.cases.append(Case(name, **values))  # type: ignore[arg-type]

    def soap(
        self,
        name: str,
        version: str,
        operation: str,
        body: str,
        header: str | None = None,
        **values: object,
    ) -> None:
        """A call in the test suite's envelope shape."""
        self.add(
            f"soap{version.replace('.', '')}/{name}",
            path=SOAP_PATH[version],
            headers=soap_headers(version, operation),
            body=envelope(version, operation, body, header),
            **values,
        )

    def soap_bytes(self, name: str, version: str, payload: bytes, **values: object) -> None:
        """Any bytes POSTed to a SOAP endpoint as its content type."""
        content_type = "text/xml" if version == "1.1" else "application/soap+xml"
        self.add(
            f"soap{version.replace('.', '')}/{name}",
            path=SOAP_PATH[version],
            headers=(("Content-Type", f"{content_type}; charset=utf-8"),),
            body=payload,
            **values,
        )

    def json(
        self,
        name: str,
        path: str,
        how: str,
        params: Mapping[str, object],
        headers: tuple[tuple[str, str], ...] = (),
        **values: object,
    ) -> None:
        """A call of a JSON transport by GET, url-encoded POST or multipart POST."""
        api = {"/api/http/": "http", "/api/basic/": "basic", "/api/jwt/": "jwt"}[path]
        if how == "get":
            encoded = query(params)
            target = f"{path}?{encoded}" if encoded else path
            self.add(f"{api}/{name}", method="GET", path=target, headers=headers, **values)
        elif how == "form":
            body = query(params).encode()
            self.add(f"{api}/{name}", path=path, headers=FORM + headers, body=body, **values)
        else:
            content_type = ("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
            body = multipart(params)
            self.add(
                f"{api}/{name}", path=path, headers=(content_type, *headers), body=body, **values
            )


def _operations(cases: Cases) -> None:
    """Every operation on both SOAP versions: successes, then a write flow per version."""
    for version in VERSIONS:
        flow = f"flow-soap{version.replace('.', '')}"
        for key in ("reader", "rich", "empty"):
            cases.soap(f"getbalance/{key}", version, "getbalance", credentials(key), account=key)
        for operation in ("getaddresses", "getchannels"):
            for key in ("reader", "empty"):
                cases.soap(f"{operation}/{key}", version, operation, credentials(key), account=key)
        user, password = login("reader")
        loose = fields(user=f"  {user.upper()} ", password=password)
        cases.soap("getbalance/user-any-case", version, "getbalance", loose, account="reader")
        # The flow: its addresses get ids in the order of the cases.
        own = credentials(flow)
        steps = [
            ("addaddress", fields(**address())),
            (
                "addaddress",
                fields(
                    **address(
                        iscompany=1,
                        companyname="Acme SL",
                        cityid=MADRID,
                        countrycode="ES",
                        cityname="Madrid",
                    )
                ),
            ),
            ("getaddresses", ""),
            ("deleteaddress", fields(idaddress="{first}")),
            ("getaddresses", ""),
            (
                "addaddress",
                fields(
                    **without_companyname(
                        namelastname="Zoë Ñúñez 東京",
                        countrycode="JP",
                        cityid=f"\n\t {TOKYO} \r\n",
                        cityname="東京都",
                    )
                ),
            ),
            ("getaddresses", ""),
            ("deleteaddress", fields(idaddress=" {last} ")),
            ("modifychannel", fields(channelname="sms", active=0)),
            ("getchannels", ""),
            ("modifychannel", fields(channelname=" SMS ", active="+1")),
            ("modifychannel", fields(channelname="Voice", active="0")),
            ("getchannels", ""),
            ("getbalance", ""),
        ]
        first = cases.reserve(3)
        for number, (operation, body) in enumerate(steps, 1):
            body = body.format(first=first, last=first + 2)
            cases.soap(
                f"flow/{number:02d}-{operation}", version, operation, own + body, account=flow
            )


CREDENTIAL_CODES = {
    # name: (user, password); None leaves the element out.
    "no-credentials": (None, None),
    "password-only": (None, "x"),
    "empty-user": ("", "x"),
    "blank-user": (" \t ", "x"),
    "user-only": ("someone@example.com", None),
    "empty-password": ("someone@example.com", ""),
    "blank-password": ("someone@example.com", "   "),
    "unknown-user": ("nobody@example.com", "x"),
    "wrong-password": ("errors@example.com", "wrong"),
    "user-too-long": ("u" * 243 + "@example.com", "x"),
    "password-too-long": ("errors@example.com", "p" * 257),
    "sql-injection": ("' OR '1'='1", "' OR '1'='1"),
}


def _login_codes(cases: Cases) -> None:
    """MISSING_USER, MISSING_PASSWORD and INCORRECT_USER_PASSWORD on every operation."""
    for version in VERSIONS:
        for operation in OPERATIONS:
            for name, (user, password) in CREDENTIAL_CODES.items():
                values = {
                    k: v for k, v in (("user", user), ("password", password)) if v is not None
                }
                body = fields(**values)
                if operation == "addaddress":
                    body += fields(**address())
                cases.soap(f"{operation}/{name}", version, operation, body, account="errors")
        # The password is checked before every other parameter.
        body = fields(user="nobody@example.com", password="x", iscompany="abc", cityid=None)
        cases.soap("addaddress/password-before-parameters", version, "addaddress", body)


FULLWIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))
ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x0660 + d) for d in range(10)))
NOT_NUMBERS = {
    "fullwidth": lambda n: n.translate(FULLWIDTH),
    "arabic-indic": lambda n: n.translate(ARABIC_INDIC),
    "underscore": lambda n: f"{n[0]}_{n[1:]}",
    "exponent": lambda n: f"{n}e0",
    "hexadecimal": lambda n: hex(int(n)),
    "decimal-point": lambda n: f"{n}.0",
    "no-break-space": lambda n: f"\u00a0{n}",
}
LONG_IDS = {
    f"{form}-{digits}": number
    for digits in (10, 19, 20, 400, 5000)
    for form, number in (
        ("nines", "9" * digits),
        ("negative", "-" + "9" * digits),
        ("padded", "+" + "0" * digits + "1" * digits),
    )
}
ADDADDRESS_CODES: dict[str, dict[str, object]] = {
    # name: changes to address(); None leaves the element out.
    **{f"missing-{name}": {name: None} for name in address() if name != "companyname"},
    "empty-countrycode": {"countrycode": ""},
    "unknown-country": {"countrycode": "zz"},
    "cityid-zero": {"cityid": 0},
    "empty-cityname": {"cityname": ""},
    "empty-cityid": {"cityid": ""},
    "unknown-city": {"cityid": 999_999_999},
    "city-of-another-country": {"cityid": MADRID},
    "iscompany-3": {"iscompany": 3},
    "iscompany-abc": {"iscompany": "abc"},
    "iscompany-empty": {"iscompany": ""},
    "cityid-abc": {"cityid": "abc"},
    "cityid-beyond-32-bits": {"cityid": 99999999999999},
    "country-as-name": {"countrycode": "Spain"},
    "empty-namelastname": {"namelastname": ""},
    "blank-documentid": {"documentid": "   "},
    **{
        f"{name}-too-long": {name: "x" * (length + 1)}
        for name, length in (
            ("namelastname", 200),
            ("companyname", 200),
            ("documentid", 50),
            ("countrycode", 64),
            ("cityname", 200),
            ("zipcode", 20),
            ("address", 500),
        )
    },
    **{
        f"cityid-{form}": {"cityid": written(str(NEW_YORK))}
        for form, written in NOT_NUMBERS.items()
    },
    **{f"cityid-{name}": {"cityid": number} for name, number in LONG_IDS.items()},
}


def _parameter_codes(cases: Cases) -> None:
    """Each operation's own checks, over SOAP (a failed call writes nothing)."""
    own = credentials("errors")
    for version in VERSIONS:
        for name, changes in ADDADDRESS_CODES.items():
            values = {
                k: v for k, v in address(**changes).items() if k not in changes or v is not None
            }
            cases.soap(
                f"addaddress/{name}",
                version,
                "addaddress",
                own + fields(**values),
                account="errors",
            )
        body = own + fields(**address(namelastname="a&#x1b;b"))
        cases.soap("addaddress/unsafe-character-reference", version, "addaddress", body)
        foreign = SEEDED_IDS["owner"][0]
        deletes = {
            "missing-idaddress": "",
            "empty-idaddress": fields(idaddress=None),
            "foreign-address": fields(idaddress=foreign),
            "negative": fields(idaddress=-3),
            "zero": fields(idaddress=0),
            "not-a-number": fields(idaddress="x1"),
            "given-twice": fields(idaddress=1) * 2,
            **{f"{form}": fields(idaddress=written("15")) for form, written in NOT_NUMBERS.items()},
            **{f"id-{name}": fields(idaddress=number) for name, number in LONG_IDS.items()},
        }
        for name, body in deletes.items():
            cases.soap(
                f"deleteaddress/{name}", version, "deleteaddress", own + body, account="errors"
            )
        modifies = {
            "missing-channelname": fields(active=1),
            "missing-active": fields(channelname="sms"),
            "empty-channelname": fields(channelname="", active=1),
            "unknown-channel": fields(channelname="fax", active=1),
            "active-2": fields(channelname="sms", active=2),
            "active-minus-1": fields(channelname="sms", active=-1),
            "active-yes": fields(channelname="sms", active="yes"),
            "channelname-too-long": fields(channelname="s" * 65, active=1),
            "unsafe-character-reference": fields(channelname="sms&#x0;", active=1),
        }
        for name, body in modifies.items():
            cases.soap(
                f"modifychannel/{name}", version, "modifychannel", own + body, account="errors"
            )
        twice = f"<u:user>{login('reader')[0]}</u:user>" + credentials("errors")
        cases.soap("getbalance/user-given-twice", version, "getbalance", twice)
        full = credentials("full") + fields(**address())
        cases.soap("addaddress/too-many-addresses", version, "addaddress", full, account="full")


FOREIGN = '<x:Tx xmlns:x="urn:example:tx" {attributes}>1</x:Tx>'


def _envelopes(cases: Cases) -> None:
    """The envelope itself: operations, namespaces, header blocks, versions."""
    reader = credentials("reader")
    for version in VERSIONS:
        cases.soap("unknown-operation", version, "getpassword", fields(user="a", password="b"))
        wrong_ns = envelope(version, "getbalance", reader).replace(NS.encode(), b"urn:someone-else")
        cases.soap_bytes("wrong-namespace", version, wrong_ns)
        for operation in ("getbalance", "getaddresses", "getchannels"):
            # An empty Header: the shape no plain read has.
            cases.soap(
                f"{operation}/empty-header", version, operation, reader, "", account="reader"
            )
        wrong = fields(user=login("reader")[0], password="no") + fields(**address())
        cases.soap("addaddress/empty-header-wrong-password", version, "addaddress", wrong, "")
        understand = "mustUnderstand"
        if version == "1.1":
            marks = {
                "marked-1": f's:{understand}="1"',
                "marked-true": f's:{understand}="true"',
                "unmarked": "",
                "marked-0": f's:{understand}="0"',
                "other-actor": f's:{understand}="1" s:actor="urn:example:someone-else"',
                "next-actor": f's:{understand}="1" s:actor="http://schemas.xmlsoap.org/soap/actor/next"',
            }
        else:
            marks = {
                "marked-true": f's:{understand}="true"',
                "marked-1": f's:{understand}="1"',
                "unmarked": "",
                "marked-false": f's:{understand}="false"',
                "role-none": f's:{understand}="true" s:role="{SOAP12}/role/none"',
                "role-next": f's:{understand}="true" s:role="{SOAP12}/role/next"',
                "role-ultimate": f's:{understand}="true" s:role="{SOAP12}/role/ultimateReceiver"',
            }
        for name, attributes in marks.items():
            header = FOREIGN.format(attributes=attributes)
            cases.soap(
                f"header-block/{name}", version, "getbalance", reader, header, account="reader"
            )
        two = FOREIGN.format(attributes=f's:{understand}="1"') + FOREIGN.replace("Tx", "Ty").format(
            attributes=f's:{understand}="1"'
        )
        cases.soap("header-block/two-marked", version, "getbalance", reader, two)
        other = "1.2" if version == "1.1" else "1.1"
        cases.soap_bytes(
            "version-mismatch", version, envelope(other, "getbalance", reader), account="reader"
        )
        unknown_env = envelope(version, "getbalance", reader).replace(
            ENVELOPE[version].encode(), b"urn:not-soap"
        )
        cases.soap_bytes("unknown-envelope-namespace", version, unknown_env)
        body_two = envelope(version, "getbalance", reader).replace(
            b"</s:Body>", f"<u:getchannels>{reader}</u:getchannels></s:Body>".encode()
        )
        cases.soap_bytes("two-calls-in-body", version, body_two)
        cases.soap(
            "poisoned/getaddresses",
            version,
            "getaddresses",
            credentials("poisoned"),
            account="poisoned",
        )
        cases.soap(
            "poisoned/getaddresses-with-header",
            version,
            "getaddresses",
            credentials("poisoned"),
            "",
            account="poisoned",
        )
        cases.soap("poisoned/getbalance", version, "getbalance", credentials("poisoned"))


def _ws_security(cases: Cases) -> None:
    """UsernameToken on both versions: accepted, refused, stale, replayed."""
    for version in VERSIONS:
        _ws_security_on(cases, version)


def _ws_security_on(cases: Cases, version: str) -> None:
    tag = version.replace(".", "")
    flow = f"flow-soap{tag}-wsse"
    user, password = login(flow)

    def call(name: str, header: str, body: str = "", operation: str = "getbalance") -> None:
        cases.soap(f"wsse/{name}", version, operation, body, header, account=flow)

    call("getbalance", security(user, password))
    call(
        "modifychannel",
        security(user, password),
        fields(channelname="sms", active=0),
        "modifychannel",
    )
    call("getchannels", security(user, password), operation="getchannels")
    call("both-agreeing", security(user, password), fields(user=user, password=password))
    call(
        "other-user-in-elements",
        security(user, password),
        fields(user=login("reader")[0], password=password),
    )
    call(
        "other-password-in-elements",
        security(user, password),
        fields(user=user, password="else"),
    )
    call("wrong-password", security(user, "wrong"))
    call("password-digest", security(user, "AAAA", fresh(f"digest-{tag}"), PASSWORD_DIGEST))
    call("password-digest-short", security(user, "AAAA", "", "wsse:PasswordDigest"))
    call("password-text-short", security(user, password, "", "wsse:PasswordText"))
    call("unknown-password-type", security(user, password, "", "urn:example:other"))
    call("no-token-no-elements", "")
    nonce = f"golden-nonce-{tag}-1"
    call("nonce-and-created", security(user, password, fresh(nonce)))
    call("nonce-replayed", security(user, password, fresh(nonce)))
    call(
        "created-10-minutes-ago",
        security(user, password, fresh(f"golden-nonce-{tag}-2", "{{created-600}}")),
    )
    call(
        "created-in-10-minutes",
        security(user, password, fresh(f"golden-nonce-{tag}-3", "{{created+600}}")),
    )
    call(
        "created-not-a-time",
        security(user, password, fresh(f"golden-nonce-{tag}-4", "yesterday")),
    )
    call(
        "created-without-zone",
        security(user, password, fresh(f"golden-nonce-{tag}-5", "2024-01-01T00:00:00")),
    )
    call(
        "created-30-seconds-ago",
        security(user, password, "<wsu:Created>{{created-30}}</wsu:Created>"),
    )
    call("empty-nonce", security(user, password, "<wsse:Nonce></wsse:Nonce>"))
    call("nonce-too-long", security(user, password, f"<wsse:Nonce>{'n' * 300}</wsse:Nonce>"))
    token = security(user, password)
    inner = token[token.index("<wsse:UsernameToken>") : token.index("</wsse:Security>")]
    call("two-tokens", token.replace("</wsse:Security>", inner + "</wsse:Security>"))
    call("empty-user-stale", security("", password, fresh(f"golden-nonce-{tag}-6", "yesterday")))
    call("empty-password", security(user, ""))
    call(
        "no-password-element",
        f'<wsse:Security xmlns:wsse="{WSSE}"><wsse:UsernameToken>'
        f"<wsse:Username>{user}</wsse:Username></wsse:UsernameToken></wsse:Security>",
    )
    call("empty-security", f'<wsse:Security xmlns:wsse="{WSSE}" s:mustUnderstand="1"/>')
    erp, secret = access("accesses", "erp")
    call("access-login", security(erp, secret))
    old, old_secret = access("accesses", "old")
    call("disabled-access", security(old, old_secret))
    call(
        "addaddress-unknown-country",
        security(user, password),
        fields(**address(countrycode="ZZ")),
        "addaddress",
    )


CANARY = "http://127.0.0.1:9"  # nothing listens there; the server must not even try
ENTITY_CASES = {
    "xxe-file": '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    "internal-entity": '<!DOCTYPE x [<!ENTITY e "someone@example.com">]>',
    "billion-laughs": (
        '<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
        '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>'
    ),
    "quadratic-blowup": '<!DOCTYPE x [<!ENTITY e "' + "A" * 20000 + '">]>',
    "external-entity": f'<!DOCTYPE x [<!ENTITY e SYSTEM "{CANARY}/xxe">]>',
    "external-dtd": f'<!DOCTYPE x SYSTEM "{CANARY}/external.dtd">',
    "parameter-entity": f'<!DOCTYPE x [<!ENTITY % p SYSTEM "{CANARY}/parameter"> %p;]>',
}
MALFORMED_BODIES = {
    "empty": b"",
    "blank": b"   \r\n",
    "text": b"not xml at all",
    "json": b'{"json": true}',
    "unclosed": b"<unclosed>",
    "not-an-envelope": b"<a/>",
    "invalid-utf8": b'<?xml version="1.0" encoding="UTF-8"?><a>\xff\xfe\xfd</a>',
    "utf16-declared-utf8": '<?xml version="1.0" encoding="UTF-8"?><a>ü</a>'.encode("utf-16"),
    "utf16le-declared-latin1": '<?xml version="1.0" encoding="ISO-8859-1"?><a/>'.encode(
        "utf-16-le"
    ),
}


def hostile_document(version: str, prolog: str, user: str = "someone@example.com") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<s:Envelope xmlns:s="{ENVELOPE[version]}" xmlns:u="{NS}"><s:Body><u:getbalance>'
        f"<u:user>{user}</u:user><u:password>x</u:password>"
        f"</u:getbalance></s:Body></s:Envelope>"
    ).encode()


def raw_post(path: str, length: int | None, extra: str = "") -> bytes:
    """A request head as tests/e2e/test_hostile_input.py writes it by hand."""
    lines = [f"POST {path} HTTP/1.1", "Host: localhost", "Content-Type: text/xml; charset=utf-8"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n" + extra + "\r\n").encode()


def chunked(*parts: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts) + b"0\r\n\r\n"


def _hostile(cases: Cases) -> None:
    """tests/e2e/test_hostile_input.py's cases, on both versions where they parse."""
    for version in VERSIONS:
        for name, prolog in ENTITY_CASES.items():
            user = "&e;" * (200 if name == "quadratic-blowup" else 1)
            cases.soap_bytes(f"hostile/{name}", version, hostile_document(version, prolog, user))
        xinclude = (
            '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>'
        )
        cases.soap_bytes("hostile/xinclude", version, hostile_document(version, "", xinclude))
        multiref = (
            f'<s:Envelope xmlns:s="{ENVELOPE[version]}" xmlns:u="{NS}"><s:Body>'
            '<u:getbalance><u:user href="#id1"/><u:password href="#id1"/></u:getbalance>'
            '<u:ref id="id1">x</u:ref></s:Body></s:Envelope>'
        ).encode()
        cases.soap_bytes("hostile/multiref", version, multiref)
        for depth in (20, 2000, 10000):
            deep = "<a>" * depth + "</a>" * depth
            cases.soap_bytes(f"hostile/depth-{depth}", version, hostile_document(version, "", deep))
        wide = hostile_document(version, "", "<u:x/>" * 5000)
        cases.soap_bytes("hostile/5000-elements", version, wide)
        for name, payload in MALFORMED_BODIES.items():
            cases.soap_bytes(f"malformed/{name}", version, payload)
        env = ENVELOPE[version].encode()
        cases.soap_bytes(
            "malformed/empty-envelope", version, b"<s:Envelope xmlns:s='" + env + b"'/>"
        )
        cases.soap_bytes(
            "malformed/empty-body",
            version,
            b"<s:Envelope xmlns:s='" + env + b"'><s:Body/></s:Envelope>",
        )
        cases.soap_bytes(
            "malformed/truncated-call",
            version,
            envelope(version, "getbalance", "<u:user>"),
        )
        fault = (
            f'<s:Envelope xmlns:s="{ENVELOPE[version]}"><s:Body><s:Fault><faultcode>s:Server.X'
            "</faultcode><faultstring>x</faultstring></s:Fault></s:Body></s:Envelope>"
        ).encode()
        cases.soap_bytes("hostile/a-fault-as-request", version, fault)
        cases.soap_bytes("hostile/too-large", version, b"<a>" + b"x" * 70_000 + b"</a>")
        path = SOAP_PATH[version]
        tag = f"soap{version.replace('.', '')}"
        cases.add(
            f"{tag}/hostile/content-length-50MB", raw=raw_post(path, 50 * 1024 * 1024) + b"<a>"
        )
        oversized = chunked(*[b"A" * 8192] * 12)
        cases.add(
            f"{tag}/hostile/chunked-too-large",
            raw=raw_post(path, None, "Transfer-Encoding: chunked\r\n") + oversized,
        )
        document = envelope(version, "getbalance", credentials("reader"))
        small = chunked(document[:100], document[100:])
        cases.add(
            f"{tag}/chunked",
            raw=raw_post(path, None, "Transfer-Encoding: chunked\r\n").replace(
                b"text/xml", b"text/xml" if version == "1.1" else b"application/soap+xml"
            )
            + small,
            account="reader",
        )
        cases.add(
            f"{tag}/hostile/content-length-not-a-number",
            raw=raw_post(path, None, "Content-Length: 12abc\r\n") + b"<a/>",
        )
    # A body that never arrives: the read deadline answers (once: it waits for it).
    cases.add(
        "soap11/hostile/lying-content-length", raw=raw_post("/api/soap/", 1000) + b"<s:Envelope>"
    )


def _http_level(cases: Cases) -> None:
    """WSDL GETs, other methods, other paths."""
    for version in VERSIONS:
        tag = f"soap{version.replace('.', '')}"
        path = SOAP_PATH[version]
        cases.add(f"{tag}/wsdl", method="GET", path=f"{path}?wsdl")
        cases.add(f"{tag}/wsdl-upper-case", method="GET", path=f"{path}?WSDL")
        cases.add(f"{tag}/wsdl-with-value", method="GET", path=f"{path}?wsdl=1&x=2")
        cases.add(f"{tag}/wsdl-head", method="HEAD", path=f"{path}?wsdl")
        cases.add(
            f"{tag}/wsdl-named-host",
            method="GET",
            path=f"{path}?wsdl",
            headers=(("Host", "soap.example.com:8443"),),
        )
        cases.add(
            f"{tag}/wsdl-forwarded",
            method="GET",
            path=f"{path}?wsdl",
            headers=(("X-Forwarded-Host", "api.example.org"), ("X-Forwarded-Proto", "https")),
        )
        cases.add(f"{tag}/get", method="GET", path=path)
        cases.add(f"{tag}/put", method="PUT", path=path, body=b"<a/>")
        cases.add(f"{tag}/delete", method="DELETE", path=path)
        cases.add(
            f"{tag}/no-trailing-slash",
            path=path.rstrip("/"),
            headers=soap_headers(version, "getbalance"),
            body=envelope(version, "getbalance", credentials("reader")),
        )
    cases.add("http-level/nowhere", method="GET", path="/nowhere")
    cases.add("http-level/health", method="GET", path="/health")
    cases.add("http-level/health-head", method="HEAD", path="/health")
    cases.add("http-level/ready", method="GET", path="/health/ready")
    cases.add("http-level/health-post", path="/health")


UNSAFE = {"nul": "\x00", "esc": "\x1b[31m", "vt": "\x0b", "fffe": "\ufffe"}


def _http_api(cases: Cases) -> None:
    """Afilnet's HTTP API: every operation three ways, and every code it answers."""
    for how in ("get", "form", "multipart"):
        _http_flow(cases, how)
    _http_codes(cases)


def _http_flow(cases: Cases, how: str) -> None:
    """Every operation by one of the three ways the HTTP API takes parameters."""
    api = "/api/http/"
    flow = f"flow-http-{how}"
    user, password = login(flow)
    auth = {"user": user, "password": password}
    first = cases.reserve(2)

    def call(name: str, method: str, **params: object) -> None:
        cases.json(
            f"{how}/{name}",
            api,
            how,
            {"class": "user", "method": method, **auth, **params},
            account=flow,
        )

    call("flow/01-getbalance", "getbalance")
    call("flow/02-addaddress", "addaddress", **address(namelastname="Zoë Ñúñez 東京"))
    call("flow/03-getaddresses", "getaddresses")
    call("flow/04-deleteaddress", "deleteaddress", idaddress=first)
    call("flow/05-getaddresses", "getaddresses")
    call("flow/06-modifychannel", "modifychannel", channelname="sms", active=0)
    call("flow/07-getchannels", "getchannels")
    call(
        "flow/08-addaddress-tab-newline",
        "addaddress",
        **address(address="Line 1\nLine 2\tflat 3", companyname=None),
    )
    call("flow/09-deleteaddress-padded", "deleteaddress", idaddress=f" {first + 1} ")
    call("flow/10-upper-case-method", "GETBALANCE")
    for name, character in UNSAFE.items():
        call(
            f"unsafe/{name}-namelastname",
            "addaddress",
            **address(namelastname=f"a{character}b"),
        )
        call(
            f"unsafe/{name}-channelname",
            "modifychannel",
            channelname=f"sms{character}",
            active=0,
        )
    if how == "form":
        # The address with a tab and a line feed, as SOAP answers it.
        cases.soap(
            "getaddresses/tab-newline-from-http",
            "1.1",
            "getaddresses",
            credentials(flow),
            account=flow,
        )
    call("flow/11-getaddresses", "getaddresses")


def _http_codes(cases: Cases) -> None:
    """Every code the HTTP API answers."""
    api = "/api/http/"
    user, password = login("reader")
    target = f"{api}?class=user&method=getbalance&user={user}&password={password}"
    cases.add("http/afilnet-url", method="GET", path=target, account="reader")
    cases.add("http/path-without-slash", method="GET", path=target.replace("/?", "?", 1))
    class_method: dict[str, dict[str, str | None]] = {
        "no-class": {"class": None},
        "empty-class": {"class": ""},
        "other-class": {"class": "sms"},
        "other-class-no-method": {"class": "sms", "method": None},
        "no-method": {"method": None},
        "empty-method": {"method": ""},
        "unknown-method": {"method": "sendsms"},
        "token-as-method": {"method": "issuetoken"},
        "class-upper-case": {"class": "USER"},
    }
    for name, overrides in class_method.items():
        params: dict[str, object] = {"class": "user", "method": "getbalance", **overrides}
        cases.json(f"class-method/{name}", api, "get", params)
    for name, (user_value, password_value) in CREDENTIAL_CODES.items():
        params = {
            "class": "user",
            "method": "getbalance",
            "user": user_value,
            "password": password_value,
        }
        cases.json(f"login/{name}", api, "get", params)
    errors: dict[str, object] = {
        "class": "user",
        **dict(zip(("user", "password"), login("errors"), strict=True)),
    }
    for name, changes in ADDADDRESS_CODES.items():
        if name.startswith("cityid-") and any(name.endswith(f"-{d}") for d in (400, 5000)):
            how = "form"  # a URL that long is refused by the HTTP server, not the API
        else:
            how = "form" if len(name) % 2 else "get"
        params = {**errors, "method": "addaddress", **address(**changes)}
        cases.json(f"addaddress/{name}", api, how, params, account="errors")
    for name, idaddress in {
        "missing": None,
        "unknown": "9999999",
        "not-a-number": "x",
        "foreign": str(SEEDED_IDS["owner"][0]),
        **{form: written("15") for form, written in NOT_NUMBERS.items()},
        **{f"id-{name}": number for name, number in LONG_IDS.items()},
    }.items():
        params = {**errors, "method": "deleteaddress", "idaddress": idaddress}
        cases.json(f"deleteaddress/{name}", api, "form", params, account="errors")
    for name, (channelname, active) in {
        "unknown-channel": ("fax", "1"),
        "active-yes": ("sms", "yes"),
        "active-2": ("sms", "2"),
        "missing-active": ("sms", None),
        "channelname-too-long": ("s" * 65, "1"),
    }.items():
        params = {**errors, "method": "modifychannel", "channelname": channelname, "active": active}
        cases.json(f"modifychannel/{name}", api, "get", params, account="errors")
    full = {"class": "user", "method": "addaddress", **address()}
    full.update(zip(("user", "password"), login("full"), strict=True))
    cases.json("addaddress/too-many-addresses", api, "form", full, account="full")
    poisoned = dict(zip(("user", "password"), login("poisoned"), strict=True))
    cases.json(
        "poisoned/getaddresses",
        api,
        "get",
        {"class": "user", "method": "getaddresses", **poisoned},
        account="poisoned",
    )
    _http_malformed(cases)


def _http_malformed(cases: Cases) -> None:
    """What is not a call: parameters twice, bad encodings, bodies that are no form."""
    api = "/api/http/"
    user, password = login("reader")
    base = f"class=user&method=getbalance&user={quote(user)}&password={password}"
    cases.add("http/malformed/user-twice", method="GET", path=f"{api}?{base}&user=other")
    cases.add(
        "http/malformed/query-and-body",
        path=f"{api}?{base}",
        headers=FORM,
        body=urlencode({"user": user}).encode(),
    )
    cases.add("http/malformed/not-utf8", method="GET", path=f"{api}?{base}&namelastname=%FF%FE")
    cases.add(
        "http/malformed/json-body",
        path=f"{api}?{base}",
        headers=(("Content-Type", "application/json"),),
        body=b'{"a": 1}',
    )
    upload = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="class"\r\n\r\nuser\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\ndata\r\n--{BOUNDARY}--\r\n"
    ).encode()
    cases.add(
        "http/malformed/file-upload",
        path=api,
        headers=(("Content-Type", f"multipart/form-data; boundary={BOUNDARY}"),),
        body=upload,
    )
    cases.add("http/malformed/put", method="PUT", path=f"{api}?{base}")
    cases.add(
        "http/malformed/too-large",
        path=api,
        headers=FORM,
        body=urlencode({"address": "x" * 100_000}).encode(),
    )
    cases.add("http/malformed/no-content-type", path=api, body=base.encode())
    params = {"class": "user", "method": "getbalance", "user": user, "password": password}

    def part_body(charset: str | None) -> bytes:
        parts = ""
        for name, value in params.items():
            extra = (
                f"Content-Type: text/plain; charset={charset}\r\n"
                if charset and name == "user"
                else ""
            )
            parts += (
                f'--b\r\nContent-Disposition: form-data; name="{name}"\r\n{extra}\r\n{value}\r\n'
            )
        return (parts + "--b--\r\n").encode()

    multipart_type = "multipart/form-data; boundary=b"
    for charset in (None, "UTF-8", "iso-8859-1", "utf-16", "x-unknown"):
        cases.add(
            f"http/charset/part-{charset or 'none'}",
            path=api,
            headers=(("Content-Type", multipart_type),),
            body=part_body(charset),
            account="reader",
        )
    for charset in ("iso-8859-1", "utf-16", "x-unknown"):
        cases.add(
            f"http/charset/multipart-{charset}",
            path=api,
            headers=(("Content-Type", f"{multipart_type}; charset={charset}"),),
            body=part_body(None),
        )
    form = base.encode()
    for charset in ("utf-8", "iso-8859-1"):
        cases.add(
            f"http/charset/form-{charset}",
            path=api,
            headers=(("Content-Type", f"application/x-www-form-urlencoded; charset={charset}"),),
            body=form,
            account="reader",
        )


def _basic(cases: Cases) -> None:
    api = "/api/basic/"
    flow = "flow-basic"
    user, password = login(flow)
    auth = (basic(user, password),)
    first = cases.reserve(1)
    steps: list[tuple[str, dict[str, object]]] = [
        ("getbalance", {}),
        ("addaddress", address(countrycode="ES", cityid=MADRID, cityname="Madrid")),
        ("getaddresses", {}),
        ("deleteaddress", {"idaddress": first}),
        ("modifychannel", {"channelname": "email", "active": 0}),
        ("getchannels", {}),
    ]
    for number, (method, params) in enumerate(steps, 1):
        cases.json(
            f"flow/{number:02d}-{method}",
            api,
            "get",
            {"class": "user", "method": method, **params},
            auth,
            account=flow,
        )
    cases.json(
        "flow/07-password-parameter-ignored",
        api,
        "form",
        {"class": "user", "method": "getbalance", "password": "x"},
        auth,
        account=flow,
    )
    cases.json("no-credentials", api, "get", {"class": "user", "method": "getbalance"})
    cases.json("no-credentials-no-class", api, "get", {})
    for name, header in {
        "unknown-user": basic("nobody@example.com", "x"),
        "wrong-password": basic(login("errors")[0], "x"),
        "empty-user": basic("", "x"),
        "empty-password": basic("a@example.com", ""),
        "not-base64": ("Authorization", "Basic !!!not-base64"),
        "no-colon": ("Authorization", "Basic " + base64.b64encode(b"no-colon").decode()),
        "not-utf8": ("Authorization", "Basic " + base64.b64encode(b"\xff:\xfe").decode()),
        "bearer-scheme": ("Authorization", "Bearer abc"),
        "lower-case-scheme": (
            "Authorization",
            basic(*login("reader"))[1].replace("Basic", "basic"),
        ),
    }.items():
        cases.json(
            f"codes/{name}", api, "get", {"class": "user", "method": "getbalance"}, (header,)
        )
    cases.json(
        "codes/class-before-credentials",
        api,
        "get",
        {"class": "sms", "method": "x"},
        (basic("nobody@example.com", "x"),),
    )
    cases.json(
        "codes/unknown-country",
        api,
        "form",
        {"class": "user", "method": "addaddress", **address(countrycode="ZZ")},
        (basic(*login("errors")),),
        account="errors",
    )


def _jwt(cases: Cases) -> None:
    token_path = "/api/jwt/token"
    api = "/api/jwt/"
    flow = "flow-jwt"
    user, password = login(flow)
    cases.add(
        "jwt/token",
        path=token_path,
        headers=FORM,
        body=urlencode({"user": user, "password": password}).encode(),
        account=flow,
    )
    erp, secret = access("accesses", "erp")
    cases.add(
        "jwt/token-for-an-access",
        path=token_path,
        headers=FORM,
        body=urlencode({"user": erp, "password": secret}).encode(),
        account="accesses",
    )
    cases.add(
        "jwt/token-multipart",
        path=token_path,
        headers=(("Content-Type", f"multipart/form-data; boundary={BOUNDARY}"),),
        body=multipart({"user": user, "password": password}),
        account=flow,
    )
    for name, form in {
        "no-credentials": {},
        "user-only": {"user": "a@example.com"},
        "unknown-user": {"user": "nobody@example.com", "password": "x"},
        "wrong-password": {"user": user, "password": "wrong"},
        "disabled-access": dict(zip(("user", "password"), access("accesses", "old"), strict=True)),
        "revoked-access": dict(zip(("user", "password"), access("accesses", "gone"), strict=True)),
        "disabled-own-login": dict(zip(("user", "password"), login("locked"), strict=True)),
    }.items():
        cases.add(f"jwt/token-{name}", path=token_path, headers=FORM, body=urlencode(form).encode())
    cases.add("jwt/token-get", method="GET", path=token_path)
    cases.add(
        "jwt/token-query-only",
        path=f"{token_path}?{urlencode({'user': user, 'password': password})}",
        headers=FORM,
        account=flow,
    )
    first = cases.reserve(1)
    steps: list[tuple[str, dict[str, object]]] = [
        ("getbalance", {}),
        ("addaddress", address()),
        ("getaddresses", {}),
        ("deleteaddress", {"idaddress": first}),
        ("modifychannel", {"channelname": "voice", "active": 0}),
        ("getchannels", {}),
    ]
    for number, (method, params) in enumerate(steps, 1):
        cases.json(
            f"flow/{number:02d}-{method}",
            api,
            "get",
            {"class": "user", "method": method, **params},
            (bearer(user),),
            account=flow,
        )
    cases.json(
        "flow/07-form",
        api,
        "form",
        {"class": "user", "method": "getbalance"},
        (bearer(user),),
        account=flow,
    )
    for variant in (
        "expired",
        "tampered",
        "alg-none",
        "wrong-key",
        "hs512",
        "audience",
        "issuer",
        "no-exp",
        "other-password",
    ):
        cases.json(
            f"attack/{variant}",
            api,
            "get",
            {"class": "user", "method": "getbalance"},
            (bearer(user, variant),),
            account=flow,
        )
    for name, header in {
        "garbage": "Bearer not.a.token",
        "huge": "Bearer " + "a" * 5000,
        "scheme-only": "Bearer",
        "empty-token": "Bearer ",
        "basic-scheme": "Basic YTpi",
        "digest-scheme": "Digest x",
        "no-scheme": "token",
    }.items():
        cases.json(
            f"challenge/{name}",
            api,
            "get",
            {"class": "user", "method": "getbalance"},
            (("Authorization", header),),
        )
    cases.json("challenge/no-header", api, "get", {"class": "user", "method": "getbalance"})
    cases.json(
        "access/erp",
        api,
        "get",
        {"class": "user", "method": "getbalance"},
        (bearer(erp),),
        account="accesses",
    )
    old = access("accesses", "old")[0]
    cases.json(
        "access/disabled",
        api,
        "get",
        {"class": "user", "method": "getbalance"},
        (bearer(old),),
        account="accesses",
    )
    filtered = login("filtered")[0]
    for name, source in (("inside", "203.0.113.7"), ("outside", "198.51.100.7")):
        cases.json(
            f"ip-filter/{name}",
            api,
            "get",
            {"class": "user", "method": "getbalance"},
            (bearer(filtered),),
            source=source,
            account="filtered",
        )
    cases.json(
        "class-before-token",
        api,
        "get",
        {"class": "sms", "method": "getbalance"},
        (bearer(user, "expired"),),
    )


def _password_call(transport: str, user: str, password: str, **values: object) -> dict[str, object]:
    """Case values for a getbalance with a password on one of four transports."""
    if transport.startswith("soap"):
        version = "1.1" if transport == "soap11" else "1.2"
        return {
            "path": SOAP_PATH[version],
            "headers": soap_headers(version, "getbalance"),
            "body": envelope(version, "getbalance", fields(user=user, password=password)),
            **values,
        }
    params = {"class": "user", "method": "getbalance"}
    if transport == "http":
        target = f"/api/http/?{query({**params, 'user': user, 'password': password})}"
        return {"method": "GET", "path": target, **values}
    return {
        "method": "GET",
        "path": f"/api/basic/?{query(params)}",
        "headers": (basic(user, password),),
        **values,
    }


PASSWORD_TRANSPORTS = ("soap11", "soap12", "http", "basic")


def _accesses(cases: Cases) -> None:
    """API accesses and IP filters, on every transport that takes a password."""
    email, password = login("accesses")
    erp, erp_secret = access("accesses", "erp")
    logins = {
        "access": (erp, erp_secret),
        "access-with-account-password": (erp, password),
        "disabled-access": access("accesses", "old"),
        "disabled-access-wrong-secret": (access("accesses", "old")[0], "guess"),
        "revoked-access": access("accesses", "gone"),
        "own-login": (email, password),
        "disabled-own-login": login("locked"),
        "access-of-disabled-own-login": access("locked", "only-way-in"),
        "access-login-upper-case": (erp.upper(), erp_secret),
    }
    for transport in PASSWORD_TRANSPORTS:
        for name, (user, secret) in logins.items():
            cases.add(
                f"{transport}/accesses/{name}",
                **_password_call(transport, user, secret, account="accesses"),
            )
    filtered, filtered_password = login("filtered")
    branch, branch_secret = access("filtered", "branch")
    sources = {
        "inside": (filtered, filtered_password, "203.0.113.7"),
        "outside": (filtered, filtered_password, "198.51.100.7"),
        "outside-wrong-password": (filtered, "guess", "198.51.100.8"),
        "ipv6-inside": (filtered, filtered_password, "2001:db8:1::5"),
        "ipv6-outside": (filtered, filtered_password, "2001:db8:2::5"),
        "ipv4-mapped-inside": (filtered, filtered_password, "::ffff:203.0.113.9"),
        "forwarded-chain": (filtered, filtered_password, "198.51.100.9, 203.0.113.10"),
        "access-inside-account-only": (branch, branch_secret, "203.0.113.7"),
        "access-inside-both": (branch, branch_secret, "203.0.113.200"),
    }
    for transport in PASSWORD_TRANSPORTS:
        for name, (user, secret, source) in sources.items():
            cases.add(
                f"{transport}/ip-filter/{name}",
                **_password_call(transport, user, secret, source=source, account="filtered"),
            )


def _throttling(cases: Cases) -> None:
    """Blocks: one account guessed from one source, a source spraying many accounts."""
    user, password = login("guessed")
    attacker, owner = "203.0.113.10", "198.51.100.20"
    for attempt in range(1, 5):
        cases.add(
            f"soap11/throttle/guess-{attempt}",
            **_password_call("soap11", user, "guess", source=attacker, account="guessed"),
        )
    for transport in PASSWORD_TRANSPORTS:
        cases.add(
            f"{transport}/throttle/blocked-right-password",
            **_password_call(transport, user, password, source=attacker, account="guessed"),
        )
    cases.add(
        "soap11/throttle/blocked-wrong-password",
        **_password_call("soap11", user, "guess", source=attacker, account="guessed"),
    )
    cases.add(
        "soap11/throttle/blocked-wsse",
        source=attacker,
        path="/api/soap/",
        headers=soap_headers("1.1", "getbalance"),
        body=envelope("1.1", "getbalance", "", security(user, password)),
    )
    cases.add(
        "jwt/throttle/blocked-token",
        path="/api/jwt/token",
        headers=FORM,
        source=attacker,
        body=urlencode({"user": user, "password": password}).encode(),
    )
    cases.add(
        "soap11/throttle/blocked-missing-password",
        source=attacker,
        **_password_call("soap11", user, ""),
    )
    cases.add(
        "soap11/throttle/owner-elsewhere",
        **_password_call("soap11", user, password, source=owner, account="guessed"),
    )
    # The same /64 is one source.
    for attempt in range(1, 5):
        cases.add(
            f"soap11/throttle/ipv6-guess-{attempt}",
            **_password_call(
                "soap11", user, "guess", source=f"2001:db8:6::{attempt}", account="guessed"
            ),
        )
    cases.add(
        "soap11/throttle/ipv6-same-64-blocked",
        **_password_call("soap11", user, password, source="2001:db8:6::99"),
    )
    sprayer, bystander = "203.0.113.12", "198.51.100.21"
    for number in range(1, 8):
        cases.add(
            f"http/throttle/spray-{number}",
            **_password_call("http", f"spray{number}@example.com", "123456", source=sprayer),
        )
    sprayed, sprayed_password = login("sprayed")
    cases.add(
        "http/throttle/sprayer-blocked",
        **_password_call("http", sprayed, sprayed_password, source=sprayer),
    )
    cases.add(
        "soap12/throttle/sprayer-blocked-new-user",
        **_password_call("soap12", "new@example.com", "x", source=sprayer),
    )
    cases.add(
        "http/throttle/bystander",
        **_password_call("http", sprayed, sprayed_password, source=bystander),
    )
    missing = "203.0.113.14"
    for number in range(1, 9):
        cases.add(
            f"soap11/throttle/missing-user-{number}",
            **_password_call("soap11", "", "x", source=missing),
        )
    cases.add(
        "soap11/throttle/missing-users-do-not-count",
        **_password_call("soap11", sprayed, sprayed_password, source=missing),
    )


def _interop(cases: Cases) -> None:
    """interop/*/scenario.*: each stack's own envelope, for the scenario's calls."""
    for stack, (write, versions) in STACKS.items():
        flow = f"flow-{stack}"
        user, password = login(flow)
        auth = {"user": user, "password": password}
        first = cases.reserve(1)
        scenario: list[tuple[str, Mapping[str, object]]] = [
            ("getbalance", auth),
            (
                "addaddress",
                {
                    **auth,
                    **address(
                        namelastname="Zoë Ñúñez 東京",
                        countrycode="US",
                        companyname="",
                        documentid="DOC-1",
                        address="1 Main St",
                    ),
                },
            ),
            ("getaddresses", auth),
            ("deleteaddress", {**auth, "idaddress": first}),
            ("getaddresses", auth),
            ("getchannels", auth),
            ("modifychannel", {**auth, "channelname": "sms", "active": 0}),
            ("getchannels", auth),
            ("modifychannel", {**auth, "channelname": "sms", "active": 1}),
            ("getbalance", {"user": user, "password": "wrong-password"}),
        ]
        for number, (operation, values) in enumerate(scenario, 1):
            cases.add(
                f"interop/{stack}/{number:02d}-{operation}",
                path=SOAP_PATH["1.1"],
                headers=stack_headers(stack, "1.1", operation),
                body=write("1.1", operation, values, "").encode(),
                account=flow,
            )
        if stack in ("zeep", "suds", "php", "node"):
            header = wsse_header(stack, user, password, f"golden-{stack}-nonce")
            cases.add(
                f"interop/{stack}/11-getbalance-wsse",
                path=SOAP_PATH["1.1"],
                headers=stack_headers(stack, "1.1", "getbalance"),
                body=write("1.1", "getbalance", {}, header).encode(),
                account=flow,
            )
        if "1.2" not in versions:
            continue
        reader = dict(zip(("user", "password"), login("reader"), strict=True))
        for name, operation, values in (
            ("getbalance", "getbalance", reader),
            ("getaddresses", "getaddresses", reader),
            ("getchannels", "getchannels", reader),
            ("addaddress-unknown-country", "addaddress", {**reader, **address(countrycode="ZZ")}),
            ("fault", "getbalance", {"user": reader["user"], "password": "wrong-password"}),
        ):
            cases.add(
                f"interop12/{stack}/{name}",
                path=SOAP_PATH["1.2"],
                headers=stack_headers(stack, "1.2", operation),
                body=write("1.2", operation, values, "").encode(),
                account="reader",
            )
        if stack in ("zeep", "php", "node"):
            header = wsse_header(stack, *login("reader"), f"golden-{stack}-nonce-12")
            cases.add(
                f"interop12/{stack}/getbalance-wsse",
                path=SOAP_PATH["1.2"],
                headers=stack_headers(stack, "1.2", "getbalance"),
                body=write("1.2", "getbalance", {}, header).encode(),
                account="reader",
            )


def all_cases() -> list[Case]:
    """Every case, in the order they are sent."""
    cases = Cases()
    for group in (
        _operations,
        _login_codes,
        _parameter_codes,
        _envelopes,
        _ws_security,
        _hostile,
        _http_level,
        _http_api,
        _basic,
        _jwt,
        _accesses,
        _throttling,
        _interop,
    ):
        group(cases)
    return cases.cases
