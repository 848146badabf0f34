"""Addresses: the shape rules of a new address and the record returned by getaddresses."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ErrorCode, UserApiError
from . import values
from .values import Raw


@dataclass(frozen=True)
class NewAddress:
    """A checked addaddress request; country and city still need a catalogue look-up."""

    namelastname: str
    iscompany: int
    companyname: str
    documentid: str
    countrycode: str
    cityid: int
    cityname: str
    zipcode: str
    address: str


@dataclass(frozen=True)
class Address:
    """One address as getaddresses returns it."""

    id: int
    namelastname: str
    iscompany: int
    companyname: str
    documentid: str
    countrycode: str
    cityid: int
    cityname: str
    zipcode: str
    address: str
    verified: int
    addressverified: int


def parse_new_address(
    *,
    namelastname: Raw,
    iscompany: Raw,
    companyname: Raw,
    documentid: Raw,
    countrycode: Raw,
    cityid: Raw,
    cityname: Raw,
    zipcode: Raw,
    address: Raw,
) -> NewAddress:
    """Check an addaddress request's parameters, in the document's parameter order.

    Absent compulsory parameters come first (MISSING_COMPULSORY_PARAM), and so do
    empty ones, except that an empty country code is EMPTY_COUNTRYCODE and an
    empty city (id 0 or an empty id or name) is EMPTY_CITY. Then each value in
    turn; the country and city look-ups come after all of these.
    """
    values.require(countrycode, cityid, cityname)
    values.require_filled(namelastname, iscompany, documentid, zipcode, address)
    checked_namelastname = values.text("namelastname", namelastname)
    checked_iscompany = values.flag(iscompany)
    checked_companyname = values.text("companyname", companyname)
    checked_documentid = values.text("documentid", documentid)
    checked_countrycode = values.text("countrycode", countrycode).upper()
    if checked_countrycode == "":
        raise UserApiError(ErrorCode.EMPTY_COUNTRYCODE)
    if values.is_blank(cityid) or values.is_blank(cityname):
        raise UserApiError(ErrorCode.EMPTY_CITY)
    checked_cityid = values.integer(cityid)
    if checked_cityid == 0:
        raise UserApiError(ErrorCode.EMPTY_CITY)
    checked_cityname = values.text("cityname", cityname)
    return NewAddress(
        namelastname=checked_namelastname,
        iscompany=checked_iscompany,
        companyname=checked_companyname,
        documentid=checked_documentid,
        countrycode=checked_countrycode,
        cityid=checked_cityid,
        cityname=checked_cityname,
        zipcode=values.text("zipcode", zipcode),
        address=values.text("address", address),
    )


def parse_idaddress(idaddress: Raw) -> int:
    """The id of an address to delete; an id we could never have issued is ADDRESS_NOT_FOUND."""
    values.require_filled(idaddress)
    number = values.integer(idaddress)
    if not 1 <= number <= values.INT32_MAX:
        raise UserApiError(ErrorCode.ADDRESS_NOT_FOUND)
    return number
