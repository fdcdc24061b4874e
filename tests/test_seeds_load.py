"""aim seed load: every agency file goes through the normal ingest path with its mapping."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from aim.canonical import Mapping
from aim.seeds import load as load_module
from aim.seeds.agencies import AGENCIES
from aim.seeds.generate import generate

TODAY = date(2026, 11, 1)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("load") / "s"
    generate(1500, 11, out, TODAY, 730)
    return out


def _canonical_counts(directory: Path) -> Counter:
    with open(directory / "canonical.csv", encoding="utf-8", newline="") as handle:
        return Counter(row["source"] for row in csv.DictReader(handle))


def test_load_calls_ingest_file_with_each_mapping(small: Path, monkeypatch) -> None:
    calls = []

    @dataclass
    class FakeReport:
        rows_read: int = 0
        accepted: int = 0
        rejected: int = 0

    def fake_ingest_file(path, *, source=None, mapping=None, rejects_path=None, progress=True):
        assert isinstance(mapping, Mapping) and mapping.source == source
        calls.append((source, Path(path).name, Path(rejects_path).parent.name))
        return FakeReport()

    import aim.graph.ingest

    monkeypatch.setattr(aim.graph.ingest, "ingest_file", fake_ingest_file)
    reports = load_module.load(small, progress=False)
    assert [c[0] for c in calls] == [a.code for a in AGENCIES]
    assert all(name == f"{code}.csv" and parent == "rejects" for code, name, parent in calls)
    assert set(reports) == {a.code for a in AGENCIES}
    only = load_module.load(small, only=["WMP"], progress=False)
    assert list(only) == ["WMP"]


@pytest.mark.neo4j
def test_load_into_neo4j_rejects_only_the_invalid_rows(small: Path, graph) -> None:
    reports = load_module.load(small, progress=False, driver=graph)
    expected_rejects = load_module.expected_rejects(small)
    canonical = _canonical_counts(small)
    for code, report in reports.items():
        assert report.rejected == expected_rejects.get(code, 0), code
        assert report.accepted == canonical[code], code
