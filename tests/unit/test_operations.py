"""The six operations against a real database, with the documented precedence."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from service.domain.credentials import PasswordCredentials
from service.errors import ErrorCode, UserApiError
from service.operations import UserOperations
from tests.conftest import CALLER, Store

MADRID, TOKYO = 3117735, 1850147


def valid_address(**changes: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "namelastname": "Ana García",
        "iscompany": 1,
        "companyname": "Acme SL",
        "documentid": "B12345678",
        "countrycode": "es",
        "cityid": MADRID,
        "cityname": "Madrid",
        "zipcode": "28001",
        "address": "Calle Mayor 1",
    }
    params.update(changes)
    return params


def code_of(call: Any, *args: Any, **kwargs: Any) -> ErrorCode:
    with pytest.raises(UserApiError) as caught:
        call(*args, **kwargs)
    return caught.value.code


@pytest.fixture
def ops(store: Store) -> UserOperations:
    return store.core.operations


def test_getbalance_returns_the_exact_decimal(store: Store, ops: UserOperations) -> None:
    user, password = store.account("125.50")
    assert ops.getbalance(CALLER, PasswordCredentials(user, password)) == Decimal("125.50")


def test_user_is_matched_trimmed_and_without_case(store: Store, ops: UserOperations) -> None:
    user, password = store.account("1.00")
    assert ops.getbalance(CALLER, PasswordCredentials(f"  {user.upper()} ", password)) == Decimal(
        "1.00"
    )


@pytest.mark.parametrize(
    ("user", "password", "code"),
    [
        (None, None, ErrorCode.MISSING_USER),
        ("", "x", ErrorCode.MISSING_USER),
        ("   ", "x", ErrorCode.MISSING_USER),
        ("someone@example.com", None, ErrorCode.MISSING_PASSWORD),
        ("someone@example.com", "", ErrorCode.MISSING_PASSWORD),
        ("nobody@example.com", "whatever", ErrorCode.INCORRECT_USER_PASSWORD),
        ("x" * 300, "whatever", ErrorCode.INCORRECT_USER_PASSWORD),
    ],
)
def test_login_codes(ops: UserOperations, user: Any, password: Any, code: ErrorCode) -> None:
    assert code_of(ops.getbalance, CALLER, PasswordCredentials(user, password)) is code


def test_password_is_not_trimmed(store: Store, ops: UserOperations) -> None:
    user, password = store.account()
    assert (
        code_of(ops.getbalance, CALLER, PasswordCredentials(user, f" {password} "))
        is ErrorCode.INCORRECT_USER_PASSWORD
    )


def test_credentials_come_before_parameters(ops: UserOperations) -> None:
    # Every parameter is wrong, but the password is checked first.
    params = valid_address(countrycode="", cityid="x", iscompany=7, namelastname=None)
    code = code_of(
        ops.addaddress, CALLER, PasswordCredentials("nobody@example.com", "bad"), **params
    )
    assert code is ErrorCode.INCORRECT_USER_PASSWORD


def test_addaddress_round_trip_keeps_text_unchanged(store: Store, ops: UserOperations) -> None:
    user, password = store.account()
    name = "Zoë Ñúñez 東京"
    params = valid_address(namelastname=name, countrycode="JP", cityid=TOKYO, cityname="東京")
    idaddress = ops.addaddress(CALLER, PasswordCredentials(user, password), **params)
    [stored] = ops.getaddresses(CALLER, PasswordCredentials(user, password))
    assert stored.id == idaddress
    assert (stored.namelastname, stored.cityname, stored.countrycode) == (name, "東京", "JP")
    assert (stored.verified, stored.addressverified) == (0, 0)


def test_addaddress_accepts_digits_as_text(store: Store, ops: UserOperations) -> None:
    user, password = store.account()
    ops.addaddress(
        CALLER,
        PasswordCredentials(user, password),
        **valid_address(iscompany="0", cityid=str(MADRID)),
    )
    [stored] = ops.getaddresses(CALLER, PasswordCredentials(user, password))
    assert (stored.iscompany, stored.cityid, stored.companyname) == (0, MADRID, "Acme SL")


def test_companyname_is_optional(store: Store, ops: UserOperations) -> None:
    user, password = store.account()
    ops.addaddress(
        CALLER, PasswordCredentials(user, password), **valid_address(iscompany=0, companyname=None)
    )
    assert ops.getaddresses(CALLER, PasswordCredentials(user, password))[0].companyname == ""


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"namelastname": None}, ErrorCode.MISSING_COMPULSORY_PARAM),
        ({"iscompany": None}, ErrorCode.MISSING_COMPULSORY_PARAM),
        ({"documentid": None}, ErrorCode.MISSING_COMPULSORY_PARAM),
        ({"countrycode": None}, ErrorCode.MISSING_COMPULSORY_PARAM),
        ({"cityid": None}, ErrorCode.MISSING_COMPULSORY_PARAM),
        ({"cityname": None}, ErrorCode.MISSING_COMPULSORY_PARAM),
        ({"zipcode": None}, ErrorCode.MISSING_COMPULSORY_PARAM),
        ({"address": None}, ErrorCode.MISSING_COMPULSORY_PARAM),
        ({"namelastname": " "}, ErrorCode.MISSING_COMPULSORY_PARAM),
        ({"iscompany": ""}, ErrorCode.MISSING_COMPULSORY_PARAM),
        # Absent beats every value check.
        ({"address": None, "countrycode": ""}, ErrorCode.MISSING_COMPULSORY_PARAM),
        ({"zipcode": "", "countrycode": ""}, ErrorCode.MISSING_COMPULSORY_PARAM),
        ({"countrycode": ""}, ErrorCode.EMPTY_COUNTRYCODE),
        ({"countrycode": "  "}, ErrorCode.EMPTY_COUNTRYCODE),
        ({"countrycode": "", "cityid": 0}, ErrorCode.EMPTY_COUNTRYCODE),
        ({"countrycode": "XX"}, ErrorCode.COUNTRY_NOT_FOUND),
        ({"countrycode": "ESP"}, ErrorCode.COUNTRY_NOT_FOUND),
        ({"cityid": 0}, ErrorCode.EMPTY_CITY),
        ({"cityid": ""}, ErrorCode.EMPTY_CITY),
        ({"cityname": ""}, ErrorCode.EMPTY_CITY),
        ({"cityid": 0, "countrycode": "XX"}, ErrorCode.EMPTY_CITY),
        ({"cityid": 999_999_999}, ErrorCode.CITY_NOT_FOUND),
        ({"cityid": -5}, ErrorCode.CITY_NOT_FOUND),
        ({"cityid": 2**40}, ErrorCode.CITY_NOT_FOUND),
        ({"cityid": TOKYO}, ErrorCode.CITY_NOT_FOUND),
        ({"cityid": "abc"}, ErrorCode.INCORRECT_PARAM_VALUE),
        ({"iscompany": 2}, ErrorCode.INCORRECT_PARAM_VALUE),
        ({"iscompany": "yes"}, ErrorCode.INCORRECT_PARAM_VALUE),
        ({"namelastname": "x" * 201}, ErrorCode.PARAM_TOO_LONG),
        ({"address": "x" * 501}, ErrorCode.PARAM_TOO_LONG),
        ({"companyname": "x" * 201}, ErrorCode.PARAM_TOO_LONG),
    ],
)
def test_addaddress_codes(
    store: Store, ops: UserOperations, changes: dict[str, Any], code: ErrorCode
) -> None:
    user, password = store.account()
    assert (
        code_of(
            ops.addaddress, CALLER, PasswordCredentials(user, password), **valid_address(**changes)
        )
        is code
    )
    assert ops.getaddresses(CALLER, PasswordCredentials(user, password)) == []


def test_address_limit(store: Store) -> None:
    from service.bootstrap import build_core
    from service.settings import Settings

    core = build_core(Settings.from_env({**store.env, "USERAPI_MAX_ADDRESSES": "2"}))
    user, password = store.account()
    for _ in range(2):
        core.operations.addaddress(CALLER, PasswordCredentials(user, password), **valid_address())
    code = code_of(
        core.operations.addaddress, CALLER, PasswordCredentials(user, password), **valid_address()
    )
    assert code is ErrorCode.TOO_MANY_ADDRESSES
    assert len(core.operations.getaddresses(CALLER, PasswordCredentials(user, password))) == 2
    core.engine.dispose()


def test_deleteaddress_only_touches_own_addresses(store: Store, ops: UserOperations) -> None:
    owner, owner_password = store.account()
    other, other_password = store.account()
    idaddress = ops.addaddress(
        CALLER, PasswordCredentials(owner, owner_password), **valid_address()
    )
    assert code_of(
        ops.deleteaddress, CALLER, PasswordCredentials(other, other_password), idaddress
    ) is (ErrorCode.ADDRESS_NOT_FOUND)
    assert [a.id for a in ops.getaddresses(CALLER, PasswordCredentials(owner, owner_password))] == [
        idaddress
    ]
    ops.deleteaddress(CALLER, PasswordCredentials(owner, owner_password), str(idaddress))
    assert ops.getaddresses(CALLER, PasswordCredentials(owner, owner_password)) == []
    assert code_of(
        ops.deleteaddress, CALLER, PasswordCredentials(owner, owner_password), idaddress
    ) is (ErrorCode.ADDRESS_NOT_FOUND)


@pytest.mark.parametrize(
    ("idaddress", "code"),
    [
        (None, ErrorCode.MISSING_COMPULSORY_PARAM),
        ("", ErrorCode.MISSING_COMPULSORY_PARAM),
        ("one", ErrorCode.INCORRECT_PARAM_VALUE),
        (0, ErrorCode.ADDRESS_NOT_FOUND),
        (-1, ErrorCode.ADDRESS_NOT_FOUND),
        (2**31, ErrorCode.ADDRESS_NOT_FOUND),
    ],
)
def test_deleteaddress_codes(
    store: Store, ops: UserOperations, idaddress: Any, code: ErrorCode
) -> None:
    user, password = store.account()
    assert (
        code_of(ops.deleteaddress, CALLER, PasswordCredentials(user, password), idaddress) is code
    )


def test_new_account_has_default_channels(store: Store, ops: UserOperations) -> None:
    user, password = store.account()
    channels = ops.getchannels(CALLER, PasswordCredentials(user, password))
    assert [(c.channeltype, c.channelname, c.active) for c in channels] == [
        ("sms", "sms", 1),
        ("email", "email", 1),
        ("voice", "voice", 1),
    ]


def test_modifychannel(store: Store, ops: UserOperations) -> None:
    user, password = store.account()
    ops.modifychannel(CALLER, PasswordCredentials(user, password), "SMS ", 0)
    ops.modifychannel(CALLER, PasswordCredentials(user, password), "voice", "0")
    ops.modifychannel(CALLER, PasswordCredentials(user, password), "voice", "1")
    active = {
        c.channelname: c.active
        for c in ops.getchannels(CALLER, PasswordCredentials(user, password))
    }
    assert active == {"sms": 0, "email": 1, "voice": 1}


@pytest.mark.parametrize(
    ("channelname", "active", "code"),
    [
        (None, 1, ErrorCode.MISSING_COMPULSORY_PARAM),
        ("sms", None, ErrorCode.MISSING_COMPULSORY_PARAM),
        ("", 1, ErrorCode.MISSING_COMPULSORY_PARAM),
        ("sms", 2, ErrorCode.INCORRECT_PARAM_VALUE),
        ("sms", -1, ErrorCode.INCORRECT_PARAM_VALUE),
        ("sms", "true", ErrorCode.INCORRECT_PARAM_VALUE),
        ("fax", 1, ErrorCode.CHANNEL_NOT_FOUND),
        ("x" * 65, 1, ErrorCode.PARAM_TOO_LONG),
    ],
)
def test_modifychannel_codes(
    store: Store, ops: UserOperations, channelname: Any, active: Any, code: ErrorCode
) -> None:
    user, password = store.account()
    assert (
        code_of(ops.modifychannel, CALLER, PasswordCredentials(user, password), channelname, active)
        is code
    )
    assert all(c.active == 1 for c in ops.getchannels(CALLER, PasswordCredentials(user, password)))


def test_sql_injection_strings_are_stored_verbatim(store: Store, ops: UserOperations) -> None:
    user, password = store.account()
    nasty = "Robert'); DROP TABLE addresses;--"
    ops.addaddress(
        CALLER,
        PasswordCredentials(user, password),
        **valid_address(namelastname=nasty, address="' OR 1=1 --"),
    )
    [stored] = ops.getaddresses(CALLER, PasswordCredentials(user, password))
    assert (stored.namelastname, stored.address) == (nasty, "' OR 1=1 --")


def test_a_deleted_address_id_is_never_reused(store: Store, ops: UserOperations) -> None:
    user, password = store.account()
    first = ops.addaddress(CALLER, PasswordCredentials(user, password), **valid_address())
    ops.deleteaddress(CALLER, PasswordCredentials(user, password), first)
    second = ops.addaddress(CALLER, PasswordCredentials(user, password), **valid_address())
    assert second > first
