"""The partner agencies of the synthetic population, read from ``data/agencies.yaml``.

An ``Agency`` says how one partner writes its export (column headers, date format, name
order, gender and event codes, record-id style) and how often its staff get things wrong
(the *error profile*: per-record probabilities). ``mapping_dict`` turns the dialect into
the ``aim.canonical.Mapping`` that ``aim ingest --mapping`` uses to read the file back.
The data file is checked when it is loaded, so a slip in it fails at once with the
agency's name rather than halfway through a run.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from aim.canonical import GENDERS, Mapping

# Error kinds, applied per agency record (the demographics the agency holds about a person);
# seeds/errors.py applies them.
ERROR_KINDS = (
    "typo",              # one letter substituted, dropped or doubled in a name
    "transposition",     # two adjacent letters swapped in a name
    "dob_day_month_swap",  # 04/07 for 07/04 (only when both are <= 12, as a real system would accept)
    "dob_year_off",      # year of birth one out
    "dob_missing",       # no date of birth at all
    "name_swap",         # first name and surname in each other's fields
    "middle_folded",     # middle name(s) typed into the first-name field
    "nickname",          # known-as name instead of the given name (only people who have one)
    "postcode_format",   # spacing and case errors in the postcode
    "address_abbrev",    # Rd/St/Ave..., flat number dropped, locality dropped
    "stale_address",     # record never updated after the person moved (movers only)
    "stale_surname",     # record never updated after a surname change on marriage (only those)
    "hyphen_variant",    # double-barrelled surname with the hyphen dropped or only one part kept
    "gender_unknown",    # gender recorded as not known
    "duplicate_record",  # the person registered twice: a second record id with its own errors
)

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_LONG = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
# strftime code -> the str.format field that renders it, by position in format_date's call:
# year, month, day, hour, minute, short month name, month name
_DATE_FIELDS = {"Y": "{0:04d}", "m": "{1:02d}", "d": "{2:02d}", "H": "{3:02d}", "M": "{4:02d}",
                "b": "{5}", "B": "{6}"}


class AgencyError(ValueError):
    """The agencies' data file cannot be used."""


@cache
def _date_template(style: str) -> str:
    """``%d/%m/%Y`` -> ``{2:02d}/{1:02d}/{0:04d}``."""
    if "{" in style or "}" in style:
        raise ValueError(f"date format {style!r} may not contain braces")

    def field(match: re.Match[str]) -> str:
        code = match.group(1)
        if code not in _DATE_FIELDS:
            raise ValueError(f"date format {style!r}: %{code} is not one of "
                             + " ".join(f"%{c}" for c in _DATE_FIELDS))
        return _DATE_FIELDS[code]

    return re.sub("%(.)", field, style)


