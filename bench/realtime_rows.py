"""The records bench/realtime.py submits: another agency's record of a known person (some
with a typo or another address) and someone new, in turn.

Both kinds are drawn from records spread over the whole graph, so that the submissions
touch the blocking-key buckets a partner's real records would: someone new has a first
name, a surname and a home taken from three different sampled records and a random date of
birth; a known person who moved has another sampled record's home. (Until session 14 every
new person lived on one street, with surnames sharing one initial, and every move went to
one address: all of them shared a lock bucket and a growing block of candidates, which a
partner's records do not.)"""

from __future__ import annotations

import random
from datetime import date, timedelta


def _typo(name: str, rng: random.Random) -> str:
    if not name or len(name) < 4:
        return name or ""
    i = rng.randrange(1, len(name) - 2)
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def sample_records(driver, n: int, rng: random.Random) -> list[dict]:
    """About ``n`` records with a date of birth, spread over the graph (one scan, each
    record kept with the same chance), in an order drawn from ``rng``."""
    total = driver.execute_query("MATCH (r:Record) WHERE r.date_of_birth IS NOT NULL RETURN count(r) AS n")[0][0]["n"]
    rows, _, _ = driver.execute_query(
        "MATCH (r:Record) WHERE r.date_of_birth IS NOT NULL AND rand() < $share "
        "RETURN r.first_name AS f, r.last_name AS l, toString(r.date_of_birth) AS d, r.gender AS g, "
        "r.address AS a, r.postcode AS p LIMIT $n", share=min(1.0, 3.0 * n / max(1, total)), n=n)
    rows = [dict(r) for r in rows]
    rng.shuffle(rows)
    return rows


def make_rows(driver, n: int, seed: int, source: str, prefix: str, sample: list[dict] | None = None) -> list[dict]:
    """``n`` new records from ``source``: even ones another agency's record of a known
    person, odd ones someone new. ``sample`` (:func:`sample_records`): the records they are
    made from, shared by clients that should send records of the same people at once."""
    rng = random.Random(seed)
    sample = sample or sample_records(driver, max(n, 3), rng)

    def other() -> dict:
        return sample[rng.randrange(len(sample))]

    rows = []
    for k in range(n):
        base = sample[k % len(sample)]
        if k % 2 == 0:
            first = _typo(base["f"], rng) if rng.random() < 0.3 else base["f"]
            home = base if rng.random() < 0.7 else other()
            last, dob = base["l"], base["d"]
        else:
            first, last, home = base["f"], other()["l"], other()
            dob = (date(1950, 1, 1) + timedelta(days=rng.randrange(25000))).isoformat()
        y, m, d = dob.split("-")
        rows.append({"source_record_id": f"{prefix}R{k:05d}", "first_name": first, "last_name": last,
                     "date_of_birth": f"{d}/{m}/{y}", "gender": base["g"] or "U", "address": home["a"] or "",
                     "postcode": home["p"] or "", "event_id": f"{prefix}E{k:05d}", "event_date": "01/10/2026",
                     "event_type": "concern_for_welfare"})
    return rows
