"""The test suite stands on its own: nothing under tests/ imports bench/.

bench/ may use the tests' helpers (tests/tcp_proxy.py), never the other way round, so that the
benchmarks can change, or go, without breaking a test.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
BENCH = TESTS.parent / "bench"
# bench/'s scripts import each other as top-level modules (run, dataset); a test that put bench/ on
# sys.path could do the same, so those names count as bench too.
FORBIDDEN = {"bench"} | {path.stem for path in BENCH.glob("*.py")}


def bench_imports(source: str) -> list[tuple[int, str]]:
    """Each import of bench in one module's source, as (line, module)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(node.lineno, name) for name in names if name.split(".")[0] in FORBIDDEN]
    return found


def test_no_file_under_tests_imports_bench() -> None:
    files = sorted(TESTS.rglob("*.py"))
    assert len(files) > 10, "the walk found no test files"
    offenders = [
        f"{path.relative_to(TESTS.parent)}:{line}: {name}"
        for path in files
        for line, name in bench_imports(path.read_text())
    ]
    assert offenders == [], "tests/ must not import bench/:\n" + "\n".join(offenders)


def test_the_check_sees_every_form_of_import() -> None:
    source = (
        "import os\n"
        "from bench.tcp_proxy import free_port\n"
        "import bench.run as run\n"
        "from run import start\n"
        "def later():\n"
        "    import bench\n"
        "from .bench import nothing\n"
    )
    assert bench_imports(source) == [
        (2, "bench.tcp_proxy"),
        (3, "bench.run"),
        (4, "run"),
        (6, "bench"),
    ]
