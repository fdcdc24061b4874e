"""Writing a generated data set: agency exports in their dialects, mappings, canonical.csv, truth.

``RecordWriter`` turns each unit's people and events into agency records (one per person
per agency, sometimes two: a duplicate registration) with their errors, writes every row
in the agency's dialect, the same row in canonical form, and the ground truth beside it.
Files are written row by row, so memory does not grow with the population.
"""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

import yaml

from aim.canonical import split_full_name

from .addresses import Address
from .agencies import AGENCIES, ERROR_KINDS, Agency, format_date
from .errors import (
    INVALID_ROW_RATE, Flags, address_with_errors, dob_with_errors, invalid_copy, names_with_errors,
    postcode_with_errors, roll_errors,
)
from .names import ascii_fold
from .population import Event, Person, Unit, Window, iso

CANONICAL_HEADER = (
    "record_id", "source", "source_record_id", "first_name", "last_name", "date_of_birth",
    "gender", "address", "postcode", "event_id", "event_date", "event_type", "middle_names",
)
TRUTH_HEADERS = {
    "link_truth": ("record_id", "entity_id"),
    "records": ("source", "source_record_id", "person_id"),
    "record_errors": ("source", "source_record_id", "person_id", "errors"),
    "people": ("person_id", "first_name", "middle_names", "last_name", "married_surname",
               "surname_changed_on", "known_as", "date_of_birth", "gender", "community", "tags"),
    "households": ("person_id", "household_id", "from", "to"),
    "household_addresses": ("household_id", "address_id", "address", "postcode", "address_kind",
                            "from", "to"),
    "scenarios": ("scenario_id", "kind", "subject_type", "subject_id", "first_event_date",
                  "window_start", "window_end", "should_alert"),
    "scenario_events": ("scenario_id", "person_id", "source", "source_record_id", "record_id",
                        "event_id", "event_date", "event_type"),
    "invalid_rows": ("source", "line", "reason"),
}
# Share of record ids skipped, so that ids are not one consecutive run.
RECORD_ID_GAP_RATE = 0.3


class OutputFiles:
    """Every CSV of the data set, open for writing row by row."""

    def __init__(self, out: Path):
        for folder in ("agencies", "mappings", "truth"):
            (out / folder).mkdir(parents=True, exist_ok=True)
        self.out = out
        self._handles = []
        self.agency = {a.code: self._open(f"agencies/{a.code}.csv", a.headers, a.delimiter) for a in AGENCIES}
        self.rows = {a.code: 0 for a in AGENCIES}
        self.canonical = self._open("canonical.csv", CANONICAL_HEADER)
        self.truth = {name: self._open(f"truth/{name}.csv", header) for name, header in TRUTH_HEADERS.items()}

    def _open(self, rel: str, header, delimiter: str = ","):
        handle = open(self.out / rel, "w", encoding="utf-8", newline="", buffering=1 << 20)
        self._handles.append(handle)
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        return writer

    def agency_row(self, code: str, values: list[str]) -> int:
        """Write one row of an agency's export; returns its line number (the header is line 1)."""
        self.agency[code].writerow(values)
        self.rows[code] += 1
        return self.rows[code] + 1

    def close(self) -> None:
        for handle in self._handles:
            handle.close()


def write_mappings(out: Path) -> None:
    """mappings/<CODE>.yaml: the mapping that reads each agency's export (aim ingest --mapping)."""
    for agency in AGENCIES:
        text = yaml.safe_dump(agency.mapping_dict(), sort_keys=False, allow_unicode=True)
        (out / "mappings" / f"{agency.code}.yaml").write_text(
            f"# Mapping for {agency.name} exports (aim ingest --mapping)\n" + text, encoding="utf-8")


def dialect_names(agency: Agency, first: str, middle: str, last: str) -> tuple[str, str, str, str]:
    """(first, middle, last, full name) as the agency's system writes them; full is "" if split."""
    if agency.ascii_only:
        first, middle, last = ascii_fold(first), ascii_fold(middle), ascii_fold(last)
    if agency.upper_names:
        first, middle, last = first.upper(), middle.upper(), last.upper()
    if not agency.has_middle:
        middle = ""
    if agency.name_style == "split":
        return first, middle, last, ""
    if agency.name_style == "full_last_first_comma":
        full = f"{last.upper()}, {first}"
    elif agency.name_style == "full_last_first":
        full = f"{last.upper()} {first}"
    else:
        full = f"{first} {last}"
    return first, middle, last, " ".join(full.split())


