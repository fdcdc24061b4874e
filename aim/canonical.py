"""The canonical minimum data set: agency mappings, CSV reading and row validation.

Every partner sends the same minimum data set, each in its own dialect. A ``Mapping``
translates one agency's export (column names, date format, name order, gender codes)
into canonical rows; ``validate_row`` decides, per row, whether it can be used. A row
that cannot be used becomes a ``Reject`` with a plain-English reason; a soft problem (a
postcode that does not parse, a gender code nobody listed) never loses the row: the raw
value is kept and a warning is reported, because a safeguarding contact must not vanish
over a typo. The CSV reader and the HTTP API share this one validation.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from aim.resolution.standardise import normalise_address, normalise_postcode

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
MAX_FIELD_CHARS = 1000
OLDEST_BIRTH = date(1900, 1, 1)

# Columns a file must provide, directly or through a mapping. The identity of a row is
# (source, source_record_id); `source` may come from --source instead of a column, and a
# name may come from one full-name column instead of two.
_NEEDED = ("source_record_id", "date_of_birth", "gender", "address", "postcode")


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


@dataclass(slots=True)
class CanonicalRow:
    """One usable row: one agency's record of a person, with at most one event."""

    source: str
    source_record_id: str
    first_name: str
    last_name: str
    middle_names: str
    date_of_birth: date | None
    gender: str
    gender_raw: str
    address: str
    address_norm: str
    postcode: str
    postcode_norm: str
    postcode_valid: bool
    event_id: str | None
    event_date: date | None
    event_type: str | None
    phone: str = ""
    email: str = ""
    nhs_number: str = ""
    lead_name: str = ""
    lead_phone: str = ""
    lead_email: str = ""
    line: int = 0

    def as_params(self) -> dict[str, object]:
        """Parameters for the ingest Cypher (dates as ``datetime.date``, which Bolt carries)."""
        return asdict(self)


@dataclass(slots=True)
class Reject:
    line: int
    reason: str
    raw: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class RowWarning:
    line: int
    field: str
    message: str


@dataclass(slots=True)
class Validated:
    row: CanonicalRow | None
    reject: Reject | None
    warnings: list[RowWarning]


def parse_date(value: str, formats: list[str] | tuple[str, ...]) -> date:
    """The first of ``formats`` that parses ``value``; ValueError names what was expected."""
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    expected = ", ".join(describe_date_format(fmt) for fmt in formats)
    raise ValueError(f"'{value}' is not a real date (expected {expected})")


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


def event_key(source: str, source_record_id: str, event_date: date, event_type: str) -> str:
    """A stable id for an event that arrived without one, so that a re-load is idempotent."""
    text = f"{source}|{source_record_id}|{event_date.isoformat()}|{event_type}"
    return "h:" + hashlib.sha1(text.encode()).hexdigest()[:20]


