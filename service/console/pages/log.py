"""The API log: filtered pages, newest first, and the detail of one request."""

from __future__ import annotations

from datetime import UTC, datetime

from ...application.apilog import LogFilters
from ...contract import OPERATIONS
from ...domain.api import Api
from ...domain.ip import parse_ip
from ...errors import ErrorCode, UserApiError
from ..app import Route
from ..request import ConsoleRequest, Response, status_for

# What the method filter offers: the operations, the token endpoint and the console's actions.
METHODS = (
    *OPERATIONS,
    "issuetoken",
    "signin",
    "signout",
    "signup",
    "changepassword",
    "createaccess",
    "accessstate",
    "rotatesecret",
    "allownetwork",
    "denynetwork",
)
OUTCOMES = ("SUCCESS", "ERROR", *(code.name for code in ErrorCode))


def _moment(text: str) -> datetime:
    """A time typed in the filter form (``YYYY-MM-DDTHH:MM[:SS]`` or a date): UTC unless it
    names its offset."""
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _cursor(text: str) -> tuple[datetime, int]:
    """Where the previous page ended: ``<ISO time>_<id>`` (an id of at most 18 digits)."""
    moment, _, entry = text.rpartition("_")
    if not (entry.isascii() and entry.isdigit() and len(entry) <= 18):
        raise ValueError(text)
    return _moment(moment), int(entry)


def cursor_text(cursor: tuple[datetime, int]) -> str:
    """The ``before`` value of the next page's link."""
    moment, entry = cursor
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.isoformat()}_{entry}"


def _filters(query: dict[str, str]) -> tuple[LogFilters, list[str]]:
    """The filters the query asks for, and what in it could not be read."""
    values: dict[str, object] = {}
    problems = []
    readers = {
        "since": _moment,
        "until": _moment,
        "before": _cursor,
    }
    for name, read in readers.items():
        text = query.get(name, "").strip()
        if text:
            try:
                values[name] = read(text)
            except ValueError:
                problems.append(f"{name}: not a time")
    api = query.get("api", "")
    if api:
        if api in {a.value for a in Api}:
            values["api"] = api
        else:
            problems.append("api: unknown")
    method = query.get("method", "").strip()
    if method:
        values["method"] = method[:32]
    outcome = query.get("outcome", "")
    if outcome:
        if outcome in OUTCOMES:
            values["outcome"] = outcome
        else:
            problems.append("outcome: unknown")
    source = query.get("source_ip", "").strip()
    if source:
        address = parse_ip(source)
        if address is None:
            problems.append("source address: not an IP address")
        else:
            values["source_ip"] = str(address)
    return LogFilters(**values), problems  # type: ignore[arg-type]


def log(request: ConsoleRequest) -> Response:
    """A page of the API log with its filter form."""
    filters, problems = _filters(request.query)
    page = request.read("apilog", filters=filters)
    shown = {k: v for k, v in request.query.items() if k != "before"}
    next_query = None
    if page.next_before is not None:
        next_query = {**shown, "before": cursor_text(page.next_before)}
    return request.render(
        "log.html",
        "400 Bad Request" if problems else "200 OK",
        page=page,
        query=shown,
        next_query=next_query,
        problems=problems,
        apis=[api.value for api in Api],
        methods=METHODS,
        outcomes=OUTCOMES,
    )


def entry(request: ConsoleRequest) -> Response:
    """One request as the API log recorded it."""
    number = int(request.path.rpartition("/")[2])
    try:
        found = request.read("apilogentry", entry=number)
    except UserApiError as error:
        status = "404 Not Found" if error.code is ErrorCode.ACTION_REFUSED else status_for(error)
        return request.render("entry.html", status, error=request.failure(error))
    return request.render("entry.html", entry=found)


ROUTES = (
    Route("GET", "log", log),
    Route("GET", r"log/[0-9]{1,18}", entry),
)
