"""Small synthetic canonical files for tests and the ingest benchmark."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from aim.canonical import REQUIRED_COLUMNS

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
