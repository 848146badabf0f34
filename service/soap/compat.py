"""Make Spyne 2.14 importable on Python 3.12 and later.

Spyne vendors an old ``six`` whose meta-path importer only has the legacy
``find_module``/``load_module`` protocol, which Python 3.12 removed, so
``spyne.util.six.moves`` cannot be imported. We load that vendored module on
its own first and give its importer the modern ``find_spec`` protocol, which
delegates to the legacy methods. Import this module before ``spyne``.
"""

from __future__ import annotations

import importlib.util
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

_SIX = "spyne.util.six"


def _find_spec(self: Any, fullname: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
    if self.find_module(fullname, path) is None:
        return None
    return ModuleSpec(fullname, self, is_package=self.is_package(fullname))


def _create_module(self: Any, spec: ModuleSpec) -> ModuleType:
    return self.load_module(spec.name)


def _exec_module(self: Any, module: ModuleType) -> None:
    """The legacy ``load_module`` in ``create_module`` already did the work."""


def install() -> None:
    """Patch Spyne's vendored six importer; a no-op where it is not needed."""
    if sys.version_info < (3, 12) or _SIX in sys.modules:
        return
    spec = importlib.util.find_spec("spyne")
    if spec is None or not spec.submodule_search_locations:
        return
    location = f"{spec.submodule_search_locations[0]}/util/six.py"
    six_spec = importlib.util.spec_from_file_location(_SIX, location)
    if six_spec is None or six_spec.loader is None:
        return
    six = importlib.util.module_from_spec(six_spec)
    # Register it before running it: six registers its importer for names under
    # its own module name, and spyne.util imports it by that name later.
    sys.modules[_SIX] = six
    six_spec.loader.exec_module(six)
    importer = type(six._importer)
    importer.find_spec = _find_spec
    importer.create_module = _create_module
    importer.exec_module = _exec_module


install()
