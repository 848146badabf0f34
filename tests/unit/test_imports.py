"""Every module of service/ imports on its own: no import cycle hides behind import order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import service

PACKAGE = Path(service.__file__).parent
# Each module imported with none of the package loaded before it: a cycle that only
# works in one import order fails here. Third-party packages stay loaded (not ours to test).
CHECK = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "service" or m.startswith("service.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as error:
        failed.append(f"{name}: {type(error).__name__}: {error}")
print("\\n".join(failed))
"""


def modules() -> list[str]:
    """Every module of the package but the entry point and the migration scripts (Alembic's)."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "migrations" in parts or parts[-1] == "__main__":
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_module_imports_on_its_own() -> None:
    names = modules()
    assert "service.soap.service" in names and "service.http.api" in names
    result = subprocess.run(
        [sys.executable, "-c", CHECK, *names], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