def validate_row(
    values: dict[str, str],
    line: int,
    mapping: Mapping,
    source: str | None = None,
    today: date | None = None,
) -> Validated:
    """Validate one row given by export column name. Never raises for bad data."""
    today = today or date.today()
    warnings: list[RowWarning] = []

    def reject(reason: str) -> Validated:
        return Validated(None, Reject(line, reason, values), [])

    def get(canonical: str) -> str:
        return (values.get(mapping.header_for(canonical)) or "").strip()

    for header, value in values.items():
        # \udc80-\udcff: undecodable bytes kept by surrogateescape; any other lone surrogate
        # (JSON can carry "\ud800") cannot be encoded as UTF-8 for Neo4j either.
        if value and any("\ud800" <= ch <= "\udfff" for ch in value):
            return reject(f"column '{header}' is not valid UTF-8 text")
        if value and len(value) > MAX_FIELD_CHARS:
            return reject(f"column '{header}' has {len(value)} characters; at most {MAX_FIELD_CHARS}")
        if value and any(ord(ch) < 32 and ch not in "\t\r\n" for ch in value):
            return reject(f"column '{header}' contains control characters")

    row_source = get("source")
    wanted = source or mapping.source
    if wanted and row_source and row_source != wanted:
        return reject(f"source '{row_source}' does not match the source being loaded ('{wanted}')")
    final_source = wanted or row_source
    if not final_source:
        return reject("no source organisation: give --source or a 'source' column")

    record_id = get("source_record_id")
    if not record_id:
        return reject(f"no {mapping.header_for('source_record_id')} (the agency's record id)")

    first, last = get("first_name"), get("last_name")
    if "full_name" in mapping.columns and not (first or last):
        first, last = split_full_name(values.get(mapping.columns["full_name"]) or "", mapping.name_order)
    if not first and not last:
        return reject("no name at all: first name and surname are both empty")

    dob: date | None = None
    dob_text = get("date_of_birth")
    if dob_text:
        try:
            dob = parse_date(dob_text, mapping.date_formats)
        except ValueError as exc:
            return reject(f"date of birth {exc}")
        if dob > today:
            return reject(f"date of birth {dob.isoformat()} is in the future")
        if dob < OLDEST_BIRTH:
            return reject(f"date of birth {dob.isoformat()} is before {OLDEST_BIRTH.year}")

    gender_raw = get("gender")
    code = gender_raw.lower()
    gender = mapping.gender_codes.get(code) or DEFAULT_GENDER_CODES.get(code)
    if gender is None:
        gender = "U"
        warnings.append(RowWarning(line, "gender", f"unknown gender code '{gender_raw}' kept as raw"))

    event_date: date | None = None
    event_text, event_type, event_id = get("event_date"), get("event_type"), get("event_id")
    event_type = mapping.event_type_codes.get(event_type, event_type)
    if event_text:
        try:
            event_date = parse_date(event_text, mapping.date_formats)
        except ValueError as exc:
            return reject(f"event date {exc}")
        if event_date > today:
            return reject(f"event date {event_date.isoformat()} is in the future")
        if not event_type:
            return reject("event has a date but no event type")
        event_id = event_id or event_key(final_source, record_id, event_date, event_type)
    elif event_id or event_type:
        return reject("event without a date")
    if event_date and dob and event_date < dob:
        warnings.append(RowWarning(line, "event_date", "event is dated before the date of birth"))

    postcode_raw = get("postcode")
    postcode = normalise_postcode(postcode_raw)
    if postcode_raw and not postcode.valid:
        warnings.append(RowWarning(line, "postcode", f"'{postcode_raw}' is not a UK postcode; kept as given"))
    address = get("address")

    row = CanonicalRow(
        source=final_source,
        source_record_id=record_id,
        first_name=first,
        last_name=last,
        middle_names=get("middle_names"),
        date_of_birth=dob,
        gender=gender,
        gender_raw=gender_raw,
        address=address,
        address_norm=normalise_address(address),
        postcode=postcode_raw,
        postcode_norm=postcode.text,
        postcode_valid=postcode.valid,
        event_id=event_id or None,
        event_date=event_date,
        event_type=event_type or None,
        phone=get("phone"),
        email=get("email"),
        nhs_number=get("nhs_number"),
        lead_name=get("lead_name"),
        lead_phone=get("lead_phone"),
        lead_email=get("lead_email"),
        line=line,
    )
    return Validated(row, None, warnings)


def check_header(header: list[str], mapping: Mapping, source: str | None) -> None:
    """Fail before anything is written when a file cannot be read as the minimum data set."""
    present = set(header)
    if len(present) != len(header):  # Counter, not header.count: a huge header must not take O(n²)
        dupes = sorted(h for h, n in Counter(header).items() if n > 1)
        raise MappingError(f"the header repeats column(s) {', '.join(dupes)}")
    missing = [mapping.header_for(c) for c in _NEEDED if mapping.header_for(c) not in present]
    has_names = {mapping.header_for("first_name"), mapping.header_for("last_name")} <= present
    if not has_names and mapping.columns.get("full_name") not in present:
        missing.append(f"{mapping.header_for('first_name')}/{mapping.header_for('last_name')}")
    if not (source or mapping.source) and mapping.header_for("source") not in present:
        missing.append(mapping.header_for("source"))
    if missing:
        raise MappingError(f"the header lacks required column(s): {', '.join(missing)}")


def _sniff_delimiter(first_line: str, mapping: Mapping) -> str:
    if mapping.delimiter:
        return mapping.delimiter
    return "\t" if first_line.count("\t") > first_line.count(",") else ","


def read_csv(
    path: Path, mapping: Mapping, source: str | None = None, today: date | None = None
) -> Iterator[Validated]:
    """Validate every row of an export, in order. Header problems raise ``MappingError``.

    The text is read as UTF-8 (BOM or not) with undecodable bytes kept as surrogates, so
    that a row with bad encoding is rejected alone instead of failing the whole file.
    """
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        yield from read_text_stream(handle, mapping, source, today)


def read_text_stream(
    handle: io.TextIOBase, mapping: Mapping, source: str | None = None, today: date | None = None
) -> Iterator[Validated]:
    first_line = handle.readline()
    if not first_line.strip():
        raise MappingError("the file is empty: no header row")
    delimiter = _sniff_delimiter(first_line, mapping)
    header = [h.strip() for h in next(csv.reader([first_line], delimiter=delimiter))]
    check_header(header, mapping, source)
    reader = csv.reader(handle, delimiter=delimiter)
    line = 2
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Validated(None, Reject(line, f"unreadable CSV: {exc}"), [])
            line = reader.line_num + 2
            continue
        start, line = line, reader.line_num + 2
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            yield Validated(
                None,
                Reject(start, f"ragged row: {len(fields)} fields where the header has {len(header)}"),
                [],
            )
            continue
        yield validate_row(dict(zip(header, fields, strict=True)), start, mapping, source, today)