class RecordWriter:
    """Writes units: their people's agency records and rows, and the truth about them."""

    def __init__(self, rng: random.Random, window: Window, files: OutputFiles):
        self.rng = rng
        self.window = window
        self.today = window.today_date
        self.files = files
        self.record_counter = {a.code: a.record_start for a in AGENCIES}
        self.event_counter = {a.code: 0 for a in AGENCIES}
        self.records = 0
        self.invalid = 0
        self.record_counts = {a.code: 0 for a in AGENCIES}
        self.error_counts = {a.code: {k: 0 for k in ERROR_KINDS} for a in AGENCIES}

    def write_unit(self, unit: Unit) -> None:
        truth = self.files.truth
        for p in unit.people:
            self._write_person(p)
        for hid, addr, start, end in unit.addr_periods:
            truth["household_addresses"].writerow(
                (hid, addr.addr_id, addr.text(), addr.postcode, addr.kind, iso(start), iso(end)))
        for sc in unit.scenarios:
            truth["scenarios"].writerow([sc[k] for k in TRUTH_HEADERS["scenarios"]])

    def _write_person(self, p: Person) -> None:
        truth = self.files.truth
        truth["people"].writerow((
            p.pid, p.first, p.middle, p.last, p.married_surname, iso(p.married_on), p.nickname,
            iso(p.dob), p.gender, p.community, ";".join(p.tags)))
        for hid, start, end in p.households:
            truth["households"].writerow((p.pid, hid, iso(start), iso(end)))
        by_agency: dict[str, list[Event]] = {}
        for ev in sorted(p.events, key=lambda e: (e.day, e.agency, e.etype)):
            by_agency.setdefault(ev.agency, []).append(ev)
        for agency in AGENCIES:
            events = by_agency.get(agency.code)
            if not events:
                continue
            groups = [events]
            if len(events) > 1 and self.rng.random() < agency.errors["duplicate_record"]:
                cut = self.rng.randint(1, len(events) - 1)
                groups = [events[:cut], events[cut:]]
            for i, group in enumerate(groups):
                self._write_record(p, agency, group, duplicate=i > 0)

    def _write_record(self, p: Person, agency: Agency, events: list[Event], duplicate: bool) -> None:
        code, truth = agency.code, self.files.truth
        self.record_counter[code] += 1 + (self.rng.random() < RECORD_ID_GAP_RATE)
        rid = agency.record_id.format(n=self.record_counter[code])
        self.records += 1
        self.record_counts[code] += 1
        dated = [e for e in events if e.day]
        first_day = dated[0].day if dated else self.window.today
        flags = roll_errors(self.rng, agency, p, duplicate, self.today)
        for kind in flags:
            self.error_counts[code][kind] += 1
        truth["records"].writerow((code, rid, p.pid))
        truth["record_errors"].writerow((code, rid, p.pid, ";".join(k for k in ERROR_KINDS if k in flags)))
        dob = dob_with_errors(p, flags, self.today)
        dob_text = format_date(agency.dob_format, *dob) if dob else ""
        dob_iso = "{:04d}-{:02d}-{:02d}".format(*dob) if dob else ""
        gender = "U" if "gender_unknown" in flags else p.gender
        gender_code, columns = agency.gender_out[gender], agency.columns
        demographics: dict[tuple[str, str], tuple] = {}
        for ev in events:
            day = ev.day or self.window.today
            addr = p.address_on(first_day if "stale_address" in flags else day)
            surname = p.surname_on(first_day if "stale_surname" in flags else day)
            if (addr.addr_id, surname) not in demographics:
                demographics[addr.addr_id, surname] = self._demographics(p, agency, flags, surname, addr)
            first, middle, last, full, canon_first, canon_last, address, postcode = demographics[addr.addr_id, surname]
            values = {
                "source_record_id": rid, "first_name": first, "last_name": last,
                "middle_names": middle, "full_name": full, "date_of_birth": dob_text,
                "gender": gender_code, "address": address, "postcode": postcode,
                "event_id": "", "event_date": "", "event_type": "",
            }
            event_iso = self._event_values(agency, ev, values)
            line = self.files.agency_row(code, [values[c] for c in columns])
            record_id = f"{code}:{line}"
            self.files.canonical.writerow((
                record_id, code, rid, canon_first, canon_last, dob_iso, gender, address, postcode,
                values["event_id"], event_iso, ev.etype if ev.day else "", middle))
            truth["link_truth"].writerow((record_id, p.pid))
            if ev.scenario:
                truth["scenario_events"].writerow((ev.scenario, p.pid, code, rid, record_id,
                                                   values["event_id"], event_iso, ev.etype))
            if self.rng.random() < INVALID_ROW_RATE:
                self._write_invalid(agency, values)

    def _event_values(self, agency: Agency, ev: Event, values: dict[str, str]) -> str:
        """Fill the event's columns of ``values`` in the agency's dialect; returns its ISO date."""
        if not ev.day:
            return ""
        self.event_counter[agency.code] += 1
        d = date.fromordinal(ev.day)
        values["event_id"] = agency.event_id.format(n=self.event_counter[agency.code], y=d.year % 100)
        values["event_date"] = format_date(agency.event_date_format, d.year, d.month, d.day,
                                           self.rng.randint(0, 23), self.rng.randint(0, 59))
        values["event_type"] = agency.event_out[ev.etype]
        return d.isoformat()

    @staticmethod
    def _demographics(p: Person, agency: Agency, flags: Flags, surname: str, addr: Address) -> tuple:
        """Names (in the dialect and canonical), address and postcode as this record holds them."""
        first, middle, last, full = dialect_names(agency, *names_with_errors(p, flags, surname))
        if agency.name_style == "split":
            canon_first, canon_last = first, last
        else:  # read back the way ingest reads the one name column
            canon_first, canon_last = split_full_name(full, agency.name_order)
        address = address_with_errors(addr, flags)
        if agency.upper_address:
            address = address.upper()
        return (first, middle, last, full, canon_first, canon_last, address,
                postcode_with_errors(addr.postcode, flags))

    def _write_invalid(self, agency: Agency, values: dict[str, str]) -> None:
        reason, bad = invalid_copy(self.rng, agency, values, self.today)
        line = self.files.agency_row(agency.code, [bad[c] for c in agency.columns])
        self.files.truth["invalid_rows"].writerow((agency.code, line, reason))
        self.invalid += 1
