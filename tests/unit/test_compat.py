"""The Spyne import shim, on every Python the machine has (3.12+ is where it matters)."""

from __future__ import annotations

import subprocess
import sys


def test_spyne_imports_through_the_shim() -> None:
    script = (
        "import service.soap\n"
        "from spyne.util.six.moves import collections_abc\n"
        "from spyne import Application\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
