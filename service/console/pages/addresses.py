"""The account's addresses: the list, the add form with its city search, and delete."""

from __future__ import annotations

import json
from typing import Any

import pycountry

from ..app import Route
from ..forms import operation_fields
from ..request import ConsoleRequest, Response

# The country picker: every ISO 3166-1 country as (name, alpha-2 code), by name.
COUNTRIES = sorted((country.name, country.alpha_2) for country in pycountry.countries)
COUNTRY_NAMES = {code: name for name, code in COUNTRIES}


def _page(
    request: ConsoleRequest,
    status: str = "200 OK",
    sent: dict[str, str] | None = None,
    **values: Any,
) -> Response:
    """The addresses page. ``sent``: a refused add form's values, shown again.

    A search of the "Find a city" form (``countrycode`` and ``prefix`` in the
    query) lists its cities in the add form's ``cityid`` choice.
    """
    search = {name: request.query.get(name, "") for name in ("countrycode", "prefix")}
    cities = None
    if search["prefix"].strip():
        cities = request.read("findcities", **search)
    return request.render(
        "addresses.html",
        status,
        addresses=request.read("getaddresses"),
        fields=operation_fields("addaddress"),
        deleting=operation_fields("deleteaddress")[0],
        countries=COUNTRIES,
        country_names=COUNTRY_NAMES,
        search=search,
        cities=cities,
        sent=sent or {"countrycode": search["countrycode"]},
        **values,
    )


def addresses(request: ConsoleRequest) -> Response:
    """The account's addresses and the form that adds one."""
    return _page(request)


def addaddress(request: ConsoleRequest) -> Response:
    """Add an address (addaddress) with the form's values, named as the contract names them.

    Without JavaScript the city is picked from the city search's list, which
    sends its ``cityid`` only: an empty ``cityname`` then takes the catalogue's
    name of that city of the chosen country. The API log keeps the form as sent.
    """
    fields = operation_fields("addaddress")
    arguments = {field.name: request.form.get(field.name) for field in fields}
    if not (arguments["cityname"] or "").strip() and arguments["cityid"]:
        found = request.read(
            "cityname", countrycode=arguments["countrycode"], cityid=arguments["cityid"]
        )
        arguments["cityname"] = found or arguments["cityname"]
    outcome = request.change("addaddress", "user", **arguments)
    if outcome.error is not None:
        return _page(request, sent=request.form, failed=outcome.error)
    return _page(request, notice=f"Address {outcome.value} added.")


def deleteaddress(request: ConsoleRequest) -> Response:
    """Delete one of the account's addresses (deleteaddress)."""
    idaddress = request.form.get("idaddress")
    outcome = request.change("deleteaddress", "user", idaddress=idaddress)
    if outcome.error is not None:
        return _page(request, failed=outcome.error)
    return _page(request, notice=f"Address {idaddress} deleted.")


def cities(request: ConsoleRequest) -> Response:
    """The city search for console.js: ``[{"cityid": .., "cityname": ..}]`` as JSON.

    Like every page but sign-in, it needs a session: without one the answer is
    the console's redirect (303) to the sign-in page.
    """
    found = request.read(
        "findcities",
        countrycode=request.query.get("countrycode"),
        prefix=request.query.get("prefix"),
    )
    body = json.dumps([{"cityid": cityid, "cityname": name} for cityid, name in found])
    return Response("200 OK", body.encode(), [("Content-Type", "application/json")])


ROUTES = (
    Route("GET", "addresses", addresses),
    Route("POST", "addresses", addaddress, action="addaddress"),
    Route("POST", "addresses/delete", deleteaddress, action="deleteaddress"),
    Route("GET", "cities", cities),
)
