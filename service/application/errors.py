"""The one failure of an action: refused, with a reason for the person who asked."""

from __future__ import annotations


class Refused(Exception):
    """An action that cannot be done; ``str()`` is a one-line reason to show."""
