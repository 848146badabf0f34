"""The console's addresses page: the list, adding with the country and city pickers, deleting."""

from __future__ import annotations

import re
from typing import Any

import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningServer

from .conftest import eventually, form_token, http_sign_in, sign_in

MADRID = 3117735


def api_addresses(server: RunningServer, user: str, password: str) -> list[dict[str, Any]]:
    """The account's addresses as the HTTP API answers getaddresses."""
    answer = requests.get(
        f"{server.url}/api/http/",
        params={"class": "user", "method": "getaddresses", "user": user, "password": password},
        timeout=10,
    ).json()
    assert answer["status"] == "SUCCESS", answer
    found: list[dict[str, Any]] = answer["result"]["list"]
    return found


def test_an_address_added_with_the_city_search_is_listed_and_deleted(
    page: Page, server: RunningServer
) -> None:
    user, password = server.store.account()
    sign_in(page, server, user, password)
    page.get_by_role("link", name="Addresses").click()
    expect(page.get_by_role("heading", name="Addresses", exact=True)).to_be_visible()
    expect(page.get_by_text("You have no addresses yet.")).to_be_visible()

    page.get_by_label("Name and last name").fill("Ana García")
    page.get_by_label("1 for a company, 0 for a person").select_option("1")
    page.get_by_label("The company's name").fill("Acme SL")
    page.get_by_label("Identity or company document number").fill("B12345678")
    page.get_by_label("ISO 3166-1 alpha-2 country code").select_option("ES")
    page.get_by_label("The city's name").press_sequentially("Madr")
    expect(page.locator("#city-search-status")).to_contain_text("found")
    page.get_by_role("button", name="Madrid", exact=True).click()
    expect(page.get_by_label("GeoNames id of a city of that country")).to_have_value(str(MADRID))
    expect(page.get_by_label("The city's name")).to_have_value("Madrid")
    page.get_by_label("Postal code").fill("28001")
    page.get_by_label("Street address").fill("Calle Mayor 1")
    page.get_by_role("button", name="Add the address").click()

    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Address \d+ added"))
    row = page.locator("table.addresses tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Ana García")
    expect(row).to_contain_text("Spain (ES)")
    expect(row).to_contain_text(f"Madrid ({MADRID})")

    (listed,) = api_addresses(server, user, password)
    assert listed["namelastname"] == "Ana García"
    assert (listed["countrycode"], int(listed["cityid"])) == ("ES", MADRID)
    assert (listed["cityname"], listed["companyname"]) == ("Madrid", "Acme SL")

    page.get_by_role("button", name=f"Delete address {listed['id']}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Address {listed['id']} deleted")
    expect(page.get_by_text("You have no addresses yet.")).to_be_visible()
    assert api_addresses(server, user, password) == []

    def changes_logged() -> bool:
        page.goto(f"{server.url}/console/log?api=console")
        rows = page.locator("table.log tbody tr")
        return all(rows.filter(has_text=m).count() == 1 for m in ("addaddress", "deleteaddress"))

    assert eventually(changes_logged)


def test_a_refused_address_shows_its_code_and_keeps_the_form(server: RunningServer) -> None:
    user, password = server.store.account()
    session = http_sign_in(server, user, password)
    token = form_token(session.get(f"{server.url}/console/addresses", timeout=10).text)
    sent = {
        "csrf": token,
        "namelastname": "Ana",
        "iscompany": "0",
        "documentid": "X1",
        "countrycode": "ES",
        "cityid": "1850147",  # Tokyo: not a city of Spain
        "cityname": "Tokyo",
        "zipcode": "28001",
        "address": "Calle Mayor 1",
    }
    answer = session.post(f"{server.url}/console/addresses", data=sent, timeout=10)
    assert answer.status_code == 422
    assert re.search(r'role="alert">[^<]*CITY_NOT_FOUND', answer.text)
    assert 'value="Calle Mayor 1"' in answer.text

    del sent["address"]
    answer = session.post(f"{server.url}/console/addresses", data=sent, timeout=10)
    assert answer.status_code == 422
    assert re.search(r'role="alert">[^<]*MISSING_COMPULSORY_PARAM', answer.text)
    assert api_addresses(server, user, password) == []


