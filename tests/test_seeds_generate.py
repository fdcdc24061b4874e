"""aim.seeds: determinism, output contracts, and that every agency file ingests with its mapping."""

from __future__ import annotations

import csv
import hashlib
import json
import math
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

from aim.canonical import Mapping, read_csv
from aim.seeds.agencies import AGENCIES
from aim.seeds.generate import generate
from aim.seeds.scenarios import REGISTRY
from aim.seeds.writing import CANONICAL_HEADER
from tests.factories import read_rows

TODAY = date(2026, 11, 1)
KINDS = {
    "police", "emergency_department", "childrens_hospital", "community_health", "school",
    "childrens_social_care", "adult_social_care", "care_provider", "fire_rescue",
}
EVENT_TYPES = {
    "domestic_abuse_incident", "missing_person", "concern_for_welfare", "crime_victim",
    "crime_suspect", "antisocial_behaviour", "witness", "road_traffic_collision",
    "ed_attendance", "injury", "fall", "self_harm", "routine_appointment",
    "attendance_concern", "behaviour_incident", "safeguarding_concern", "routine_contact",
    "health_visit", "school_nurse_contact", "missed_appointment", "referral", "assessment",
    "contact", "care_visit", "missed_visit", "safe_and_well_visit", "fire_incident",
}


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seed") / "s"
    generate(4000, 7, out, TODAY, 730)
    return out


def test_same_seed_same_bytes(tmp_path: Path, dataset: Path) -> None:
    again = tmp_path / "again"
    generate(4000, 7, again, TODAY, 730)
    assert _digests(again) == _digests(dataset)


def test_different_seed_different_data(tmp_path: Path, dataset: Path) -> None:
    other = tmp_path / "other"
    generate(4000, 8, other, TODAY, 730)
    assert _digests(other)["canonical.csv"] != _digests(dataset)["canonical.csv"]


