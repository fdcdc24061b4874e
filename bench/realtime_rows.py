"""The records bench/realtime.py submits: another agency's record of a known person (some
with a typo or another address) and someone new, in turn."""

from __future__ import annotations

import random
from datetime import date, timedelta


def _typo(name: str, rng: random.Random) -> str:
    if not name or len(name) < 4:
        return name or ""
    i = rng.randrange(1, len(name) - 2)
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def make_rows(driver, n: int, seed: int, source: str, prefix: str) -> list[dict]:
    """``n`` new records from ``source``: even ones another agency's record of a known
    person, odd ones someone new."""
    rng = random.Random(seed)
    total = driver.execute_query("MATCH (r:Record) WHERE r.date_of_birth IS NOT NULL RETURN count(r) AS n")[0][0]["n"]
    sample, _, _ = driver.execute_query(
        "MATCH (r:Record) WHERE r.date_of_birth IS NOT NULL "
        "RETURN r.first_name AS f, r.last_name AS l, toString(r.date_of_birth) AS d, r.gender AS g, "
        "r.address AS a, r.postcode AS p SKIP $skip LIMIT $n", skip=rng.randrange(max(1, total - n)), n=n)
    rows = []
    for k in range(n):
        base = sample[k % len(sample)]
        if k % 2 == 0:
            first = _typo(base["f"], rng) if rng.random() < 0.3 else base["f"]
            address, postcode = (base["a"], base["p"]) if rng.random() < 0.7 else ("1 Bench Road", "B1 1BB")
            last, dob = base["l"], base["d"]
        else:
            first, last = sample[rng.randrange(len(sample))]["f"], f"Benchmark{prefix}{k}"
            dob = (date(1950, 1, 1) + timedelta(days=rng.randrange(25000))).isoformat()
            address, postcode = f"{rng.randrange(1, 300)} Bench Street", "B2 2BB"
        y, m, d = dob.split("-")
        rows.append({"source_record_id": f"{prefix}R{k:05d}", "first_name": first, "last_name": last,
                     "date_of_birth": f"{d}/{m}/{y}", "gender": base["g"] or "U", "address": address or "",
                     "postcode": postcode or "", "event_id": f"{prefix}E{k:05d}", "event_date": "01/10/2026",
                     "event_type": "concern_for_welfare"})
    return rows
