"""Standardisation of the minimum data set: postcodes and addresses (names and dates follow)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The UK postcode grammar (BS 7666): outward code, then a space, then sector digit + unit.
_UK_POSTCODE = re.compile(
    r"^(GIR0AA|[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
    r"([0-9][ABD-HJLNP-UW-Z]{2})$"
)


@dataclass(frozen=True, slots=True)
class Postcode:
    """A postcode after standardisation. ``valid`` is False for anything that is not UK."""

    text: str
    valid: bool
    outward: str = ""
    sector: str = ""


def normalise_postcode(raw: str | None) -> Postcode:
    """``"b15 2tt"`` → ``Postcode("B15 2TT", True, "B15", "B15 2")``.

    A value that is not a UK postcode (a typo, a foreign code) keeps its compacted text
    with ``valid=False`` so that callers compare it as a plain string, never fail on it.
    """
    compact = re.sub(r"[^0-9A-Za-z]", "", raw or "").upper()
    match = _UK_POSTCODE.match(compact)
    if not match:
        return Postcode(compact, False)
    outward, inward = match.groups()
    return Postcode(f"{outward} {inward}", True, outward, f"{outward} {inward[0]}")


# Royal Mail style abbreviations, expanded so that "12 High St" and "12 HIGH STREET" agree.
ADDRESS_ABBREVIATIONS = {
    "ST": "STREET", "RD": "ROAD", "AVE": "AVENUE", "AV": "AVENUE", "LN": "LANE",
    "DR": "DRIVE", "CT": "COURT", "CRES": "CRESCENT", "CR": "CRESCENT", "PL": "PLACE",
    "SQ": "SQUARE", "GDNS": "GARDENS", "GRN": "GREEN", "GR": "GROVE", "GRO": "GROVE",
    "TER": "TERRACE", "TERR": "TERRACE", "CL": "CLOSE", "PK": "PARK", "HSE": "HOUSE",
    "APT": "FLAT", "APARTMENT": "FLAT", "FLT": "FLAT", "BLDG": "BUILDING", "WY": "WAY",
    "HWY": "HIGHWAY", "MT": "MOUNT", "N": "NORTH", "S": "SOUTH", "E": "EAST", "W": "WEST",
}


def normalise_address(raw: str | None) -> str:
    """Upper case, punctuation folded to spaces, abbreviations expanded, whitespace collapsed."""
    tokens = re.sub(r"[^0-9A-Za-z]+", " ", raw or "").upper().split()
    return " ".join(ADDRESS_ABBREVIATIONS.get(token, token) for token in tokens)
