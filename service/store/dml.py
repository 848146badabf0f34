"""Statements that change rows, run on a session: INSERT ... ON CONFLICT in the store's
dialect, and how many rows a statement changed."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Executable
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import Base


def insert(dialect_name: str, model: type[Base]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into ``model``'s table that can say what to do on a conflict."""
    if dialect_name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def changed(session: Session, statement: Executable) -> int:
    """Run an UPDATE or DELETE in the session's transaction; how many rows it changed."""
    # Session.execute is typed for queries; a DML statement's result is a CursorResult.
    return cast(CursorResult[Any], session.execute(statement)).rowcount
