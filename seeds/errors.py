"""Error injection: the mistakes agencies make in the demographics they hold, and invalid rows.

Errors are rolled once per agency record (``roll_errors``), each kind at the agency's rate
(``Agency.errors``, from data/agencies.yaml), so that every row of a record carries the
same mistakes; a flag keeps the random draws it needs, so applying it draws nothing more.
Separately, a few rows are followed by a corrupted copy that ingest must reject
(``invalid_copy``).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from .addresses import Address
from .agencies import ERROR_KINDS, Agency, format_date
from .names import reference_data
from .population import Person

# Share of rows followed by a deliberately invalid copy.
INVALID_ROW_RATE = 0.002
# The last two need an event date to spoil.
INVALID_REASONS = (
    "dob_in_future", "impossible_dob", "missing_record_id", "no_name",
    "event_without_date", "impossible_event_date",
)
_TYPO_LETTERS = "abcdefghilmnorstuy"

Flags = dict[str, object]  # error kind -> (u, v, letter) draws, or True for duplicate_record


def roll_errors(rng: random.Random, agency: Agency, p: Person, duplicate: bool, today: date) -> Flags:
    """The errors in one agency record of ``p``; only those that can apply to them are kept."""
    flags: Flags = {}
    rates = agency.errors
    for kind in ERROR_KINDS:
        if kind == "duplicate_record":
            continue
        if rng.random() < rates[kind]:
            flags[kind] = (rng.random(), rng.random(), rng.choice(_TYPO_LETTERS))
    if duplicate:
        flags["duplicate_record"] = True
    # drop flags that cannot apply to this person, so the record says what really happened
    dob = date.fromordinal(p.dob)
    if "dob_day_month_swap" in flags and not (
        dob.day <= 12 and dob.month != dob.day and date(dob.year, dob.day, dob.month) <= today
    ):
        # a system would refuse an impossible or future date, so such a slip never survives
        del flags["dob_day_month_swap"]
    if "nickname" in flags and not p.nickname:
        del flags["nickname"]
    if "middle_folded" in flags and not p.middle:
        del flags["middle_folded"]
    if "stale_address" in flags and len(p.addrs) < 2:
        del flags["stale_address"]
    if "stale_surname" in flags and not p.married_on:
        del flags["stale_surname"]
    if "hyphen_variant" in flags and "-" not in (p.last + p.married_surname):
        del flags["hyphen_variant"]
    if "dob_missing" in flags:
        flags.pop("dob_day_month_swap", None)
        flags.pop("dob_year_off", None)
    return flags


def dob_with_errors(p: Person, flags: Flags, today: date) -> tuple[int, int, int] | None:
    """(year, month, day) of birth as the record holds it; None when it is missing."""
    if "dob_missing" in flags:
        return None
    d = date.fromordinal(p.dob)
    y, m, dd = d.year, d.month, d.day
    if "dob_day_month_swap" in flags:
        m, dd = dd, m
    if "dob_year_off" in flags:
        u = flags["dob_year_off"][0]
        y2 = y + (1 if u < 0.5 else -1)
        try:
            nd = date(y2, m, dd)
        except ValueError:
            nd = date(y2, m, 28)
        if nd > today:
            nd = date(y - 1, m, min(dd, 28))
        y, m, dd = nd.year, nd.month, nd.day
    return y, m, dd


def names_with_errors(p: Person, flags: Flags, surname: str) -> tuple[str, str, str]:
    """(first, middle, last) as the record holds them, ``surname`` being the one on file."""
    first = p.nickname if "nickname" in flags else p.first
    middle = p.middle
    last = surname
    if "hyphen_variant" in flags and "-" in last:
        u = flags["hyphen_variant"][0]
        parts = last.split("-")
        last = " ".join(parts) if u < 0.5 else parts[0] if u < 0.75 else parts[-1]
    if "middle_folded" in flags and middle:
        first, middle = f"{first} {middle}", ""
    for kind in ("typo", "transposition"):
        if kind in flags:
            u, v, ch = flags[kind]
            if v < 0.5:
                first = corrupt(first, kind, u, ch)
            else:
                last = corrupt(last, kind, u, ch)
    if "name_swap" in flags:
        first, last = last, first
    return first, middle, last


def corrupt(name: str, kind: str, u: float, ch: str) -> str:
    """A typo (letter substituted, dropped or doubled) or a transposition, at a place set by ``u``."""
    if len(name) < 3:
        return name
    if kind == "transposition":
        i = min(int(u * (len(name) - 1)), len(name) - 2)
        i = max(i, 1) if len(name) > 3 else i
        if name[i] == name[i + 1] or not (name[i].isalpha() and name[i + 1].isalpha()):
            return name
        a, b = name[i], name[i + 1]
        if a.isupper():  # keep the capital at the front
            a, b = b.upper(), a.lower()
        return name[:i] + a + b + name[i + 2:]
    i = max(1, min(int(u * len(name)), len(name) - 1))
    if not name[i].isalpha():
        return name
    op = int(u * 1000) % 3
    if op == 0:  # substitute
        new = ch.upper() if name[i].isupper() else ch
        if new == name[i]:
            new = "e" if ch != "e" else "a"
        return name[:i] + new + name[i + 1:]
    if op == 1 and len(name) >= 4:  # drop
        return name[:i] + name[i + 1:]
    return name[:i] + name[i] + name[i:]  # double


def address_with_errors(addr: Address, flags: Flags) -> str:
    """The address line as the record holds it: abbreviated, flat or locality dropped, or whole."""
    if "address_abbrev" not in flags:
        return addr.text()
    u, v, _ = flags["address_abbrev"]
    line = addr.line
    if addr.flat and u < 0.5:
        # the block's one postal address, flat number lost
        line = line[len(addr.flat) + 2:]
    abbreviations = reference_data()["abbreviations"]
    words = [abbreviations.get(w, w) for w in line.replace(",", " ,").split(" ")]
    line = " ".join(words).replace(" ,", ",")
    if v < 0.3:
        return f"{line}, Birmingham"
    if v < 0.45:
        return f"{line}, {addr.locality}, B'ham"
    return f"{line}, {addr.locality}, Birmingham"


def postcode_with_errors(postcode: str, flags: Flags) -> str:
    """Spacing and case slips: no space, lower case, both, or a double space."""
    if "postcode_format" not in flags:
        return postcode
    u = flags["postcode_format"][0]
    if u < 0.4:
        return postcode.replace(" ", "")
    if u < 0.7:
        return postcode.lower()
    if u < 0.85:
        return postcode.replace(" ", "").lower()
    return postcode.replace(" ", "  ")


def invalid_copy(rng: random.Random, agency: Agency, values: dict[str, str],
                 today: date) -> tuple[str, dict[str, str]]:
    """A copy of a row's ``values`` (by canonical field) that ingest must reject, and why."""
    reasons = INVALID_REASONS if values["event_date"] else INVALID_REASONS[:4]
    reason = rng.choice(reasons)
    bad = dict(values)
    if reason == "dob_in_future":
        d = today + timedelta(days=rng.randint(30, 400))
        bad["date_of_birth"] = format_date(agency.dob_format, d.year, d.month, d.day)
    elif reason == "impossible_dob":
        bad["date_of_birth"] = format_date(agency.dob_format, rng.randint(1950, 2015), 2, 30)
    elif reason == "missing_record_id":
        bad["source_record_id"] = ""
    elif reason == "no_name":
        bad["first_name"] = bad["last_name"] = bad["full_name"] = bad["middle_names"] = ""
    elif reason == "event_without_date":
        bad["event_date"] = ""
    elif reason == "impossible_event_date":
        bad["event_date"] = format_date(agency.event_date_format, today.year - 1, 4, 31, 12, 0)
    return reason, bad
