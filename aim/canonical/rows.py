"""One row of an export, validated: a usable ``CanonicalRow`` with its warnings, or a
``Reject`` with a plain-English reason. A soft problem never loses the row (see the
package docstring)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache

from aim.resolution.standardise import Postcode, normalise_address, normalise_postcode

from .mapping import CANONICAL_COLUMNS, DEFAULT_GENDER_CODES, Mapping, parse_date, split_full_name

MAX_FIELD_CHARS = 1000
OLDEST_BIRTH = date(1900, 1, 1)
# \udc80-\udcff: undecodable bytes kept by surrogateescape; any other lone surrogate
# (JSON can carry "\ud800") cannot be encoded as UTF-8 for Neo4j either.
SURROGATES = re.compile("[\ud800-\udfff]")
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # below space, bar \t \n \r
# An export repeats its addresses and postcodes (every event of a person, every member of a
# household): their standardisation is done once per distinct value (the results are immutable).
standard_address = lru_cache(maxsize=1 << 12)(normalise_address)
standard_postcode = lru_cache(maxsize=1 << 12)(normalise_postcode)


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


def event_key(source: str, source_record_id: str, event_date: date, event_type: str) -> str:
    """A stable id for an event that arrived without one, so that a re-load is idempotent."""
    text = f"{source}|{source_record_id}|{event_date.isoformat()}|{event_type}"
    return "h:" + hashlib.sha1(text.encode()).hexdigest()[:20]


def event_id_of(event_id: str | None, source: str, source_record_id: str, event_date: date | None,
                event_type: str) -> str | None:
    """The id of a row's event: as given, or a stable one (:func:`event_key`) for a dated
    event that came without; None when the row has no event."""
    if event_id or event_date is None:
        return event_id or None
    return event_key(source, source_record_id, event_date, event_type)


class Unusable(ValueError):
    """Why a row cannot be used: the reason its ``Reject`` gives."""


# The checks of one field (or of the fields that decide together), shared by the row check
# below and the column check of a block of rows (:mod:`.columns`): one meaning for both.


def suspect_text(values) -> bool:
    """Whether some of ``values`` may not be usable text: one search over them all ("\n" is
    allowed text); the row check names the column only when one is bad."""
    given = [value for value in values if value]
    joined = "\n".join(given)
    return bool(SURROGATES.search(joined) or CONTROL_CHARACTERS.search(joined)
                or max(map(len, given), default=0) > MAX_FIELD_CHARS)


def source_of(row_source: str, wanted: str | None) -> str:
    """The row's organisation: the one being loaded (``wanted``), or the row's own."""
    if wanted and row_source and row_source != wanted:
        raise Unusable(f"source '{row_source}' does not match the source being loaded ('{wanted}')")
    if not (wanted or row_source):
        raise Unusable("no source organisation: give --source or a 'source' column")
    return wanted or row_source


def record_id_of(record_id: str, mapping: Mapping) -> str:
    if not record_id:
        raise Unusable(f"no {mapping.header_for('source_record_id')} (the agency's record id)")
    return record_id


def names(first: str, last: str, full_name, mapping: Mapping) -> tuple[str, str]:
    """(first names, surname); ``full_name()`` gives the full-name column's value, read only
    when the mapping has one and both names are empty."""
    if "full_name" in mapping.columns and not (first or last):
        first, last = split_full_name(full_name() or "", mapping.name_order)
    if not first and not last:
        raise Unusable("no name at all: first name and surname are both empty")
    return first, last


def parsed_date(what: str, text: str, mapping: Mapping, today: date) -> date:
    try:
        day = parse_date(text, mapping.date_formats)
    except ValueError as exc:
        raise Unusable(f"{what} {exc}") from exc
    if day > today:
        raise Unusable(f"{what} {day.isoformat()} is in the future")
    return day


def date_of_birth(text: str, mapping: Mapping, today: date) -> date | None:
    if not text:
        return None
    dob = parsed_date("date of birth", text, mapping, today)
    if dob < OLDEST_BIRTH:
        raise Unusable(f"date of birth {dob.isoformat()} is before {OLDEST_BIRTH.year}")
    return dob


def gender_code(raw: str, mapping: Mapping) -> str | None:
    """The canonical code of ``raw``; None for a code nobody listed."""
    return mapping.gender_codes.get(raw.lower()) or DEFAULT_GENDER_CODES.get(raw.lower())


def event(event_id: str, text: str, event_type: str, mapping: Mapping, today: date) -> tuple[str, date | None, str]:
    """(event id as given, date, type) of a row's event; no date means no event."""
    event_type = mapping.event_type_codes.get(event_type, event_type)
    if not text:
        if event_id or event_type:
            raise Unusable("event without a date")
        return event_id, None, event_type
    event_date = parsed_date("event date", text, mapping, today)
    if not event_type:
        raise Unusable("event has a date but no event type")
    return event_id, event_date, event_type


