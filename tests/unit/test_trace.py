"""Request ids stay unique without a UUID per request, also across forked workers."""

from __future__ import annotations

import subprocess
import sys

from service.domain.trace import CallTrace

# Run in a fresh, single-threaded interpreter: fork() in the test process would
# copy the suite's threads.
FORKING = """
import os
from service.domain.trace import CallTrace
print(CallTrace("192.0.2.1", "soap11").request_id, flush=True)
if os.fork() == 0:
    print(CallTrace("192.0.2.1", "soap11").request_id, flush=True)
    os._exit(0)
os.wait()
"""


def test_request_ids_are_unique_within_and_across_processes() -> None:
    here = {CallTrace("192.0.2.1", "soap11").request_id for _ in range(1000)}
    assert len(here) == 1000
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in here)
    parent, child = subprocess.run(
        [sys.executable, "-c", FORKING], capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(child) == 32 and child[:16] != parent[:16]
