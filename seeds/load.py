"""``aim seed load``: ingest a generated data set through the normal ingest path."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from aim.canonical import Mapping

from .agencies import AGENCIES


def agency_files(directory: Path, only: list[str] | None = None) -> list[tuple[str, Path, Path]]:
    """(code, export, mapping) for each agency of a generated data set, in a fixed order."""
    directory = Path(directory)
    out = []
    for agency in AGENCIES:
        if only and agency.code not in only:
            continue
        export = directory / "agencies" / f"{agency.code}.csv"
        mapping = directory / "mappings" / f"{agency.code}.yaml"
        if export.exists() and mapping.exists():
            out.append((agency.code, export, mapping))
    return out


def expected_rejects(directory: Path) -> Counter:
    """Deliberately invalid rows per agency, from truth/invalid_rows.csv."""
    path = Path(directory) / "truth" / "invalid_rows.csv"
    if not path.exists():
        return Counter()
    with open(path, encoding="utf-8", newline="") as handle:
        return Counter(row["source"] for row in csv.DictReader(handle))


def load(directory: Path, only: list[str] | None = None, progress: bool = True, **ingest_options) -> dict:
    """Ingest each agency file with its mapping; returns code -> IngestReport.

    ``ingest_options`` (e.g. ``driver=``) are passed through to ``ingest_file``.
    """
    from aim.graph.ingest import ingest_file

    directory = Path(directory)
    rejects_dir = directory / "rejects"
    rejects_dir.mkdir(exist_ok=True)
    reports = {}
    for code, export, mapping_path in agency_files(directory, only):
        mapping = Mapping.from_yaml(mapping_path)
        reports[code] = ingest_file(
            export, source=code, mapping=mapping,
            rejects_path=rejects_dir / f"{code}.csv", progress=progress, **ingest_options,
        )
    return reports
