"""One pair of records per blocking key that shares that key and no other, so that a test
can show each rule finds its pair — in the batch run and in the graph's real-time lookup.
A rule added to ``aim.resolution.blocking.RULES`` without a case in
tests/data/blocking_cases.csv fails the tests."""

from __future__ import annotations

import csv
from pathlib import Path

TABLE = Path(__file__).parent / "data" / "blocking_cases.csv"


def _cases() -> dict[tuple[str, ...], tuple[dict, dict]]:
    """Key names → (record a, record b), from two rows of the table a pair. a and b share exactly
    the keys named (a pair found through a rule's slots names both slots: a's given name is b's
    surname)."""
    with TABLE.open(newline="") as f:
        rows = list(csv.DictReader(f))
    records = [{k: v for k, v in row.items() if k != "keys"} | {"gender": ""} for row in rows]
    return {tuple(rows[k]["keys"].split()): (records[k], records[k + 1]) for k in range(0, len(rows), 2)}


CASES = _cases()
