"""What an analyst sees of the workspace's alerts (the access policy's analyst rules): each
subject by pseudonym, dates to the month, ages and household sizes in bands, areas as postcode
districts, agencies by name; aggregates by month, rule, agency and area with every count under
five suppressed. When fewer than five alerts match, no row is shown at all (a filter narrowed
to one household must not show that household), and the total itself is suppressed.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

from aim.graph.access.policy import month, pseudonym, small_count
from aim.graph.ingest.rejects import safe_cell

BREAKDOWNS = ("by_month", "by_rule", "by_agency", "by_area")
UNKNOWN_AREA = "Unknown"
CSV_SUPPRESSED = "<5"
CSV_COLUMNS = ("section", "subject", "level", "rule", "rag", "status", "month_raised", "postcode_district",
               "household_size", "age_bands", "agencies", "group", "alerts")


def report(rows: list[dict], key: bytes) -> dict:
    """The workspace's answer for ``rows`` (``analyst.alert_rows``)."""
    total = small_count(len(rows))
    shown = [_pseudonymised(row, key) for row in rows] if total is not None else []
    return {"total": total, "rows": shown, "rows_withheld": total is None and bool(rows),
            "aggregates": {name: _counts(name, rows) for name in BREAKDOWNS}}


def _pseudonymised(row: dict, key: bytes) -> dict:
    return {"subject": pseudonym(key, row["subject_id"]), "level": row["subject_type"], "rule": row["rule"],
            "title": row["title"], "rag": row["rag"], "status": row["status"], "month": month(row["first_raised"]),
            "district": row["district"], "household_size": row["household_size"], "age_bands": row["age_bands"],
            "agencies": row["agencies"]}


def _counts(name: str, rows: list[dict]) -> list[dict]:
    """``{group, alerts}`` per group, counts under five suppressed (None). Months run without
    gaps from the first to the last; other groups put the suppressed ones last in name order,
    so that the order never tells one small count from another."""
    if name == "by_month":
        counted = Counter(month(r["first_raised"]) for r in rows if r["first_raised"])
        return [{"group": m, "alerts": small_count(counted.get(m, 0))} for m in _months(sorted(counted))]
    if name == "by_rule":
        counted = Counter(r["title"] for r in rows)
    elif name == "by_agency":
        counted = Counter(agency for r in rows for agency in r["agencies"])
    else:
        counted = Counter(r["district"] or UNKNOWN_AREA for r in rows)
    groups = [{"group": group, "alerts": small_count(count)} for group, count in counted.items()]
    return sorted(groups, key=lambda g: (g["alerts"] is None, -(g["alerts"] or 0), g["group"]))


def _months(present: list[str]) -> list[str]:
    if not present:
        return []
    year, number = int(present[0][:4]), int(present[0][5:])
    months = []
    while (found := f"{year:04d}-{number:02d}") <= present[-1]:
        months.append(found)
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return months


def to_csv(found: dict) -> str:
    """The report as one CSV table: a row per alert shown (section ``alert``), then the total and
    each breakdown's groups (sections ``total``, ``by_month``...), suppressed counts as ``<5``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in found["rows"]:
        cells = {"section": "alert", "subject": row["subject"], "level": row["level"], "rule": row["title"],
                 "rag": row["rag"], "status": row["status"], "month_raised": row["month"],
                 "postcode_district": row["district"], "household_size": row["household_size"],
                 "age_bands": ";".join(row["age_bands"]), "agencies": ";".join(row["agencies"])}
        writer.writerow({k: safe_cell(v) for k, v in cells.items()})
    writer.writerow({"section": "total", "alerts": _csv_count(found["total"])})
    for name in BREAKDOWNS:
        for group in found["aggregates"][name]:
            writer.writerow({"section": name, "group": safe_cell(group["group"]), "alerts": _csv_count(group["alerts"])})
    return out.getvalue()


def _csv_count(count: int | None) -> str:
    return CSV_SUPPRESSED if count is None else str(count)
