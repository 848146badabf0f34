"""Record the golden corpus: ``python -m tests.golden.record [--store sqlite|postgresql]``.

Replays every case of tests/golden/cases.py against the real server on a fresh,
seeded database and writes tests/golden/corpus.jsonl. See tests/golden/README.md.
"""

from __future__ import annotations

import argparse
import collections
import tempfile
from pathlib import Path

from tests.golden.cases import all_cases
from tests.golden.replay import CORPUS, entry, replay, write_corpus
from tests.golden.server import golden_server, port_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--output", type=Path, default=CORPUS)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as directory,
        golden_server(args.store, Path(directory)) as server,
    ):
        lines = [entry(case, answer) for case, answer in replay(port_of(server), all_cases())]
    write_corpus(lines, args.output)
    statuses = collections.Counter(line["status"] for line in lines)
    print(f"{len(lines)} cases written to {args.output}; statuses {dict(sorted(statuses.items()))}")


if __name__ == "__main__":
    main()
