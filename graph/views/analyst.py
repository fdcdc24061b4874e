"""The analyst workspace's read model: alerts about households or persons, filtered by rule,
RAG, period (months first raised), area (postcode district), household size and age band.

Rows carry real ids and dates of birth; only ``analyst_report`` turns them into what an
analyst may see (pseudonyms, bands, months, suppressed small counts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from neo4j import ManagedTransaction

from aim import cypher
from aim.graph.access.policy import AGE_BANDS, age_band
from aim.graph.store import as_date

from .subject import age

LEVELS = ("household", "person")
RAGS = ("Red", "Amber", "Green")
# Household sizes in bands, never exact: with a district and an age band an exact size
# narrows too far, and the access policy suppresses small member counts anyway.
SIZE_BANDS = ((1, 2), (3, 4), (5, 6), (7, None))
DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def _band_name(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}-{high}"


def band_names() -> tuple[str, ...]:
    return tuple(_band_name(low, high) for low, high in AGE_BANDS)


def size_band(size: int | None) -> str | None:
    if not size:
        return None
    return next(_band_name(low, high) for low, high in SIZE_BANDS if high is None or size <= high)


def size_band_names() -> tuple[str, ...]:
    return tuple(_band_name(low, high) for low, high in SIZE_BANDS)


def district(postcode: str | None) -> str | None:
    """``B12 9QT`` -> ``B12`` (the outward code; a postcode without its space is read the
    same way, the inward code being always three characters)."""
    text = re.sub(r"\s+", "", (postcode or "").upper())
    return text[:-3] if len(text) > 3 and DISTRICT.match(text[:-3]) else None


@dataclass(frozen=True)
class Filters:
    """What the analyst asks for; ``None`` means any. Months are ``YYYY-MM``."""

    level: str = "household"
    rule: str | None = None
    rag: str | None = None
    from_month: str | None = None
    to_month: str | None = None
    district: str | None = None
    household_size: str | None = None
    age_band: str | None = None

    def problems(self) -> dict[str, str]:
        """Field -> what is wrong with it (empty when the filters can be run)."""
        found = {}
        if self.level not in LEVELS:
            found["level"] = "Choose households or persons"
        if self.rag is not None and self.rag not in RAGS:
            found["rag"] = "Choose Red, Amber or Green"
        for name in ("from_month", "to_month"):
            value = getattr(self, name)
            if value is not None and not MONTH.match(value):
                found[name] = "Give a month as YYYY-MM, for example 2026-06"
        if not found and self.from_month and self.to_month and self.from_month > self.to_month:
            found["to_month"] = "The end month must not be before the start month"
        if self.district is not None and not DISTRICT.match(self.district):
            found["district"] = "Give a postcode district (the part before the space), for example B12"
        if self.household_size is not None and self.household_size not in size_band_names():
            found["household_size"] = "Choose a household size band"
        if self.age_band is not None and self.age_band not in band_names():
            found["age_band"] = "Choose an age band"
        return found

    def as_detail(self) -> dict:
        """The filters as the audit entry records them."""
        return {k: v for k, v in vars(self).items() if v is not None}


def _month_start(month: str | None, *, after: bool = False) -> date | None:
    if not month:
        return None
    year, number = int(month[:4]), int(month[5:])
    if after:
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return date(year, number, 1)


def alert_rows(tx: ManagedTransaction, filters: Filters, today: date | None = None) -> list[dict]:
    """The alerts matching ``filters``, each with its subject's postcode district, household
    size band and age bands (a household's: its current members')."""
    rows = tx.run(cypher.load("views/analyst_alerts"), subject_type=filters.level,
                  rules=[filters.rule] if filters.rule else None, rags=[filters.rag] if filters.rag else None,
                  since=_month_start(filters.from_month), before=_month_start(filters.to_month, after=True))
    found = []
    for row in rows:
        bands = sorted({age_band(age(dob, today)) for dob in (as_date(d) for d in row["dates_of_birth"]) if dob},
                       key=band_names().index)
        shaped = {
            "rule": row["rule"], "title": row["title"] or row["rule"], "rag": row["rag"], "status": row["status"],
            "first_raised": as_date(row["first_raised"]), "subject_type": row["subject_type"],
            "subject_id": row["subject_id"], "district": district(row["postcode"]),
            "household_size": size_band(row["household_size"]), "age_bands": bands,
            "agencies": sorted(row["agencies"]),
        }
        if _matches(shaped, filters):
            found.append(shaped)
    return found


def _matches(row: dict, filters: Filters) -> bool:
    return ((filters.district is None or row["district"] == filters.district)
            and (filters.household_size is None or row["household_size"] == filters.household_size)
            and (filters.age_band is None or filters.age_band in row["age_bands"]))


def rules_in_use(tx: ManagedTransaction) -> list[dict]:
    """``{rule, title}`` of every rule that has raised an alert."""
    return [{"rule": r["rule"], "title": r["title"] or r["rule"]} for r in tx.run(cypher.load("views/analyst_rules"))]
