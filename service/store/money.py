"""The column type of money: exact on every store."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Dialect, Numeric
from sqlalchemy.types import TypeDecorator, TypeEngine

# Two decimal places on every transport (e.g. 125.50); up to 16 digits before the point.
SCALE = 2
PRECISION = 18
_QUANTUM = Decimal(1).scaleb(-SCALE)


class Money(TypeDecorator[Decimal]):
    """NUMERIC(18, 2) where the store has it; integer hundredths on SQLite.

    SQLite has no decimal type: its NUMERIC keeps a REAL, which loses digits
    past about 15, so there the amount is kept as an exact 64-bit integer.
    """

    impl = Numeric(PRECISION, SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """BIGINT on SQLite, NUMERIC elsewhere."""
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(PRECISION, SCALE))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        """An amount as the store keeps it."""
        if value is None or dialect.name != "sqlite":
            return value
        return int(value.quantize(_QUANTUM).scaleb(SCALE))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        """An amount with exactly two decimal places."""
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-SCALE).quantize(_QUANTUM)
        return Decimal(value).quantize(_QUANTUM)