def dated_before_birth(event_date: date | None, dob: date | None) -> bool:
    """A soft problem: the row is kept, with a warning."""
    return bool(dob and event_date and event_date < dob)


def unparsed_postcode(raw: str, postcode: Postcode) -> bool:
    """A postcode given that is not a UK one: a soft problem, the row is kept with a warning."""
    return bool(raw) and not postcode.valid


class _RowCheck:
    """The checks of one row, one step each, in the order their reasons are reported. A
    step raises ``Unusable`` for a row that cannot be used, and adds a warning for a soft
    problem."""

    def __init__(self, values: dict[str, str], line: int, mapping: Mapping, today: date):
        self.values, self.line, self.mapping, self.today = values, line, mapping, today
        self.warnings: list[RowWarning] = []
        columns = mapping.columns  # every canonical field read once, by its column in the export
        self.fields = {name: (values.get(columns.get(name, name)) or "").strip() for name in CANONICAL_COLUMNS}

    def get(self, canonical: str) -> str:
        return self.fields[canonical]

    def warn(self, field_name: str, message: str) -> None:
        self.warnings.append(RowWarning(self.line, field_name, message))

    def text(self) -> None:
        if not suspect_text(self.values.values()):
            return
        for header, value in self.values.items():
            if value and SURROGATES.search(value):
                raise Unusable(f"column '{header}' is not valid UTF-8 text")
            if value and len(value) > MAX_FIELD_CHARS:
                raise Unusable(f"column '{header}' has {len(value)} characters; at most {MAX_FIELD_CHARS}")
            if value and CONTROL_CHARACTERS.search(value):
                raise Unusable(f"column '{header}' contains control characters")

    def gender(self) -> tuple[str, str]:
        """(canonical code, code as given): an unknown code is kept raw, as U, with a warning."""
        raw = self.get("gender")
        gender = gender_code(raw, self.mapping)
        if gender is None:
            self.warn("gender", f"unknown gender code '{raw}' kept as raw")
        return gender or "U", raw

    def event(self, source: str, record_id: str, dob: date | None) -> tuple[str | None, date | None, str]:
        """(event id, date, type) of the row's event, if it has one; an event that arrived
        without an id gets a stable one."""
        event_id, event_date, event_type = event(
            self.get("event_id"), self.get("event_date"), self.get("event_type"), self.mapping, self.today)
        if dated_before_birth(event_date, dob):
            self.warn("event_date", "event is dated before the date of birth")
        return event_id_of(event_id, source, record_id, event_date, event_type), event_date, event_type

    def row(self, given_source: str | None) -> CanonicalRow:
        self.text()
        source = source_of(self.get("source"), given_source or self.mapping.source)
        record_id = record_id_of(self.get("source_record_id"), self.mapping)
        first, last = names(self.get("first_name"), self.get("last_name"),
                            lambda: self.values.get(self.mapping.columns["full_name"]), self.mapping)
        dob = date_of_birth(self.get("date_of_birth"), self.mapping, self.today)
        gender, gender_raw = self.gender()
        event_id, event_date, event_type = self.event(source, record_id, dob)
        postcode_raw, address = self.get("postcode"), self.get("address")
        postcode = standard_postcode(postcode_raw)
        if unparsed_postcode(postcode_raw, postcode):
            self.warn("postcode", f"'{postcode_raw}' is not a UK postcode; kept as given")
        return CanonicalRow(
            source=source, source_record_id=record_id, first_name=first, last_name=last,
            middle_names=self.get("middle_names"), date_of_birth=dob, gender=gender, gender_raw=gender_raw,
            address=address, address_norm=standard_address(address),
            postcode=postcode_raw, postcode_norm=postcode.text, postcode_valid=postcode.valid,
            event_id=event_id or None, event_date=event_date, event_type=event_type or None,
            phone=self.get("phone"), email=self.get("email"), nhs_number=self.get("nhs_number"),
            lead_name=self.get("lead_name"), lead_phone=self.get("lead_phone"), lead_email=self.get("lead_email"),
            line=self.line,
        )


def validate_row(
    values: dict[str, str],
    line: int,
    mapping: Mapping,
    source: str | None = None,
    today: date | None = None,
) -> Validated:
    """Validate one row given by export column name. Never raises for bad data."""
    check = _RowCheck(values, line, mapping, today or date.today())
    try:
        row = check.row(source)
    except Unusable as exc:
        return Validated(None, Reject(line, str(exc), values), [])
    return Validated(row, None, check.warnings)
