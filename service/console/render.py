"""Pages from the console's Jinja2 templates (package data), escaped by default."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from ..store.reads import utc


def _moment(value: datetime | None) -> str:
    """A stored time as the pages show it: UTC, to the second."""
    return "" if value is None else utc(value).strftime("%Y-%m-%d %H:%M:%S UTC")


class Renderer:
    """Renders templates; every value is HTML-escaped unless a template says otherwise."""

    def __init__(self, **globals_: Any) -> None:
        self._environment = Environment(
            loader=PackageLoader("service.console", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._environment.filters["moment"] = _moment
        self._environment.globals.update(globals_)

    def render(self, template: str, **values: Any) -> bytes:
        """The page as UTF-8."""
        return self._environment.get_template(template).render(**values).encode()
