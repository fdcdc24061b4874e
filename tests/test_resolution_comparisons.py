"""Each comparison level, on tiny prepared record sets: one table of (record a, record b, the
level's name) for every field in tests/data/comparison_levels.yaml, then the vectorised path
against the single-pair one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from aim.resolution import comparisons as C
from aim.resolution.records import prepare
from tests.factories import comparison_level
from tests.factories import resolution_record as rec

TABLE = Path(__file__).parent / "data" / "comparison_levels.yaml"


def levels() -> list[tuple[str, dict, dict, str | None]]:
    """(field, record a, record b, level) for every row of the table; a bare value is the field's."""
    table = yaml.safe_load(TABLE.read_text())
    table.pop("places")
    return [(field, *(side if isinstance(side, dict) else {field: side} for side in (a, b)), level)
            for field, rows in table.items() for a, b, level in rows]


@pytest.mark.parametrize("field, a, b, expected", levels())
def test_comparison_level(field, a, b, expected):
    """``None``: the comparison is null (a value missing on one side), the level ``-1``."""
    found = comparison_level(field, a, b)
    names = C.COMPARISONS[C.FIELD_INDEX[field]].levels
    assert (None if found < 0 else names[found]) == expected


def test_vectorised_matches_single():
    recs = [rec(str(k), first_name=n, last_name="Smith", date_of_birth="1990-01-0" + str(1 + k % 3))
            for k, n in enumerate(["John", "Jon", "Bill", "William", "Mary", "J"])]
    p = prepare(recs)
    i, j = np.triu_indices(p.n, 1)
    g = C.compare(p, i, j)
    for k, (a, b) in enumerate(zip(i, j)):
        single = C.compare(p, np.array([a]), np.array([b]))
        assert (single[0] == g[k]).all()