def test_layout_and_manifest(dataset: Path) -> None:
    manifest = json.loads((dataset / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["people"] == 4000 and manifest["today"] == "2026-11-01"
    for agency in AGENCIES:
        assert (dataset / "agencies" / f"{agency.code}.csv").exists()
        assert (dataset / "mappings" / f"{agency.code}.yaml").exists()
    for name in ("records", "link_truth", "people", "households", "scenarios", "invalid_rows"):
        assert (dataset / "truth" / f"{name}.csv").exists()
    with open(dataset / "canonical.csv", encoding="utf-8") as handle:
        assert tuple(next(csv.reader(handle))) == CANONICAL_HEADER
    counts = manifest["counts"]
    assert counts["agency_rows"] == sum(counts["rows_by_agency"].values())
    assert 2.5 < counts["agency_rows"] / counts["people"] < 4.5
    assert all(v >= 1 for v in counts["scenarios"].values())
    assert "escalating_child_concern" in manifest["demo"]


def test_mappings_are_valid_and_complete(dataset: Path) -> None:
    codes_seen = set()
    for agency in AGENCIES:
        mapping = Mapping.from_yaml(dataset / "mappings" / f"{agency.code}.yaml")
        assert mapping.source == agency.code == agency.code.upper()
        org = mapping.organisation
        assert org is not None and org.kind in KINDS
        assert org.name and org.lead_name and org.lead_phone and org.lead_email
        assert set(mapping.event_type_codes.values()) <= EVENT_TYPES
        codes_seen.add(org.kind)
    assert codes_seen == KINDS


def test_every_file_ingests_with_no_rejects_but_the_invalid_ones(dataset: Path) -> None:
    invalid = defaultdict(dict)
    for row in read_rows(dataset / "truth" / "invalid_rows.csv"):
        invalid[row["source"]][int(row["line"])] = row["reason"]
    assert sum(len(v) for v in invalid.values()) > 0
    canonical = defaultdict(list)
    for row in read_rows(dataset / "canonical.csv"):
        canonical[row["source"]].append(row)
    for agency in AGENCIES:
        mapping = Mapping.from_yaml(dataset / "mappings" / f"{agency.code}.yaml")
        rejected, accepted = {}, []
        for result in read_csv(dataset / "agencies" / f"{agency.code}.csv", mapping, today=TODAY):
            if result.reject:
                rejected[result.reject.line] = result.reject.reason
            else:
                accepted.append(result.row)
        assert set(rejected) == set(invalid[agency.code]), (agency.code, rejected)
        expected = canonical[agency.code]
        assert len(accepted) == len(expected)
        for row, want in zip(accepted, expected, strict=True):
            assert want["record_id"] == f"{agency.code}:{row.line}"
            got = {
                "source_record_id": row.source_record_id, "first_name": row.first_name,
                "last_name": row.last_name, "middle_names": row.middle_names,
                "date_of_birth": row.date_of_birth.isoformat() if row.date_of_birth else "",
                "gender": row.gender, "address": row.address, "postcode": row.postcode,
                "event_id": row.event_id or "",
                "event_date": row.event_date.isoformat() if row.event_date else "",
                "event_type": row.event_type or "",
            }
            assert got == {k: want[k] for k in got}, (agency.code, row.line)
            assert row.event_type is None or row.event_type in EVENT_TYPES


def test_canonical_rows_are_unique_and_fully_labelled(dataset: Path) -> None:
    canonical = read_rows(dataset / "canonical.csv")
    ids = [r["record_id"] for r in canonical]
    assert len(ids) == len(set(ids))
    truth = {r["record_id"]: r["entity_id"] for r in read_rows(dataset / "truth" / "link_truth.csv")}
    assert set(truth) == set(ids)
    records = {(r["source"], r["source_record_id"]): r["person_id"]
               for r in read_rows(dataset / "truth" / "records.csv")}
    for row in canonical:
        assert records[(row["source"], row["source_record_id"])] == truth[row["record_id"]]
        assert row["gender"] in ("M", "F", "X", "U")
        assert not row["event_date"] or row["event_date"] <= TODAY.isoformat()
    people = {r["person_id"] for r in read_rows(dataset / "truth" / "people.csv")}
    assert set(truth.values()) <= people
    # everyone is known to at least one agency
    assert set(truth.values()) == people


def test_households_and_scenarios_refer_to_real_subjects(dataset: Path) -> None:
    people = {r["person_id"]: r for r in read_rows(dataset / "truth" / "people.csv")}
    households = read_rows(dataset / "truth" / "households.csv")
    assert {r["person_id"] for r in households} == set(people)
    hids = {r["household_id"] for r in households}
    scenarios = read_rows(dataset / "truth" / "scenarios.csv")
    kinds = Counter(s["kind"] for s in scenarios)
    assert set(kinds) == {"escalating_child_concern", "domestic_abuse", "adult_at_risk",
                          "decoy_busy_family", "decoy_frequent_attender"}
    for s in scenarios:
        assert s["subject_id"] in (people if s["subject_type"] == "person" else hids)
        assert s["first_event_date"] <= s["window_start"] <= s["window_end"]
        assert s["should_alert"] == ("true" if not s["kind"].startswith("decoy") else "false")
    events = read_rows(dataset / "truth" / "scenario_events.csv")
    by_scenario = defaultdict(set)
    for e in events:
        by_scenario[e["scenario_id"]].add(e["source"])
    for s in scenarios:
        if s["should_alert"] == "true":
            assert len(by_scenario[s["scenario_id"]]) >= 3, s


def test_scenarios_follow_the_registry(dataset: Path) -> None:
    manifest = json.loads((dataset / "manifest.json").read_text())
    by_kind = {spec.kind: spec for spec in REGISTRY}
    assert list(manifest["counts"]["scenarios"]) == list(by_kind)
    scenarios = read_rows(dataset / "truth" / "scenarios.csv")
    for s in scenarios:
        spec = by_kind[s["kind"]]
        assert s["subject_type"] == spec.subject_type
        assert s["should_alert"] == ("true" if spec.should_alert else "false")
    made = Counter(s["kind"] for s in scenarios)
    assert made == Counter(manifest["counts"]["scenarios"])
    for spec in REGISTRY:
        # at least one of each kind, and no more than its rate asks for
        assert 1 <= made[spec.kind] <= max(1, math.ceil(spec.rate * 4000 / 10_000)), spec.kind
    subjects = Counter((s["subject_type"], s["subject_id"]) for s in scenarios)
    assert max(subjects.values()) == 1


def test_population_has_the_hard_cases(dataset: Path) -> None:
    people = read_rows(dataset / "truth" / "people.csv")
    tags = Counter(t.split(":")[0] for p in people for t in p["tags"].split(";") if t)
    for tag in ("moved", "twin_of", "lodger", "multi_generation", "care_home_resident",
                "hostel_resident", "block_of_flats", "surname_changed_on_marriage",
                "same_name_as_parent"):
        assert tags[tag] > 0, tag
    assert any("-" in p["last_name"] for p in people)
    assert any(p["known_as"] for p in people)
    addresses = read_rows(dataset / "truth" / "household_addresses.csv")
    kinds = Counter(a["address_kind"] for a in addresses)
    assert kinds["care_home"] >= 20 and kinds["hostel"] >= 10 and kinds["flat_in_block"] >= 10


def test_same_bytes_across_processes_with_different_hash_seeds(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    digests = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"h{hash_seed}"
        code = (
            "from datetime import date; from aim.seeds.generate import generate; "
            f"generate(1500, 4, {str(out)!r}, date(2026, 11, 1), 730)"
        )
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        digests.append(_digests(out))
    assert digests[0] == digests[1]


def test_the_shortest_window_works_and_a_shorter_one_is_refused(tmp_path: Path) -> None:
    manifest = generate(3000, 2, tmp_path / "short", TODAY, 80)
    assert manifest["window_start"] == "2026-08-13"
    people = read_rows(tmp_path / "short" / "truth" / "people.csv")
    assert any("surname_changed_on_marriage" in p["tags"] for p in people)
    with pytest.raises(ValueError, match="at least 80 days"):
        generate(3000, 2, tmp_path / "shorter", TODAY, 79)
