"""Request ids stay unique without a UUID per request, also across forked workers."""

from __future__ import annotations

import subprocess
import sys

from service.dispatch.context import RequestContext
from service.domain.caller import Caller

# Run in a fresh, single-threaded interpreter: fork() in the test process would
# copy the suite's threads.
FORKING = """
import os
from service.dispatch.context import RequestContext
from service.domain.caller import Caller
print(RequestContext(Caller("192.0.2.1")).request_id, flush=True)
if os.fork() == 0:
    print(RequestContext(Caller("192.0.2.1")).request_id, flush=True)
    os._exit(0)
os.wait()
"""


def test_request_ids_are_unique_within_and_across_processes() -> None:
    here = {RequestContext(Caller("192.0.2.1")).request_id for _ in range(1000)}
    assert len(here) == 1000
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in here)
    parent, child = subprocess.run(
        [sys.executable, "-c", FORKING], capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(child) == 32 and child[:16] != parent[:16]
