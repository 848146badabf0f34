"""The golden corpus: every request shape the suite and the interop scenarios send,
answered byte for byte as recorded (tests/golden/README.md).

Compared: the status, the headers of tests/golden/replay.py COMPARED and the body
bytes. Normalised, and only these (each checked before it is replaced):
replay.VOLATILE, the JWT's issue time and the seconds left in a throttle block.
The answers are the same on SQLite and PostgreSQL, so one corpus serves both.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import STORES
from tests.golden.cases import all_cases
from tests.golden.replay import VOLATILE, Answer, Case, answer_of, read_corpus, replay
from tests.golden.server import golden_server, port_of

# Cases whose answer was changed on purpose after the corpus was first recorded, with
# the reason (the corpus holds the new answer; see tests/golden/README.md).
DELIBERATE_CHANGES: dict[str, str] = {}


@pytest.fixture(scope="module", params=STORES)
def replayed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[tuple[Case, Answer]]]:
    directory: Path = tmp_path_factory.mktemp(f"golden-{request.param}")
    with golden_server(request.param, directory) as server:
        yield list(replay(port_of(server), all_cases()))


def _difference(name: str, recorded: Answer, served: Answer) -> str:
    """What differs, as a readable diff naming the case."""
    lines = [f"{name}: the answer differs from tests/golden/corpus.jsonl"]
    if recorded.status != served.status:
        lines.append(f"  status {recorded.status} recorded, {served.status} served")
    if recorded.headers != served.headers:
        lines.append(f"  headers {list(recorded.headers)} recorded, {list(served.headers)} served")
    if recorded.token != served.token:
        lines.append(f"  token {recorded.token} recorded, {served.token} served")
    if recorded.body != served.body:
        before = recorded.body.decode("utf-8", "backslashreplace").splitlines(keepends=True)
        after = served.body.decode("utf-8", "backslashreplace").splitlines(keepends=True)
        diff = difflib.unified_diff(before, after, "recorded", "served", n=1)
        lines.append("".join(diff)[:4000] or f"  body {recorded.body!r} != {served.body!r}")
    return "\n".join(lines)


def test_every_case_is_recorded() -> None:
    corpus = read_corpus()
    cases = {case.name: case for case in all_cases()}
    assert list(corpus) == list(cases), (
        "tests/golden/cases.py and corpus.jsonl list different cases: re-record "
        "(python -m tests.golden.record)"
    )
    changed = [name for name, case in cases.items() if corpus[name]["request"] != case.digest()]
    assert not changed, f"cases changed since the recording, re-record: {changed[:20]}"
    assert set(DELIBERATE_CHANGES) <= set(cases), "DELIBERATE_CHANGES names no case"
    assert all(reason.strip() for reason in DELIBERATE_CHANGES.values())
    assert set(VOLATILE) == {"«retryafter»", "«token»"}


def test_answers_match_the_corpus(replayed: list[tuple[Case, Answer]]) -> None:
    corpus = read_corpus()
    differences = []
    for case, served in replayed:
        recorded = answer_of(corpus[case.name])
        if served != recorded:
            differences.append(_difference(case.name, recorded, served))
    shown = int(os.environ.get("GOLDEN_SHOW", "10"))
    assert not differences, (
        f"{len(differences)} of {len(replayed)} answers differ "
        f"(first {shown}; GOLDEN_SHOW=N shows more):\n\n" + "\n\n".join(differences[:shown])
    )
