"""One console request: its session, its form, the calls it makes and the page it answers.

The console is a codec like the SOAP and JSON ones: a form becomes a call that
the dispatcher runs (an operation of class ``user`` or one of the console's
actions), and the outcome becomes a page. A change is dispatched on the
request's own context, which the API log records (API ``console``); the reads
that fill a page run on scratch contexts, and a page view is not recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from ..application.console import SignedIn
from ..application.errors import Refused
from ..dispatch.context import RequestContext
from ..dispatch.dispatcher import Call, Dispatcher, Outcome
from ..domain.credentials import PasswordCredentials, SessionCredentials
from ..errors import ErrorCode, UserApiError
from .render import Renderer

SESSION_COOKIE = "userapi_session"
SIGNIN_COOKIE = "userapi_signin"
ROOT = "/console/"


# Codes that refuse who is asking, rather than what was asked.
REFUSED_LOGIN = frozenset(
    {
        ErrorCode.INCORRECT_USER_PASSWORD,
        ErrorCode.ACCESS_DISABLED,
        ErrorCode.IP_NOT_ALLOWED,
        ErrorCode.INVALID_FORM_TOKEN,
        ErrorCode.SESSION_EXPIRED,
    }
)
_STATUS = {
    ErrorCode.TOO_MANY_ATTEMPTS: "429 Too Many Requests",
    ErrorCode.INTERNAL_ERROR: "500 Internal Server Error",
    ErrorCode.SERVICE_UNAVAILABLE: "503 Service Unavailable",
    ErrorCode.MALFORMED_REQUEST: "400 Bad Request",
}


def status_for(error: UserApiError) -> str:
    """The HTTP status of a page that reports ``error``."""
    if error.code in REFUSED_LOGIN:
        return "403 Forbidden"
    return _STATUS.get(error.code, "422 Unprocessable Content")


def read_cookies(environ: dict[str, Any]) -> dict[str, str]:
    """The request's cookies (a malformed Cookie header counts as none)."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(environ.get("HTTP_COOKIE", ""))
    except Exception:  # http.cookies raises CookieError and others on odd input
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


@dataclass
class Response:
    """A page, a redirect or a file, before the security headers are added."""

    status: str
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ConsoleRequest:
    """What a page handler works with."""

    environ: dict[str, Any]
    context: RequestContext
    dispatcher: Dispatcher
    renderer: Renderer
    path: str  # below /console/, without a leading slash
    secure: bool  # came over HTTPS (the cookie is Secure)
    cookies: dict[str, str]
    form: dict[str, str]
    query: dict[str, str]
    form_token: str = ""  # what this page's forms carry (CSRF)
    signed_in: SignedIn | None = None
    set_cookies: list[str] = field(default_factory=list)

    @property
    def session_token(self) -> str | None:
        """The session cookie's value, if the browser sent one."""
        return self.cookies.get(SESSION_COOKIE)

    @property
    def credentials(self) -> SessionCredentials:
        """The credentials every signed-in call carries: the session cookie."""
        return SessionCredentials(self.session_token)

    def password_credentials(self) -> PasswordCredentials:
        """The sign-in (or sign-up) form's user and password."""
        return PasswordCredentials(self.form.get("user"), self.form.get("password"))

    def change(
        self, method: str, api_class: str, credentials: Any = None, **arguments: Any
    ) -> Outcome:
        """Run a change through the dispatcher on the request's context (API-logged).

        The logged parameters are the form's fields but the form token.
        """
        logged = {name: value for name, value in self.form.items() if name != "csrf"}
        self.context.asked(api_class, method, logged)
        self.context.recorded = True
        return self._dispatch(self.context, method, credentials, arguments)

    def read(self, method: str, **arguments: Any) -> Any:
        """Run a read for the page on a scratch context; its value, or raises its error."""
        scratch = RequestContext(self.context.caller, self.context.user_agent)
        outcome = self._dispatch(scratch, method, None, arguments)
        if outcome.error is not None:
            raise outcome.error
        return outcome.value

    def _dispatch(
        self, context: RequestContext, method: str, credentials: Any, arguments: dict[str, Any]
    ) -> Outcome:
        given = self.credentials if credentials is None else credentials
        return self.dispatcher.dispatch(context, lambda: Call(method, lambda: given, arguments))

    def render(
        self,
        template: str,
        status: str = "200 OK",
        *,
        failed: UserApiError | None = None,
        **values: Any,
    ) -> Response:
        """A page from ``template`` with the request's common values.

        ``failed``: the page tells why it was refused, with that error's status
        (and Retry-After when the caller is blocked).
        """
        headers = [("Content-Type", "text/html; charset=utf-8")]
        if failed is not None:
            status, values["error"] = status_for(failed), self.failure(failed)
            if failed.retry_after:
                headers.append(("Retry-After", str(failed.retry_after)))
        body = self.renderer.render(
            template,
            signed_in=self.signed_in,
            form_token=self.form_token,
            path=self.path,
            **values,
        )
        return Response(status, body, headers)

    @staticmethod
    def failure(error: UserApiError) -> str:
        """What to tell the person about a coded failure."""
        if isinstance(error, Refused):
            return error.reason
        return f"{error.code.description} ({error.code.name})"


def redirect(location: str) -> Response:
    """See other: the browser GETs ``location``."""
    return Response("303 See Other", b"", [("Location", location)])


PageHandler = Callable[[ConsoleRequest], Response]
