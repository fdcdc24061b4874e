"""Write the independent population: ``canonical.csv`` (one row per agency event) and the
truth (``truth/link_truth.csv``: record_id → person; ``truth/people.csv``: each person's
community, household and tags such as twin, junior, married_move, lodger)."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import numpy as np

from .errors import record_fields
from .population import build_people

AGENCIES = ("WMP", "BCH", "SCH", "CHS", "CSC", "ASC", "WMFS", "GPX")
# Systems that keep accents (the others fold them to ASCII).
ACCENTED = {"BCH", "CSC"}
CANONICAL = ("record_id", "source", "source_record_id", "first_name", "last_name",
             "date_of_birth", "gender", "address", "postcode")
ROWS_PER_PERSON = 4.35   # mean agency records per person (2.9) × rows per record (1.5)


def generate(records: int, seed: int, out: Path, today: date = date(2026, 11, 1)) -> dict:
    """About ``records`` canonical rows; deterministic by ``seed``. Returns the manifest."""
    people = build_people(max(10, int(records / ROWS_PER_PERSON)), seed, today)
    rng = np.random.default_rng(seed + 1)
    out = Path(out)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    n_rows = n_records = 0
    with open(out / "canonical.csv", "w", newline="") as fh, \
            open(out / "truth" / "link_truth.csv", "w", newline="") as th:
        rows, truth = csv.writer(fh), csv.writer(th)
        rows.writerow(CANONICAL)
        truth.writerow(("record_id", "entity_id"))
        for person in people:
            for _ in range(1 + int(rng.poisson(1.9))):
                agency = AGENCIES[int(rng.integers(0, len(AGENCIES)))]
                n_records += 1
                fields = record_fields(person, rng, accents=agency in ACCENTED)
                values = [fields[k] for k in CANONICAL[3:]]
                for _ in range(int(rng.geometric(0.67))):
                    n_rows += 1
                    rid = f"R{n_rows:08d}"
                    rows.writerow([rid, agency, f"{agency}-{n_records:08d}", *values])
                    truth.writerow((rid, f"P{person.pid:08d}"))
    with open(out / "truth" / "people.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(("entity_id", "community", "household", "tags"))
        w.writerows((f"P{p.pid:08d}", p.community, p.household, " ".join(p.tags)) for p in people)
    manifest = {"generator": "aim.seeds.independent", "seed": seed, "today": today.isoformat(),
                "counts": {"people": len(people), "households": people[-1].household,
                           "agency_records": n_records, "rows": n_rows}}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest
