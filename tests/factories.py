"""Small synthetic canonical data for tests and the ingest benchmark: rows, files, a population
with a known truth for resolution, near-duplicates for the review band, and a small town for
households. No database here (see graph_helpers.py)."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

from aim.canonical import MAX_FIELD_CHARS, REQUIRED_COLUMNS, CanonicalRow, Mapping, validate_row
from aim.graph.identity.keys import record_key
from aim.resolution import comparisons
from aim.resolution.records import prepare

FIRST = ["Ava", "Noah", "Amira", "Oliver", "Priya", "Jack", "Fatima", "Leo", "Grace", "Mohammed"]
LAST = ["Smith", "Khan", "Jones", "Patel", "Williams", "Ahmed", "Brown", "O'Neill", "Taylor", "Begum"]


def canonical_rows(n: int, seed: int = 1, source: str = "WMP", events_per_record: int = 2) -> list[dict]:
    """``n`` valid canonical rows: ``n / events_per_record`` records, each with that many events."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        record = i // events_per_record
        local = random.Random(record)
        dob = date(1950, 1, 1) + timedelta(days=local.randrange(25000))
        rows.append({
            "source": source,
            "source_record_id": f"R{record:07d}",
            "first_name": local.choice(FIRST),
            "last_name": local.choice(LAST),
            "date_of_birth": dob.strftime("%d/%m/%Y"),
            "gender": local.choice("MF"),
            "address": f"{local.randrange(1, 200)} {local.choice(['High St', 'Station Road', 'Mill Lane'])}",
            "postcode": f"B{local.randrange(1, 40)} {local.randrange(1, 9)}{local.choice('ABDEFG')}{local.choice('HJLNPQ')}",
            "event_id": f"E{i:08d}",
            "event_date": (date(2025, 1, 1) + timedelta(days=rng.randrange(600))).strftime("%d/%m/%Y"),
            "event_type": rng.choice(["concern_for_welfare", "missing_person", "crime_victim"]),
        })
    return rows


def as_canonical(rows: list[dict]) -> list[CanonicalRow]:
    """Rows (with their ``source``) validated as ingest does; every one must be usable."""
    out = []
    for i, values in enumerate(rows):
        checked = validate_row(values, i, Mapping(), source=values["source"])
        assert checked.row is not None, checked.reject
        out.append(checked.row)
    return out


