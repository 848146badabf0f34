"""This process's id, kept current across fork.

``os.getpid()`` is a system call, and per-request code asks whether what it
holds (a writer thread, a database connection) was made by this process or
inherited from the gunicorn master.
"""

from __future__ import annotations

import os

_current = {"pid": os.getpid()}
os.register_at_fork(after_in_child=lambda: _current.update(pid=os.getpid()))


def pid() -> int:
    """This process's id."""
    return _current["pid"]