def format_date(style: str, y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> str:
    """Render a (possibly impossible) date in a dialect, without the locale's month names."""
    return _date_template(style).format(y, m, d, hh, mm, MONTHS[m - 1], MONTHS_LONG[m - 1])


class Agency(BaseModel):
    """One partner's export dialect and error profile (see the head of data/agencies.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: str
    kind: str
    lead_name: str
    lead_phone: str
    lead_email: str
    columns: dict[str, str]  # canonical field -> export header, in export column order
    dob_format: str
    event_date_format: str
    name_style: Literal["split", "full_first_last", "full_last_first_comma", "full_last_first"]
    gender_out: dict[str, str]  # canonical M/F/X/U -> agency code
    event_out: dict[str, str]  # canonical event type -> agency code
    record_id: str  # format with {n}
    event_id: str  # format with {n} and {y}
    record_start: int = Field(ge=0)
    errors: dict[str, float]  # every kind of ERROR_KINDS, in that order
    delimiter: str = Field(",", min_length=1, max_length=1)
    upper_names: bool = False
    upper_address: bool = False
    ascii_only: bool = False

    @field_validator("dob_format", "event_date_format")
    @classmethod
    def _renderable(cls, value: str) -> str:
        _date_template(value)
        return value

    @field_validator("gender_out")
    @classmethod
    def _every_gender(cls, value: dict[str, str]) -> dict[str, str]:
        if sorted(value) != sorted(GENDERS):
            raise ValueError(f"needs a code for each of {', '.join(GENDERS)}; has {', '.join(value)}")
        return value

    @field_validator("record_id", "event_id")
    @classmethod
    def _format(cls, value: str) -> str:
        try:
            value.format(n=1, y=26)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"{value!r} is not a format with {{n}} (and {{y}}): {exc}") from exc
        return value

    @field_validator("errors")
    @classmethod
    def _profile(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(ERROR_KINDS))
        if unknown:
            raise ValueError(f"unknown error kind(s) {', '.join(unknown)}")
        bad = sorted(kind for kind, rate in value.items() if not 0.0 <= rate <= 1.0)
        if bad:
            raise ValueError(f"rates must be between 0 and 1: {', '.join(bad)}")
        return {kind: value.get(kind, 0.0) for kind in ERROR_KINDS}

    @model_validator(mode="after")
    def _readable_back(self) -> Agency:
        names = ("first_name", "last_name") if self.name_style == "split" else ("full_name",)
        missing = [name for name in names if name not in self.columns]
        if missing:
            raise ValueError(f"name_style {self.name_style} needs column(s) {', '.join(missing)}")
        try:
            Mapping.model_validate(self.mapping_dict())
        except ValidationError as exc:
            raise ValueError(f"its export could not be read back: {exc}") from exc
        return self

    @property
    def has_middle(self) -> bool:
        return "middle_names" in self.columns

    @property
    def headers(self) -> list[str]:
        return list(self.columns.values())

    @property
    def name_order(self) -> str:
        return "last_first" if self.name_style.startswith("full_last_first") else "first_last"

    def date_formats(self) -> list[str]:
        formats = [self.event_date_format]
        if self.dob_format not in formats:
            formats.append(self.dob_format)
        return formats

    def mapping_dict(self) -> dict[str, object]:
        """The ``aim.canonical.Mapping`` (as YAML-ready data) that reads this agency's export."""
        data: dict[str, object] = {
            "source": self.code,
            "organisation": {
                "name": self.name,
                "kind": self.kind,
                "lead_name": self.lead_name,
                "lead_phone": self.lead_phone,
                "lead_email": self.lead_email,
            },
        }
        if self.delimiter != ",":
            data["delimiter"] = self.delimiter
        data.update(
            {
                "date_formats": self.date_formats(),
                "columns": dict(self.columns),
                "name_order": self.name_order,
                "gender_codes": {code: canon for canon, code in self.gender_out.items()},
                "event_type_codes": {code: canon for canon, code in self.event_out.items()},
            }
        )
        return data


def parse_agencies(data: object) -> tuple[Agency, ...]:
    """The agencies in a loaded data file, checked; raises ``AgencyError`` naming the culprit."""
    if not isinstance(data, dict) or not isinstance(data.get("agencies"), list):
        raise AgencyError("the file needs a list of agencies under 'agencies'")
    agencies = []
    for number, raw in enumerate(data["agencies"], 1):
        label = raw.get("code", f"number {number}") if isinstance(raw, dict) else f"number {number}"
        try:
            agencies.append(Agency.model_validate(raw))
        except ValidationError as exc:
            raise AgencyError(f"agency {label}: {exc}") from exc
    codes = [agency.code for agency in agencies]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise AgencyError(f"agency code(s) listed twice: {', '.join(repeated)}")
    if not agencies:
        raise AgencyError("no agencies")
    return tuple(agencies)


def load_agencies(path: Path | str | None = None) -> tuple[Agency, ...]:
    """The agencies in ``path``, or in the ``data/agencies.yaml`` shipped with the package."""
    if path is None:
        text = resources.files("aim.seeds").joinpath("data/agencies.yaml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise AgencyError(f"not valid YAML: {exc}") from exc
    return parse_agencies(data)


AGENCIES: tuple[Agency, ...] = load_agencies()
BY_CODE = {agency.code: agency for agency in AGENCIES}
