"""The account console at /console/: routing, sessions, form tokens and security headers.

Every answer carries a Content-Security-Policy that allows nothing but this
service's own styles and scripts (no inline script) and no framing. A POST must
carry the form token of its page (see service/auth/sessions.py) and must not
come from another site; the session cookie is HttpOnly, SameSite=Lax, and
Secure when the request came over HTTPS.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from ..application.console import SignedIn
from ..auth.sessions import FormTokens, new_token, usable_token
from ..dispatch.context import RequestContext
from ..dispatch.dispatcher import Dispatcher
from ..errors import ErrorCode, HttpError, UserApiError
from ..http.form import read_params
from ..settings import Settings
from .render import Renderer
from .request import (
    REFUSED_LOGIN,
    ROOT,
    SESSION_COOKIE,
    SIGNIN_COOKIE,
    ConsoleRequest,
    PageHandler,
    Response,
    read_cookies,
    redirect,
    status_for,
)

StartResponse = Callable[..., Any]
Environ = dict[str, Any]

SECURITY_HEADERS = (
    (
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
_PLAIN = [("Content-Type", "text/plain; charset=utf-8")]
_STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


@dataclass(frozen=True)
class Route:
    """A page or an action: its method, its path below /console/ and its handler.

    ``public`` routes need no session (sign-in, sign-up); ``action`` names the
    change a POST makes, as the API log records it when its form is refused;
    ``enabled_by`` names the operator setting (a flag) without which the route
    does not exist (404).
    """

    method: str
    pattern: str
    handler: PageHandler
    public: bool = False
    action: str | None = None
    enabled_by: str | None = None

    def matches(self, method: str, path: str) -> bool:
        wanted = "GET" if method == "HEAD" else method
        return wanted == self.method and re.fullmatch(self.pattern, path) is not None


def _static_files() -> dict[str, tuple[bytes, str]]:
    folder = resources.files("service.console") / "static"
    files = {}
    for item in folder.iterdir():
        suffix = "." + item.name.rpartition(".")[2]
        if item.is_file() and suffix in _STATIC_TYPES:
            files[item.name] = (item.read_bytes(), _STATIC_TYPES[suffix])
    return files


def cookie(name: str, value: str, *, secure: bool, clear: bool = False) -> str:
    """A Set-Cookie value: HttpOnly, SameSite=Lax, for /console/ only; Secure over HTTPS."""
    parts = [f"{name}={'' if clear else value}", f"Path={ROOT}", "HttpOnly", "SameSite=Lax"]
    if clear:
        parts.append("Max-Age=0")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _same_origin(origin: str, base_url: str) -> bool:
    """True when ``origin`` (an Origin header) names the host the request came to, and its
    port when the request's Host names one.

    The scheme is not compared (behind a proxy that ends TLS the service sees
    http while the browser's page was https), nor a port the proxy left out of Host.
    """
    try:
        sent, own = urlsplit(origin.strip()), urlsplit(base_url)
        default = _DEFAULT_PORTS.get(sent.scheme)
        if default is None or not sent.hostname or sent.hostname != own.hostname:
            return False
        port = sent.port or default
        return own.port is None or port == own.port
    except ValueError:  # a port that is no number
        return False


class Console:
    """The console's WSGI handler for everything under /console/."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        form_tokens: FormTokens,
        settings: Settings,
        read_body: Callable[[Environ], bytes],
        base_url: Callable[[Environ], str],
        routes: Sequence[Route],
        signin_page: PageHandler,
    ) -> None:
        self._dispatcher = dispatcher
        self._tokens = form_tokens
        self._read_body = read_body
        self._base_url = base_url
        self._routes = [
            r for r in routes if r.enabled_by is None or getattr(settings, r.enabled_by)
        ]
        self._signin_page = signin_page  # what the console's address shows when signed out
        self._static = _static_files()
        self.renderer = Renderer(signup=settings.signup, root=ROOT)

    def serve(
        self, environ: Environ, start_response: StartResponse, context: RequestContext
    ) -> Iterable[bytes]:
        """Answer one request under /console/ (page views are not API-logged)."""
        context.recorded = False
        method = environ.get("REQUEST_METHOD", "GET").upper()
        try:
            response = self._respond(environ, context, method)
        except Exception as error:  # a body too large or too slow, or a failure of ours
            self._dispatcher.failed(context, error)
            context.recorded = context.method is not None  # a change that was asked for
            status = error.status if isinstance(error, HttpError) else "500 Internal Server Error"
            text = error.code.description if isinstance(error, UserApiError) else "Internal error"
            response = Response(status, text.encode() + b"\n", _PLAIN)
        headers = [*SECURITY_HEADERS, *response.headers]
        if not any(name == "Cache-Control" for name, _ in headers):
            headers.append(("Cache-Control", "no-store"))
        headers.append(("Content-Length", str(len(response.body))))
        start_response(response.status, headers)
        return [b"" if method == "HEAD" else response.body]

    def _respond(self, environ: Environ, context: RequestContext, method: str) -> Response:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(ROOT):  # /console
            return redirect(ROOT)
        path = path[len(ROOT) :]
        if path.startswith("static/") and method in ("GET", "HEAD"):
            return self._static_file(path[len("static/") :])
        route = next((r for r in self._routes if r.matches(method, path)), None)
        if route is None:
            known = any(re.fullmatch(r.pattern, path) for r in self._routes)
            if known:
                return Response("405 Method Not Allowed", b"Method not allowed.\n", _PLAIN)
            return Response("404 Not Found", b"Not found.\n", _PLAIN)
        try:
            body = self._read_body(environ) if method == "POST" else b""
            form = read_params(environ | {"QUERY_STRING": ""}, body) if body else {}
            query = read_params(environ, b"")
        except UserApiError as error:
            if isinstance(error, HttpError):
                raise
            return Response("400 Bad Request", error.code.description.encode() + b"\n", _PLAIN)
        request = ConsoleRequest(
            environ,
            context,
            self._dispatcher,
            self.renderer,
            path,
            self._base_url(environ).startswith("https:"),
            read_cookies(environ),
            form if method == "POST" else {},
            query,
        )
        if route.public:
            response = self._public(request, route.handler, route, method)
        else:
            response = self._signed_in(request, route, method)
        response.headers.extend(("Set-Cookie", value) for value in request.set_cookies)
        return response

    def _public(
        self, request: ConsoleRequest, handler: PageHandler, route: Route, method: str
    ) -> Response:
        """Sign-in and sign-up: the form token comes from a nonce cookie of its own."""
        nonce = usable_token(request.cookies.get(SIGNIN_COOKIE))
        if method == "POST" and not self._sent_from_here(request, nonce, self._tokens.for_signin):
            # A forged form gets no answer to its question, and the page a fresh nonce.
            request.form_token = self._new_signin_token(request)
            return self._refused_form(request, route)
        if nonce is None:
            request.form_token = self._new_signin_token(request)
        else:
            request.form_token = self._tokens.for_signin(nonce)
        return handler(request)

    def _new_signin_token(self, request: ConsoleRequest) -> str:
        nonce = new_token()
        request.set_cookies.append(cookie(SIGNIN_COOKIE, nonce, secure=request.secure))
        return self._tokens.for_signin(nonce)

    def _signed_in(self, request: ConsoleRequest, route: Route, method: str) -> Response:
        """A page or action of a signed-in session; without one, back to the sign-in page."""
        token = usable_token(request.session_token)
        if method == "POST" and not self._sent_from_here(request, token, self._tokens.for_session):
            request.form_token = "" if token is None else self._tokens.for_session(token)
            return self._refused_form(request, route)
        try:
            request.signed_in = request.read("whoami")
        except UserApiError as error:
            if method == "POST":
                self._record_refusal(request, route, error)
            elif route.pattern == "":  # the console's address: the sign-in form
                return self._public(request, self._signin_page, route, method)
            return self._ended(request, error)
        assert isinstance(request.signed_in, SignedIn) and token is not None
        request.form_token = self._tokens.for_session(token)
        try:
            return route.handler(request)
        except UserApiError as error:  # a read of the page failed
            return self._unreadable(request, error)

    def _sent_from_here(
        self, request: ConsoleRequest, value: str | None, token_for: Callable[[str], str]
    ) -> bool:
        """True when a POST carries its page's form token and no other site sent it.

        A browser names the page a form came from (``Origin``; ``null`` when it
        will not say) and whether that page is on another site (``Sec-Fetch-Site``):
        either one that points elsewhere refuses the form, whatever its token.
        """
        if request.environ.get("HTTP_SEC_FETCH_SITE", "").lower() == "cross-site":
            return False
        origin = request.environ.get("HTTP_ORIGIN")
        if origin is not None and not _same_origin(origin, self._base_url(request.environ)):
            return False
        return value is not None and self._tokens.matches(
            token_for(value), request.form.get("csrf")
        )

    def _refused_form(self, request: ConsoleRequest, route: Route) -> Response:
        """A form without its token (a forged cross-site POST, or a stale page): 403, logged."""
        self._record_refusal(request, route, UserApiError(ErrorCode.INVALID_FORM_TOKEN))
        return request.render(
            "refused.html",
            "403 Forbidden",
            error=ConsoleRequest.failure(UserApiError(ErrorCode.INVALID_FORM_TOKEN)),
        )

    def _record_refusal(self, request: ConsoleRequest, route: Route, error: UserApiError) -> None:
        """API-log a change refused before it ran (its form, or its session)."""
        request.context.asked("console", route.action, {})
        request.context.recorded = True
        self._dispatcher.failed(request.context, error)

    def _unreadable(self, request: ConsoleRequest, error: UserApiError) -> Response:
        """A page that cannot be shown: the session ended under it (a change of its own can
        end it: an IP filter that leaves out this address), or the login may not see it."""
        if error.code in REFUSED_LOGIN:
            return self._ended(request, error)
        refused = error.code is ErrorCode.ACTION_REFUSED
        status = "403 Forbidden" if refused else status_for(error)
        return request.render("unreadable.html", status, error=request.failure(error))

    def _ended(self, request: ConsoleRequest, error: UserApiError) -> Response:
        """The session cannot be used (ended, disabled, filtered): the sign-in page, told why."""
        response = redirect(ROOT + ("?ended=" + error.code.name if request.session_token else ""))
        if request.session_token is not None:
            response.headers.append(
                ("Set-Cookie", cookie(SESSION_COOKIE, "", secure=request.secure, clear=True))
            )
        return response

    def _static_file(self, name: str) -> Response:
        found = self._static.get(name)
        if found is None:
            return Response("404 Not Found", b"Not found.\n", _PLAIN)
        body, content_type = found
        headers = [("Content-Type", content_type), ("Cache-Control", "public, max-age=3600")]
        return Response("200 OK", body, headers)
