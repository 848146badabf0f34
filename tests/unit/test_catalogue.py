"""The error catalogue, the contract table and the settings: sources of the README and WSDL."""

from __future__ import annotations

from pathlib import Path

from service.contract import OPERATIONS, operation_table
from service.errors import ErrorCode, catalogue_table
from service.settings import settings_table

README = Path(__file__).resolve().parents[2] / "README.md"

DOCUMENTED = {
    "MISSING_USER": "User or email not included",
    "MISSING_PASSWORD": "Password not included",
    "MISSING_CLASS": "Class not included",
    "MISSING_METHOD": "Method not included",
    "MISSING_COMPULSORY_PARAM": "Compulsory parameter not included",
    "INCORRECT_USER_PASSWORD": "Incorrect user or password",
    "INCORRECT_CLASS": "Incorrect class",
    "INCORRECT_METHOD": "Incorrect method",
    "EMPTY_COUNTRYCODE": "The country code is empty",
    "COUNTRY_NOT_FOUND": "There is no country with the indicated code",
    "EMPTY_CITY": "You have not indicated the city",
    "CITY_NOT_FOUND": "The indicated city does not exist",
}


def test_documented_codes_keep_the_documents_descriptions() -> None:
    documented = {c.name: c.description for c in ErrorCode if c.documented}
    assert documented == DOCUMENTED


def test_faultcodes_name_the_side() -> None:
    assert ErrorCode.CITY_NOT_FOUND.faultcode == "Client.CITY_NOT_FOUND"
    assert ErrorCode.INTERNAL_ERROR.faultcode == "Server.INTERNAL_ERROR"


def test_readme_carries_the_current_table() -> None:
    assert catalogue_table() in README.read_text(encoding="utf-8"), (
        "README.md's error table is stale: ./dev contract regenerates it"
    )


def test_readme_carries_the_current_operation_table() -> None:
    assert operation_table() in README.read_text(encoding="utf-8"), (
        "README.md's operation table is stale: ./dev contract regenerates it"
    )


def test_readme_carries_the_current_configuration_table() -> None:
    assert settings_table() in README.read_text(encoding="utf-8"), (
        "README.md's configuration table is stale: ./dev contract regenerates it"
    )


def test_methods_are_the_documents() -> None:
    assert list(OPERATIONS) == [
        "getbalance",
        "addaddress",
        "deleteaddress",
        "getaddresses",
        "getchannels",
        "modifychannel",
    ]
    assert OPERATIONS["addaddress"].compulsory == (
        "user",
        "password",
        "namelastname",
        "iscompany",
        "documentid",
        "countrycode",
        "cityid",
        "cityname",
        "zipcode",
        "address",
    )