def test_the_city_search_without_javascript_fills_the_city_name(server: RunningServer) -> None:
    user, password = server.store.account()
    session = http_sign_in(server, user, password)
    page = session.get(
        f"{server.url}/console/addresses",
        params={"countrycode": "es", "prefix": "Madr"},
        timeout=10,
    ).text
    choice = re.search(r'<select id="cityid" name="cityid" required>(.*?)</select>', page, re.S)
    assert choice is not None, page[:2000]
    options = dict(re.findall(r'<option value="(\d+)">([^<]*)</option>', choice.group(1)))
    assert options[str(MADRID)] == f"Madrid ({MADRID})"
    assert all(name.startswith("Madr") for name in options.values())
    assert '<option value="ES" selected>Spain (ES)</option>' in page

    sent = {
        "csrf": form_token(page),
        "namelastname": "Ana",
        "iscompany": "0",
        "documentid": "X1",
        "countrycode": "ES",
        "cityid": str(MADRID),
        "cityname": "",  # the list sends the id only: the catalogue names it
        "zipcode": "28001",
        "address": "Calle Mayor 1",
    }
    answer = session.post(f"{server.url}/console/addresses", data=sent, timeout=10)
    assert answer.status_code == 200, answer.text[:2000]
    (listed,) = api_addresses(server, user, password)
    assert (int(listed["cityid"]), listed["cityname"]) == (MADRID, "Madrid")


def test_the_city_search_answers_json_to_a_session_only(server: RunningServer) -> None:
    user, password = server.store.account()
    session = http_sign_in(server, user, password)
    query = {"countrycode": "ES", "prefix": "Madrid"}
    found = session.get(f"{server.url}/console/cities", params=query, timeout=10).json()
    assert {"cityid": MADRID, "cityname": "Madrid"} in found
    unknown = {"countrycode": "ZZ", "prefix": "Madrid"}
    assert session.get(f"{server.url}/console/cities", params=unknown, timeout=10).json() == []

    answer = requests.get(
        f"{server.url}/console/cities", params=query, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/console/"


def test_a_stored_script_in_an_address_is_shown_as_text(page: Page, server: RunningServer) -> None:
    user, password = server.store.account()
    script = "<script>document.title='owned'</script><b id=bold>bold</b>"
    answer = requests.post(
        f"{server.url}/api/http/",
        data={
            "class": "user",
            "method": "addaddress",
            "user": user,
            "password": password,
            "namelastname": script,
            "iscompany": "0",
            "documentid": "X1",
            "countrycode": "ES",
            "cityid": str(MADRID),
            "cityname": "Madrid",
            "zipcode": "28001",
            "address": "Calle Mayor 1",
        },
        timeout=10,
    ).json()
    assert answer["status"] == "SUCCESS", answer
    sign_in(page, server, user, password)
    page.goto(f"{server.url}/console/addresses")
    expect(page.locator("table.addresses tbody tr")).to_contain_text(script)
    assert page.locator("#bold").count() == 0
    assert page.title() != "owned"


def test_the_city_search_ignores_case_and_odd_input(server: RunningServer) -> None:
    user, password = server.store.account()
    browser = http_sign_in(server, user, password)

    def found(countrycode: str, prefix: str) -> list[str]:
        answer = browser.get(
            f"{server.url}/console/cities",
            params={"countrycode": countrycode, "prefix": prefix},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text[:200]
        return [city["cityname"] for city in answer.json()]

    assert "Madrid" in found("es", "madr")
    assert found("ES", "x\x00y") == [] and found("E\x00", "Madr") == []
    assert found("ES", "%") == [] and found("ES", "M" * 5000) == []
