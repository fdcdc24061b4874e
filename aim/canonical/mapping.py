"""How an agency's export maps onto the canonical minimum data set: the canonical columns,
an agency's ``Mapping`` (column names, date formats, name order, gender and event codes),
and the parsing of the dates and names it describes."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

REQUIRED_COLUMNS = (
    "source",
    "source_record_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "address",
    "postcode",
    "event_id",
    "event_date",
    "event_type",
)
OPTIONAL_COLUMNS = (
    "middle_names",
    "phone",
    "email",
    "nhs_number",
    "lead_name",
    "lead_phone",
    "lead_email",
)
CANONICAL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

UK_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y")
GENDERS = ("M", "F", "X", "U")
DEFAULT_GENDER_CODES = {
    "m": "M", "male": "M", "man": "M", "boy": "M",
    "f": "F", "female": "F", "woman": "F", "girl": "F",
    "x": "X", "other": "X", "non-binary": "X", "nonbinary": "X", "indeterminate": "X", "i": "X",
    "u": "U", "unknown": "U", "not known": "U", "n/k": "U", "nk": "U", "": "U",
}
class MappingError(ValueError):
    """A mapping file, or a file's header against its mapping, cannot be used."""


class Organisation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    kind: str
    lead_name: str | None = None
    lead_phone: str | None = None
    lead_email: str | None = None


class Mapping(BaseModel):
    """How one agency's export maps onto the canonical columns (``aim ingest --mapping``)."""

    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(None, description="Organisation code; the canonical `source`")
    organisation: Organisation | None = None
    delimiter: str | None = Field(None, min_length=1, max_length=1,
                                  description="One character; sniffed from the header when absent")
    date_formats: list[str] = Field(default_factory=lambda: list(UK_DATE_FORMATS))
    columns: dict[str, str] = Field(
        default_factory=dict, description="canonical field -> column header in the export"
    )
    name_order: Literal["first_last", "last_first"] = "first_last"
    gender_codes: dict[str, str] = Field(default_factory=dict)
    event_type_codes: dict[str, str] = Field(default_factory=dict)

    @field_validator("date_formats", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(CANONICAL_COLUMNS) - {"full_name"})
        if unknown:
            raise ValueError(f"unknown canonical field(s) {', '.join(unknown)}")
        return value

    @field_validator("gender_codes")
    @classmethod
    def _canonical_genders(cls, value: dict[str, str]) -> dict[str, str]:
        bad = sorted({v for v in value.values() if v not in GENDERS})
        if bad:
            raise ValueError(f"gender codes must map to one of {', '.join(GENDERS)}; got {bad}")
        return {str(k).strip().lower(): v for k, v in value.items()}

    @classmethod
    def from_yaml(cls, path: Path) -> Mapping:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
            return cls.model_validate(data)
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as exc:
            raise MappingError(f"mapping {path}: {exc}") from exc

    def header_for(self, canonical: str) -> str:
        return self.columns.get(canonical, canonical)


def parse_date(value: str, formats: list[str] | tuple[str, ...]) -> date:
    """The first of ``formats`` that parses ``value``; ValueError names what was expected."""
    day = _parse_date(value, tuple(formats))
    if isinstance(day, str):
        raise ValueError(day)
    return day


# strptime is slow, and an export repeats its dates many times, its unreadable ones too (a
# cache keeps no exception, so a failure is kept as its message).
@lru_cache(maxsize=1 << 16)
def _parse_date(value: str, formats: tuple[str, ...]) -> date | str:
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    expected = ", ".join(describe_date_format(fmt) for fmt in formats)
    return f"'{value}' is not a real date (expected {expected})"


def describe_date_format(fmt: str) -> str:
    """``%d/%m/%Y`` → ``DD/MM/YYYY``, as people write it."""
    for code, text in (("%d", "DD"), ("%m", "MM"), ("%Y", "YYYY"), ("%y", "YY"), ("%b", "Mon"), ("%B", "Month")):
        fmt = fmt.replace(code, text)
    return fmt


def split_full_name(full: str, order: str) -> tuple[str, str]:
    """One full-name field ("SMITH, John", or "John Smith" in ``order``) -> (first names, surname)."""
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip(), last.strip()
    parts = full.split()
    if not parts:
        return "", ""
    if order == "last_first":
        return " ".join(parts[1:]), parts[0]
    return " ".join(parts[:-1]), parts[-1]