def write_csv(path: Path, rows: list[dict], columns=REQUIRED_COLUMNS, delimiter: str = ",", encoding="utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), delimiter=delimiter, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    """Every row of a UTF-8 CSV file with a header, as dicts."""
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ----------------------------------------------------------------------------- bad input

# What a field of an export or a value of an API payload may hold, bad values included: any
# text, control characters, impossible dates, a formula, too long, undecodable bytes, a lone surrogate.
field_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), min_size=1, max_size=5),
    st.sampled_from(["31/02/2020", "29/02/2023", "00/01/2000", "2020-13-01", "1/1/1", "=cmd|' /C calc'!A0",
                     "x" * (MAX_FIELD_CHARS + 1), "\udcff\udc80", "\ud800", "", " ", "01/01/1899", "01/01/2999"]),
)


# ----------------------------------------------------------------------------- resolution

# The population of the resolution tests.
GIVEN_NAMES = ["Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia",
               "Grace", "Freya", "Florence", "Poppy", "Evie", "Ella", "Noah", "Oliver", "George", "Arthur",
               "Muhammad", "Leo", "Harry", "Oscar", "Archie", "Henry", "Theodore", "Freddie", "Jack", "Charlie",
               "Aisha", "Zara", "Priya", "Kofi", "Tomasz", "Agnieszka", "Chidi", "Mei", "Ravi", "Siobhan"]
SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
            "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Thomas", "Clarke",
            "Jackson", "Wood", "Harris", "Edwards", "Turner", "Martin", "Cooper", "Hill", "Ward", "Hughes",
            "Nowak", "Okafor", "Mensah", "Kowalski", "Begum", "Khan", "Chen", "Murphy", "Kelly", "Byrne"]
STREETS = ["High Street", "Station Road", "Church Lane", "Mill Lane", "Park Avenue", "Victoria Road",
           "Green Lane", "Manor Road", "Kings Road", "Queens Road"]
SOURCES = ["WMP", "CITY_ED", "SCHOOL_OAK", "COMM_HEALTH"]


def _typo(name: str, rng: random.Random) -> str:
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 2)
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def population(n: int = 120, seed: int = 5, start: int = 0) -> tuple[list[dict], dict[str, str]]:
    """Rows for ``n`` people with 1-3 agency records each (small typos, a changed address);
    and the truth: record key → person number."""
    rng = random.Random(seed)
    rows, truth = [], {}
    event = 0
    for k in range(start, start + n):
        first, last = rng.choice(GIVEN_NAMES), rng.choice(SURNAMES)
        dob = date(1940, 1, 1) + timedelta(days=rng.randrange(30000))
        gender = rng.choice("MF")
        house = rng.randrange(1, 300)
        street = rng.choice(STREETS)
        postcode = f"B{rng.randrange(1, 99)} {rng.randrange(1, 9)}{rng.choice('ABDEFG')}{rng.choice('HJLNPQ')}"
        for j, source in enumerate(rng.sample(SOURCES, rng.randint(1, 3))):
            f = _typo(first, rng) if j and rng.random() < 0.3 else first
            rows.append({
                "source": source, "source_record_id": f"{source[:2]}{k:06d}",
                "first_name": f, "last_name": last, "date_of_birth": dob.strftime("%d/%m/%Y"),
                "gender": gender, "address": f"{house} {street}", "postcode": postcode,
                "event_id": f"E{event:08d}",
                "event_date": (date(2025, 1, 1) + timedelta(days=rng.randrange(600))).strftime("%d/%m/%Y"),
                "event_type": "concern_for_welfare",
            })
            truth[record_key(source, f"{source[:2]}{k:06d}")] = f"T{k}"
            event += 1
    return rows, truth


def near_duplicates(rows: list[dict]) -> list[dict]:
    """Records for the review band, one per given row: alternately the same name and
    address with another date of birth, or the same surname and date of birth with another
    given name elsewhere (as the fire service, ids ``RV<k>``)."""
    extra = []
    for k, r in enumerate(rows):
        d, m, y = r["date_of_birth"].split("/")
        if k % 2:
            change = {"first_name": "Zebedee", "address": "1 Elsewhere Road", "postcode": "B99 9ZZ"}
        else:
            change = {"date_of_birth": f"{(int(d) + 9) % 28 + 1:02d}/{int(m) % 12 + 1:02d}/{int(y) + 2}"}
        extra.append(dict(r, source="FIRE", source_record_id=f"RV{k}", event_id=f"RVE{k}", **change))
    return extra


# ----------------------------------------------------------------------------- households

# The residents of the block of flats in town_rows: unrelated people, one surname each.
FLAT_GIVEN_NAMES = ["Ava", "Noah", "Amira", "Oliver", "Priya", "Jack", "Fatima", "Leo", "Grace", "Mohammed",
                    "Zofia", "Kwame", "Sean", "Mei", "Ivan", "Lucia"]
FLAT_SURNAMES = ["Smith", "Khan", "Jones", "Patel", "Williams", "Ahmed", "Brown", "Nowak", "Taylor", "Begum",
                 "Okafor", "Murphy", "Chen", "Petrov", "Garcia", "Silva"]


def household_row(n, first, last, dob, address, postcode, when, source="WMP"):
    return {"source": source, "source_record_id": f"H{n:05d}", "first_name": first, "last_name": last,
            "date_of_birth": dob, "gender": "F" if n % 2 else "M", "address": address, "postcode": postcode,
            "event_id": f"HE{n:05d}{when.replace('/', '')}", "event_date": when, "event_type": "concern_for_welfare"}


def town_rows() -> list[dict]:
    """A small town for the household tests: a block of flats, a family, successive occupants."""
    rows = []
    # A block of flats behind one postal address: 14 unrelated people, 14 surnames.
    for n in range(14):
        rows.append(household_row(n, FLAT_GIVEN_NAMES[n], FLAT_SURNAMES[n], f"{10 + n:02d}/03/{1960 + n}",
                                  "10 High Street", "B1 1AA", f"{1 + n:02d}/02/2025"))
    # A family of three.
    for n, (first, dob) in enumerate([("Ava", "01/01/1985"), ("Noah", "02/02/1987"), ("Leo", "03/03/2015")]):
        rows.append(household_row(100 + n, first, "Smith", dob, "5 Mill Lane", "B2 2BB", f"0{n + 1}/05/2025"))
    # Successive occupants of one house: two couples, a year and a half apart.
    rows.append(household_row(200, "Grace", "Jones", "04/04/1970", "7 Park Avenue", "B3 3CC", "01/01/2024"))
    rows.append(household_row(201, "Jack", "Jones", "05/05/1971", "7 Park Avenue", "B3 3CC", "01/02/2024"))
    rows.append(household_row(202, "Priya", "Patel", "06/06/1990", "7 Park Avenue", "B3 3CC", "01/09/2025"))
    rows.append(household_row(203, "Sean", "Patel", "07/07/1991", "7 Park Avenue", "B3 3CC", "01/10/2025"))
    # Grace later moves out: her record gives a new address, later.
    rows.append(household_row(200, "Grace", "Jones", "04/04/1970", "1 Station Road", "B4 4DD", "01/06/2024"))
    return rows


def resolution_record(rid: str, **fields) -> dict:
    """A record as the resolution engine reads it: every field empty unless given."""
    return {"record_id": rid, "source": "t", "source_record_id": rid, "first_name": "", "last_name": "",
            "date_of_birth": "", "gender": "", "address": "", "postcode": ""} | fields


def comparison_level(field: str, a: dict, b: dict) -> int:
    """The level the comparison of ``field`` gives records with fields ``a`` and ``b`` (-1: null)."""
    prepared = prepare([resolution_record("a", **a), resolution_record("b", **b)])
    gamma = comparisons.compare(prepared, np.array([0]), np.array([1]))
    return int(gamma[0, comparisons.FIELD_INDEX[field]])
