"""Spyne types of the WSDL, chosen for clean generated stubs.

Every field has deliberate ``min_occurs``/``nillable``: request parameters are
optional and not nillable (plain types in stubs, and an omitted element still
reaches our own MISSING_* checks); response fields are always present. Ids and
flags are ``xs:int``; the balance is ``xs:decimal``; lists are named wrapper types.
"""

from __future__ import annotations

import dataclasses

from spyne import Array, ComplexModel, Decimal, Integer32, Unicode

from ..contract import MAX_LENGTH, NAMESPACE
from ..domain.address import Address as AddressRecord
from ..domain.channel import Channel as ChannelRecord

# One named simple type per text parameter (e.g. ``userText``), shared by every operation.
_TEXT_PARAMS = {
    name: Unicode(
        max_len=length,
        type_name=f"{name}Text",
        __namespace__=NAMESPACE,
        min_occurs=0,
        nillable=False,
    )
    for name, length in MAX_LENGTH.items()
}


def text_param(name: str) -> type[Unicode]:
    """An optional text request parameter with its enforced maximum length."""
    return _TEXT_PARAMS[name]


IntParam = Integer32(min_occurs=0, nillable=False)
Text = Unicode(min_occurs=1, nillable=False)
Int = Integer32(min_occurs=1, nillable=False)
Amount = Decimal(min_occurs=1, nillable=False)


class _Model(ComplexModel):
    __namespace__ = NAMESPACE


def _fields(record: type) -> list[tuple[str, type]]:
    """A record's fields in order, each ``xs:int`` or text as its domain dataclass declares."""
    return [(f.name, Int if f.type in (int, "int") else Text) for f in dataclasses.fields(record)]


class Address(_Model):
    """One address of the account."""

    _type_info = _fields(AddressRecord)


class Channel(_Model):
    """One channel of the account."""

    _type_info = _fields(ChannelRecord)


AddressList = Array(
    Address.customize(min_occurs=0, nillable=False),
    member_name="address",
    type_name="AddressList",
).customize(min_occurs=1, nillable=False)

ChannelList = Array(
    Channel.customize(min_occurs=0, nillable=False),
    member_name="channel",
    type_name="ChannelList",
).customize(min_occurs=1, nillable=False)


class UserServiceFault(_Model):
    """The typed detail of every fault: the catalogue's code and its description.

    ``retryafter``: seconds until a retry can succeed (with TOO_MANY_ATTEMPTS).
    """

    _type_info = [
        ("code", Text),
        ("description", Text),
        ("retryafter", Integer32(min_occurs=0, nillable=False)),
    ]
