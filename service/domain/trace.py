"""What one request did, filled in as it is served: by the app, the adapter and the core."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

MAX_RESULT = 200


@dataclass
class CallTrace:
    """One request, as the API log will record it."""

    source_ip: str
    api: str
    user_agent: str | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    started: float = field(default_factory=time.monotonic)
    api_class: str | None = None
    method: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    account_id: int | None = None
    access_id: int | None = None
    error_code: str | None = None
    result: str | None = None
    http_status: int = 0
    bytes_in: int = 0
    bytes_out: int = 0

    def succeeded(self, value: Any) -> None:
        """Note a result, summarised (a count for lists: no personal data in the summary)."""
        if isinstance(value, list):
            self.result = f"{len(value)} items"
        elif isinstance(value, Decimal | int | str):
            self.result = str(value)[:MAX_RESULT]
        else:
            self.result = None
