"""Replace characters XML 1.0 cannot carry in stored text with U+FFFD.

Every transport now refuses them at input; rows stored before could still make
an account's SOAP answers unwritable. Prints how many rows changed.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from service.domain.values import xml_cleaned, xml_safe

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The text columns callers or operators can fill, by table (each table keyed by id).
COLUMNS = {
    "addresses": (
        "namelastname",
        "companyname",
        "documentid",
        "countrycode",
        "cityname",
        "zipcode",
        "address",
    ),
    "channels": ("channeltype", "channelname"),
    "cities": ("name",),
    "api_accesses": ("last_source_ip", "last_api", "last_method"),
    "api_log": ("source_ip", "api_class", "method", "parameters", "result", "user_agent"),
}


def _clean_table(bind: sa.Connection, name: str, columns: tuple[str, ...]) -> int:
    table = sa.table(name, sa.column("id"), *(sa.column(c) for c in columns))
    changes = []
    for row in bind.execute(sa.select(table)).yield_per(10_000):
        values = dict(zip(columns, row[1:], strict=True))
        dirty = {c: xml_cleaned(v) for c, v in values.items() if v is not None and not xml_safe(v)}
        if dirty:
            changes.append((row[0], dirty))
    for key, dirty in changes:
        bind.execute(sa.update(table).where(table.c.id == key).values(**dirty))
    return len(changes)


def _clean_usage(bind: sa.Connection) -> int:
    """Usage counts are keyed by method: a cleaned key that exists already takes the calls."""
    usage = sa.table(
        "access_usage",
        sa.column("access_id"),
        sa.column("day"),
        sa.column("api"),
        sa.column("method"),
        sa.column("calls"),
    )
    dirty = [row for row in bind.execute(sa.select(usage)) if not xml_safe(row.method)]
    for row in dirty:
        same = (usage.c.access_id == row.access_id, usage.c.day == row.day, usage.c.api == row.api)
        bind.execute(sa.delete(usage).where(*same, usage.c.method == row.method))
        cleaned = xml_cleaned(row.method)
        merged = bind.execute(
            sa.update(usage)
            .where(*same, usage.c.method == cleaned)
            .values(calls=usage.c.calls + row.calls)
        )
        if not merged.rowcount:
            bind.execute(
                sa.insert(usage).values(
                    access_id=row.access_id,
                    day=row.day,
                    api=row.api,
                    method=cleaned,
                    calls=row.calls,
                )
            )
    return len(dirty)


def upgrade() -> None:
    """Clean every stored text column a caller or an operator could fill."""
    bind = op.get_bind()
    changed = {name: _clean_table(bind, name, columns) for name, columns in COLUMNS.items()}
    changed["access_usage"] = _clean_usage(bind)
    detail = ", ".join(f"{name} {count}" for name, count in changed.items())
    total = sum(changed.values())
    if total == 0:
        return  # a new database, or a clean one: nothing to tell the operator
    print(f"stored text cleaned of characters XML cannot carry: {total} rows changed ({detail})")


def downgrade() -> None:
    """Nothing to undo: the replaced characters were never valid in an answer."""
