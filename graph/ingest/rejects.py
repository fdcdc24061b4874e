"""The rejects file: what could not be loaded, and why, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from pathlib import Path

from aim.canonical import Reject

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def write_rejects(path: Path, rejects: list[Reject]) -> None:
    """The rejects file: line number, plain-English reason, then the row as it arrived."""
    columns: dict[str, None] = {}  # ordered set: a very wide file must not take O(n²)
    for reject in rejects:
        columns.update(dict.fromkeys(reject.raw))
    with open(path, "w", newline="", encoding="utf-8", errors="replace") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "reason", *(safe_cell(c) for c in columns)])  # headers come from the file too
        for reject in rejects:
            writer.writerow(
                [reject.line, safe_cell(reject.reason), *(safe_cell(reject.raw.get(c)) for c in columns)]
            )
