"""How the dashboard names an event kind or status from its code (api/dashboard/present.py)."""

from __future__ import annotations

import pytest

from aim.api.dashboard.present import label


@pytest.mark.parametrize("code, shown", [
    ("concern_for_welfare", "Concern for welfare"),
    ("ed_attendance", "ED attendance"),
    ("gp_safeguarding_concern", "GP safeguarding concern"),
    ("referred_to_csc", "Referred to CSC"),
    ("  missing_person ", "Missing person"),
    ("", ""),
    (None, ""),
])
def test_an_event_kind_reads_as_words_with_its_initialisms(code, shown):
    assert label(code) == shown
