"""Prometheus metrics, served at ``/metrics`` on the service's own port.

Every worker process writes its values to files in one folder that ``serve``
makes for the server (``PROMETHEUS_MULTIPROC_DIR``, prometheus_client's
multiprocess mode), and any worker answering ``/metrics`` sums all of them:
the figures are the server's, whichever worker is asked and under either
engine. Without that folder (the CLI, an in-process test) they are the
process's own.

Labels take only values from closed sets (the API, the contract's method names,
the code catalogue), never what a caller typed: a caller cannot make the
series grow.
"""

from __future__ import annotations

import atexit
import bisect
import contextlib
import os
import re
import shutil
import tempfile
import threading
import time
from functools import cache
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)

from . import process
from .contract import ISSUETOKEN, OPERATIONS, WSDL
from .domain.api import Api
from .logs import log_internal_error
from .settings import SettingsError

FOLDER_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# Method label of a request that named no method of the contract (or none).
OTHER = "other"
# The method names a label may carry: the contract's, the token endpoint's, the WSDL's.
_METHODS = frozenset({*OPERATIONS, ISSUETOKEN, WSDL})


class Metrics:
    """The service's metrics, made in the process that records them."""

    def __init__(self) -> None:
        self.requests = Counter(
            "usermanagement_requests",
            "API requests answered, by API, method and outcome (SUCCESS or the error code)",
            ("api", "method", "outcome"),
        )
        self.duration = Histogram(
            "usermanagement_request_duration_seconds",
            "Time from a request's arrival at the application to its answer, by API",
            ("api",),
            buckets=_BOUNDS,
        )
        self.api_log_pending = Gauge(
            "usermanagement_api_log_pending",
            "API log records waiting to be written, summed over the live workers",
            multiprocess_mode="livesum",
        )
        self.api_log_dropped = Counter(
            "usermanagement_api_log_dropped",
            "API log records dropped because too many were waiting",
        )
        self.database_errors = Counter(
            "usermanagement_database_errors",
            "Calls the database failed: unavailable (SERVICE_UNAVAILABLE) or error",
            ("kind",),
        )
        self.throttle_blocks = Counter(
            "usermanagement_throttle_blocks",
            "Login throttle blocks imposed or lengthened, by key (account or source)",
            ("key",),
        )
        # Every series an alert may watch exists from the start, at 0.
        for kind in ("unavailable", "error"):
            self.database_errors.labels(kind)
        for key in ("account", "source"):
            self.throttle_blocks.labels(key)


@cache
def metrics() -> Metrics:
    """This process's metrics, made on first use.

    prometheus_client picks where values live when it is first imported; the
    CLI may import it before ``serve`` names the folder, so the choice is made
    again here, before the first metric exists.
    """
    if _folder() is not None:
        values.ValueClass = values.MultiProcessValue()
    return Metrics()


def method_label(method: str | None) -> str:
    """The label of a request's method: a method of the contract, else ``other``."""
    return method if method in _METHODS else OTHER


def request_answered(api: Api, method: str | None, outcome: str, seconds: float) -> None:
    """Count one answered request and its time (written out within FLUSH_SECONDS)."""
    _tally.add((api.value, method_label(method), outcome), seconds)


# How often a worker writes what its requests counted: /metrics shows a request within this.
FLUSH_SECONDS = 0.5
_BOUNDS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class _Tally:
    """What this process's requests counted, not yet written to the metrics.

    A request adds to a dict under a lock; a thread of the worker writes the
    sums every FLUSH_SECONDS, so that a thousand requests cost one write per
    series instead of three file writes each (a fifth of a getbalance's time).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[tuple[str, str, str], int] = {}
        # Per API: the sum of the times, then how many fell in each bucket (the last: +Inf).
        self._durations: dict[str, list[float]] = {}
        self._thread_pid = 0

    def add(self, key: tuple[str, str, str], seconds: float) -> None:
        bucket = bisect.bisect_left(_BOUNDS, seconds)
        with self._lock:
            self._requests[key] = self._requests.get(key, 0) + 1
            tally = self._durations.get(key[0])
            if tally is None:
                tally = self._durations[key[0]] = [0.0] * (len(_BOUNDS) + 2)
            tally[0] += seconds
            tally[bucket + 1] += 1
        if self._thread_pid != process.pid():
            self._start()

    def _start(self) -> None:
        # Threads do not survive fork: each worker starts its own on first use.
        self._thread_pid = process.pid()
        threading.Thread(target=self._run, name="metrics-writer", daemon=True).start()
        atexit.register(flush)

    def _run(self) -> None:
        while True:
            time.sleep(FLUSH_SECONDS)
            try:
                self.flush()
            except OSError:
                return  # the server removed the folder: it is stopping
            except Exception as error:  # a metric must never take a worker down
                log_internal_error(error)

    def flush(self) -> None:
        """Write what was counted since the last flush (OSError: the folder is gone)."""
        with self._lock:
            requests, self._requests = self._requests, {}
            durations, self._durations = self._durations, {}
        recorded = metrics()
        for labels, count in requests.items():
            recorded.requests.labels(*labels).inc(count)
        for api, (total, *buckets) in durations.items():
            child = recorded.duration.labels(api)
            # prometheus_client's Histogram keeps one value per bucket, not cumulative,
            # and a sum: what observe() adds to, here many observations at once
            # (tests/unit/test_metrics.py holds it to what observe() gives).
            child._sum.inc(total)
            for value, observed in zip(child._buckets, buckets, strict=True):
                if observed:
                    value.inc(observed)


_tally = _Tally()


def flush() -> None:
    """Write this process's counts now (before /metrics answers, and when a worker leaves)."""
    with contextlib.suppress(OSError):  # the server removed the folder: it is stopping
        _tally.flush()


def _folder() -> str | None:
    return os.environ.get(FOLDER_VARIABLE) or None


_LIVE_FILE = re.compile(r"gauge_live\w+?_(\d+)\.db")


def _forget_dead_workers(folder: str) -> None:
    """Drop the live gauges of workers that died without saying so (killed, crashed)."""
    for path in Path(folder).glob("gauge_live*.db"):
        found = _LIVE_FILE.fullmatch(path.name)
        if found is None:
            continue
        pid = int(found.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, folder)
        except PermissionError:
            continue  # alive, another user's


def use_folder() -> None:
    """Name the folder this server's workers write their metrics to, emptied for a new start.

    ``PROMETHEUS_MULTIPROC_DIR`` when the operator set it (made if missing), else a
    private temporary folder that is removed when the server stops.
    """
    folder = _folder()
    if folder is None:
        folder = tempfile.mkdtemp(prefix="usermanagement-metrics-")
        os.environ[FOLDER_VARIABLE] = folder
        atexit.register(_remove, folder, os.getpid())
        return
    try:
        Path(folder).mkdir(mode=0o700, parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink(missing_ok=True)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise SettingsError(
            f"{FOLDER_VARIABLE}: cannot use {folder} as the metrics folder: {reason}"
        ) from None


def _remove(folder: str, owner: int) -> None:
    """Remove the folder when the server that made it stops (not when a forked worker does)."""
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


def exposition() -> tuple[str, bytes]:
    """The content type and text of ``/metrics``: the server's figures, all workers summed."""
    flush()
    folder = _folder()
    if folder is None:
        return CONTENT_TYPE_LATEST, generate_latest(REGISTRY)
    _forget_dead_workers(folder)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, folder)
    return CONTENT_TYPE_LATEST, generate_latest(registry)
