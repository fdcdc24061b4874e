"""Generate a synthetic multi-agency population with ground truth (``aim seed generate``).

The population is made one *unit* at a time (a household, or a shared establishment such as
a care home, a hostel or a block of flats), and every agency row of that unit is written
before the next unit is made, so memory stays bounded however many people are asked for.
One ``random.Random(seed)`` drives everything in a fixed order: the same seed gives the
same bytes in every file.

Layout of the output directory (see docs/seeds.md):
  agencies/<CODE>.csv   mappings/<CODE>.yaml   canonical.csv   manifest.json
  truth/records.csv  truth/record_errors.csv  truth/link_truth.csv  truth/people.csv
  truth/households.csv  truth/household_addresses.csv  truth/scenarios.csv
  truth/scenario_events.csv  truth/invalid_rows.csv
"""

from __future__ import annotations

import csv
import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml

from aim.canonical import _split_full_name

from .agencies import AGENCIES, ERROR_KINDS, Agency, format_date
from .names import NamePool, ascii_fold, feminine_surname, reference_data

GENERATOR_VERSION = "1"
CANONICAL_HEADER = (
    "record_id", "source", "source_record_id", "first_name", "last_name", "date_of_birth",
    "gender", "address", "postcode", "event_id", "event_date", "event_type", "middle_names",
)
INVALID_ROW_RATE = 0.002
INVALID_REASONS = (
    "dob_in_future", "impossible_dob", "missing_record_id", "no_name",
    "event_without_date", "impossible_event_date",
)
# Scenarios per 10,000 people (at least one of each kind is always made).
SCENARIO_RATES = {
    "escalating_child_concern": 6.0,
    "domestic_abuse": 6.0,
    "adult_at_risk": 6.0,
    "decoy_busy_family": 8.0,
    "decoy_frequent_attender": 4.0,
}
SHOULD_ALERT = {
    "escalating_child_concern": True,
    "domestic_abuse": True,
    "adult_at_risk": True,
    "decoy_busy_family": False,
    "decoy_frequent_attender": False,
}
SCENARIO_SUBJECT = {
    "escalating_child_concern": "person",
    "domestic_abuse": "household",
    "adult_at_risk": "person",
    "decoy_busy_family": "household",
    "decoy_frequent_attender": "person",
}
# Days after the last scenario event within which an alert still counts as on time.
RECOGNITION_DAYS = 28
# One shared establishment of each kind per this many people (and one early in every run).
PEOPLE_PER_ESTABLISHMENT = 12_000
# Overall scale of background contact rates (tuned for ~3.3 agency rows per person).
INTENSITY = 1.14


# ----------------------------------------------------------------------------- model


@dataclass(slots=True)
class Address:
    addr_id: str
    line: str  # "12 Oak Road" / "Flat 7, Hockley Court, 40 Hockley Hill"
    flat: str  # "Flat 7" (blocks) or ""
    locality: str
    postcode: str
    kind: str  # house | flat_in_block | care_home | hostel

    def text(self) -> str:
        return f"{self.line}, {self.locality}, Birmingham"


@dataclass(slots=True)
class Event:
    day: int  # ordinal
    agency: str
    etype: str
    scenario: str = ""


@dataclass(slots=True)
class Person:
    pid: str
    first: str
    middle: str
    last: str
    gender: str
    dob: int  # ordinal
    community: str
    nickname: str = ""
    married_surname: str = ""
    married_on: int = 0
    addrs: list[tuple[int, Address]] = field(default_factory=list)
    households: list[list] = field(default_factory=list)  # [hid, from, to]
    events: list[Event] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    setting: str = "home"  # home | care_home | hostel

    def surname_on(self, day: int) -> str:
        if self.married_on and day >= self.married_on:
            return self.married_surname
        return self.last

    def address_on(self, day: int) -> Address:
        current = self.addrs[0][1]
        for start, addr in self.addrs:
            if start <= day:
                current = addr
        return current

    def age_on(self, day: int) -> float:
        return (day - self.dob) / 365.25


@dataclass(slots=True)
class Unit:
    kind: str
    people: list[Person]
    households: list[tuple[str, list[Person]]]  # hid -> members (membership detail on people)
    addr_periods: list[tuple[str, Address, int, int]]  # hid, address, from, to (0 = open)
    scenarios: list[dict] = field(default_factory=list)


# ----------------------------------------------------------------------------- writer


class _Out:
    """All output files, written row by row."""

    def __init__(self, out: Path, today: date):
        self.out = out
        self.today = today
        (out / "agencies").mkdir(parents=True, exist_ok=True)
        (out / "mappings").mkdir(parents=True, exist_ok=True)
        (out / "truth").mkdir(parents=True, exist_ok=True)
        self._handles = []
        self.agency: dict[str, csv.writer] = {}
        self.lines: dict[str, int] = {}
        self.rows: dict[str, int] = {}
        for agency in AGENCIES:
            w = self._open(f"agencies/{agency.code}.csv", delimiter=agency.delimiter)
            w.writerow(agency.headers)
            self.agency[agency.code] = w
            self.lines[agency.code] = 1
            self.rows[agency.code] = 0
        self.canonical = self._open("canonical.csv", CANONICAL_HEADER)
        self.link = self._open("truth/link_truth.csv", ("record_id", "entity_id"))
        self.records = self._open("truth/records.csv", ("source", "source_record_id", "person_id"))
        self.record_errors = self._open(
            "truth/record_errors.csv", ("source", "source_record_id", "person_id", "errors")
        )
        self.people = self._open(
            "truth/people.csv",
            ("person_id", "first_name", "middle_names", "last_name", "married_surname",
             "surname_changed_on", "known_as", "date_of_birth", "gender", "community", "tags"),
        )
        self.households = self._open("truth/households.csv", ("person_id", "household_id", "from", "to"))
        self.household_addresses = self._open(
            "truth/household_addresses.csv",
            ("household_id", "address_id", "address", "postcode", "address_kind", "from", "to"),
        )
        self.scenarios = self._open(
            "truth/scenarios.csv",
            ("scenario_id", "kind", "subject_type", "subject_id", "first_event_date",
             "window_start", "window_end", "should_alert"),
        )
        self.scenario_events = self._open(
            "truth/scenario_events.csv",
            ("scenario_id", "person_id", "source", "source_record_id", "record_id", "event_id",
             "event_date", "event_type"),
        )
        self.invalid = self._open("truth/invalid_rows.csv", ("source", "line", "reason"))

    def _open(self, rel: str, header=None, delimiter: str = ","):
        handle = open(self.out / rel, "w", encoding="utf-8", newline="", buffering=1 << 20)
        self._handles.append(handle)
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        if header:
            writer.writerow(header)
        return writer

    def agency_row(self, code: str, values: list[str]) -> int:
        self.agency[code].writerow(values)
        self.lines[code] += 1
        self.rows[code] += 1
        return self.lines[code]

    def close(self) -> None:
        for handle in self._handles:
            handle.close()


# ----------------------------------------------------------------------------- generator


def _iso(day: int) -> str:
    return date.fromordinal(day).isoformat() if day else ""


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(rng.gauss(lam, math.sqrt(lam)) + 0.5))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


class Generator:
    def __init__(self, people: int, seed: int, today: date, days: int, out: Path):
        self.target = people
        self.seed = seed
        self.today_date = today
        self.today = today.toordinal()
        self.days = days
        self.start = self.today - days
        self.out_dir = Path(out)
        self.rng = random.Random(seed)
        self.names = NamePool(self.rng)
        ref = reference_data()
        self.localities = [tuple(x) for x in ref["localities"]]
        self.abbrev = ref["abbreviations"]
        self.shared_names = ref["shared_addresses"]
        suffixes = ref["street_suffixes"]
        self.suffix_names = list(suffixes)
        self.suffix_weights = [suffixes[s] for s in self.suffix_names]
        self.stems = list(ref["street_stems"])
        self.n_people = 0
        self.n_households = 0
        self.n_addresses = 0
        self.n_scenarios = 0
        self.scenario_counts: dict[str, int] = {k: 0 for k in SCENARIO_RATES}
        self.record_counter = {a.code: a.record_start for a in AGENCIES}
        self.event_counter = {a.code: 0 for a in AGENCIES}
        self.n_records = 0
        self.n_invalid = 0
        self.error_counts = {a.code: {k: 0 for k in ERROR_KINDS} for a in AGENCIES}
        self.record_counts = {a.code: 0 for a in AGENCIES}
        self.demo: dict[str, dict] = {}
        self.pending_scenarios: list[dict] = []
        self._streets: list[list] = []  # [name, locality, district, next_number, [postcodes]]
        self._used_postcodes: set[str] = set()
        n_streets = max(60, self.target // 60)
        for _ in range(n_streets):
            self._streets.append(self._new_street())
        self._next_establishment = {"care_home": 40, "hostel": 80, "block": 120}

    # -- addresses

    def _new_postcode(self, district: str) -> str:
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        while True:
            pc = f"{district} {self.rng.randint(1, 9)}{self.rng.choice(letters)}{self.rng.choice(letters)}"
            if pc not in self._used_postcodes:
                self._used_postcodes.add(pc)
                return pc

    def _new_street(self) -> list:
        stem = self.rng.choice(self.stems) if self.rng.random() < 0.6 else self.names.surname("british")
        suffix = self.rng.choices(self.suffix_names, self.suffix_weights)[0]
        locality, district = self.rng.choice(self.localities)
        return [f"{stem} {suffix}", locality, district, self.rng.randint(1, 40), []]

    def _street_number(self, street: list) -> tuple[int, str]:
        number = street[3]
        street[3] += self.rng.choice((1, 1, 2, 2, 3))
        idx = (number - 1) // 30
        while len(street[4]) <= idx:
            street[4].append(self._new_postcode(street[2]))
        return number, street[4][idx]

    def _address_id(self) -> str:
        self.n_addresses += 1
        return f"A{self.n_addresses:07d}"

    def new_house(self) -> Address:
        street = self.rng.choice(self._streets)
        number, postcode = self._street_number(street)
        return Address(self._address_id(), f"{number} {street[0]}", "", street[1], postcode, "house")

    def new_building(self, kind: str) -> tuple[str, list, int, str]:
        street = self._new_street()
        self._streets.append(street)
        number, postcode = self._street_number(street)
        name = self.rng.choice(self.shared_names[kind])
        return name, street, number, postcode

    # -- people

    def _pid(self) -> str:
        self.n_people += 1
        return f"P{self.n_people:07d}"

    def _hid(self) -> str:
        self.n_households += 1
        return f"H{self.n_households:06d}"

    def _dob(self, age_min: float, age_max: float) -> int:
        age = self.rng.uniform(age_min, age_max)
        return self.today - int(age * 365.25)

    def person(self, community: str, gender: str, surname: str, age: tuple[float, float] | int,
               first: str | None = None) -> Person:
        rng = self.rng
        if gender not in ("M", "F"):
            given_gender = rng.choice("MF")
        else:
            given_gender = gender
        first = first or self.names.given(community, given_gender)
        middle = ""
        r = rng.random()
        if community in ("british", "irish", "african") and r < 0.65:
            middle = self.names.given(community, given_gender)
            if rng.random() < 0.12:
                middle += " " + self.names.given(community, given_gender)
        elif community == "south_asian" and r < 0.35:
            middle = self.names.given(community, given_gender)
        elif community in ("indian", "polish", "romanian") and r < 0.15:
            middle = self.names.given(community, given_gender)
        if middle == first:
            middle = ""
        if surname in ("Singh", "Kaur"):
            surname = "Kaur" if gender == "F" else "Singh"
        elif gender == "F":
            surname = feminine_surname(community, surname)
        dob = age if isinstance(age, int) else self._dob(*age)
        p = Person(self._pid(), first, middle, surname, gender, dob, community)
        if rng.random() < 0.45:
            p.nickname = self.names.nickname_of(first) or ""
        return p

    def adult_gender(self) -> str:
        r = self.rng.random()
        return "F" if r < 0.505 else "M" if r < 0.998 else "X"

    def family_surname(self, community: str) -> str:
        surname = self.names.surname(community)
        if community == "british" and self.rng.random() < 0.03:
            other = self.names.surname(community)
            if other != surname:
                surname = f"{surname}-{other}"
        return surname

    # -- units

    def make_unit(self) -> Unit:
        remaining = self.target - self.n_people
        if remaining < 6:
            return self.unit_single((18, 90))
        for kind, at in self._next_establishment.items():
            if self.n_people >= at and remaining > 80:
                self._next_establishment[kind] = at + PEOPLE_PER_ESTABLISHMENT
                if kind == "care_home":
                    return self.unit_care_home()
                if kind == "hostel":
                    return self.unit_hostel()
                return self.unit_block()
        r = self.rng.random()
        if r < 0.17:
            return self.unit_single((18, 64))
        if r < 0.29:
            return self.unit_single((65, 98))
        if r < 0.43:
            return self.unit_couple((22, 64), married_in_window=self.rng.random() < 0.25)
        if r < 0.51:
            return self.unit_couple((65, 92))
        if r < 0.78:
            return self.unit_family(two_parents=True)
        if r < 0.91:
            return self.unit_family(two_parents=False)
        return self.unit_family(two_parents=True, grandparent=True)

    def _home_unit(self, kind: str, members: list[Person], addr: Address | None = None,
                   move: bool | None = None) -> Unit:
        """One household living at a house; it may move once during the window."""
        hid = self._hid()
        addr = addr or self.new_house()
        periods = []
        for p in members:
            p.households.append([hid, max(self.start, p.dob), 0])
        if move is None:
            move = self.rng.random() < 0.10
        if move:
            day = self.rng.randint(self.start + 30, self.today - 30)
            new = self.new_house()
            periods += [(hid, addr, self.start, day), (hid, new, day, 0)]
            for p in members:
                p.addrs = [(min(p.dob, self.start), addr), (day, new)]
                p.tags.append("moved")
        else:
            periods.append((hid, addr, self.start, 0))
            for p in members:
                p.addrs = [(min(p.dob, self.start), addr)]
        return Unit(kind, members, [(hid, members)], periods)

    def unit_single(self, age) -> Unit:
        c = self.names.community()
        p = self.person(c, self.adult_gender(), self.family_surname(c), age)
        return self._home_unit("single", [p])

    def unit_couple(self, age, married_in_window: bool = False) -> Unit:
        c = self.names.community()
        surname = self.family_surname(c)
        a = self.person(c, "M", surname, age)
        b_comm = c if self.rng.random() < 0.9 else self.names.community()
        b_age = a.age_on(self.today) + self.rng.uniform(-6, 4)
        b_age = min(max(b_age, 19.0), 99.0)
        if not married_in_window:
            b = self.person(b_comm, "F", surname, (b_age, b_age + 0.9))
            return self._home_unit("couple", [a, b])
        # b lived alone elsewhere under her own surname, moved in and married during the window
        b = self.person(b_comm, "F", self.family_surname(b_comm), (b_age, b_age + 0.9))
        day = self.rng.randint(self.start + 60, self.today - 20)
        unit = self._home_unit("couple", [a], move=False)
        hid = unit.households[0][0]
        home = unit.addr_periods[0][1]
        old_hid = self._hid()
        old = self.new_house()
        b.addrs = [(min(b.dob, self.start), old), (day, home)]
        b.households = [[old_hid, self.start, day], [hid, day, 0]]
        choice = self.rng.random()
        if choice < 0.75:
            b.married_surname = feminine_surname(c, surname) if c == b_comm else surname
        elif choice < 0.87:
            b.married_surname = f"{b.last}-{surname}"
        if b.married_surname:
            b.married_on = day
            b.tags.append("surname_changed_on_marriage")
        b.tags.append("moved")
        unit.people.append(b)
        unit.households = [(hid, [a, b]), (old_hid, [b])]
        unit.addr_periods.append((old_hid, old, self.start, day))
        unit.kind = "couple_married_in_window"
        return unit

    def _children(self, c: str, surname: str, mother: Person, father: Person | None,
                  n: int) -> list[Person]:
        kids: list[Person] = []
        mother_age = mother.age_on(self.today)
        max_age = min(17.9, mother_age - 17)
        ages = sorted((self.rng.uniform(0.2, max(0.5, max_age)) for _ in range(n)), reverse=True)
        for age in ages:
            gender = self.rng.choice("MF")
            first = None
            if kids and self.rng.random() < 0.03:
                # twins: same surname, date of birth and address
                twin = kids[-1]
                kid = self.person(c, gender, surname, twin.dob)
                while kid.first == twin.first:
                    kid.first = self.names.given(c, gender)
                kid.tags.append(f"twin_of:{twin.pid}")
                twin.tags.append(f"twin_of:{kid.pid}")
                kids.append(kid)
                continue
            parent = father if gender == "M" else mother
            if parent is not None and self.rng.random() < 0.04:
                first = parent.first
            kid = self.person(c, gender, surname, (age, age + 0.01), first=first)
            if first:
                kid.tags.append(f"same_name_as_parent:{parent.pid}")
            kids.append(kid)
        return kids

    def unit_family(self, two_parents: bool, grandparent: bool = False, n_kids: int | None = None,
                    addr: Address | None = None, move: bool | None = None) -> Unit:
        c = self.names.community()
        surname = self.family_surname(c)
        mother = self.person(c, "F", surname, (22, 50))
        father = None
        members = [mother]
        if two_parents:
            f_age = mother.age_on(self.today) + self.rng.uniform(-3, 7)
            father = self.person(c, "M", surname, (f_age, f_age + 0.5))
            members.insert(0, father)
        elif self.rng.random() < 0.5:
            # single mother who kept the children's father's surname or went back to her own
            mother.last = feminine_surname(c, self.family_surname(c)) if self.rng.random() < 0.4 else mother.last
        if n_kids is None:
            n_kids = self.rng.choices((1, 2, 3, 4, 5), (32, 40, 18, 7, 3))[0]
        kids = self._children(c, surname, mother, father, n_kids)
        members += kids
        if grandparent:
            g_age = self.rng.uniform(62, 92)
            gp = self.person(c, self.rng.choice("MF"), surname, (g_age, g_age + 0.5))
            gp.tags.append("multi_generation")
            members.append(gp)
        unit = self._home_unit("family", members, addr=addr, move=move)
        if grandparent:
            unit.kind = "multi_generation"
        if addr is None and self.rng.random() < 0.04 and unit.addr_periods[0][3] == 0:
            # a lodger: a household of their own at the same address
            lc = self.names.community()
            lodger = self.person(lc, self.adult_gender(), self.family_surname(lc), (19, 55))
            lodger.tags.append("lodger")
            lhid = self._hid()
            lodger.households.append([lhid, self.start, 0])
            home = unit.addr_periods[0][1]
            lodger.addrs = [(min(lodger.dob, self.start), home)]
            unit.people.append(lodger)
            unit.households.append((lhid, [lodger]))
            unit.addr_periods.append((lhid, home, self.start, 0))
        return unit

    def _establishment(self, kind: str, tag: str, n: int, age: tuple[float, float]) -> Unit:
        name, street, number, postcode = self.new_building(kind)
        addr = Address(self._address_id(), f"{name}, {number} {street[0]}", "", street[1], postcode, kind)
        unit = Unit(kind, [], [], [])
        for _ in range(n):
            c = self.names.community()
            p = self.person(c, self.adult_gender() if kind == "hostel" else self.rng.choice("FFM"),
                            self.family_surname(c), age)
            p.setting = kind
            p.tags.append(tag)
            hid = self._hid()
            arrive = self.rng.randint(self.start - 400, self.today - 10)
            p.households.append([hid, max(self.start, arrive), 0])
            unit.people.append(p)
            unit.households.append((hid, [p]))
            unit.addr_periods.append((hid, addr, max(self.start, arrive), 0))
            if arrive <= self.start:
                p.addrs = [(min(p.dob, self.start), addr)]
            else:  # moved in during the window from a home of their own
                before, old_hid = self.new_house(), self._hid()
                p.addrs = [(min(p.dob, self.start), before), (arrive, addr)]
                p.households.insert(0, [old_hid, self.start, arrive])
                p.tags.append("moved")
                unit.households.append((old_hid, [p]))
                unit.addr_periods.append((old_hid, before, self.start, arrive))
        return unit

    def unit_care_home(self) -> Unit:
        return self._establishment("care_home", "care_home_resident", self.rng.randint(30, 60), (72, 101))

    def unit_hostel(self) -> Unit:
        return self._establishment("hostel", "hostel_resident", self.rng.randint(15, 40), (18, 60))

    def unit_block(self) -> Unit:
        name, street, number, postcode = self.new_building("block")
        unit = Unit("block", [], [], [])
        for flat in range(1, self.rng.randint(20, 50) + 1):
            addr = Address(self._address_id(), f"Flat {flat}, {name}, {number} {street[0]}",
                           f"Flat {flat}", street[1], postcode, "flat_in_block")
            r = self.rng.random()
            if r < 0.4:
                c = self.names.community()
                p = self.person(c, self.adult_gender(), self.family_surname(c), (18, 85))
                sub = self._home_unit("single", [p], addr=addr, move=False)
            elif r < 0.6:
                c = self.names.community()
                s = self.family_surname(c)
                a = self.person(c, "M", s, (20, 80))
                b = self.person(c, "F", s, (a.age_on(self.today) - 3, a.age_on(self.today)))
                sub = self._home_unit("couple", [a, b], addr=addr, move=False)
            else:
                sub = self.unit_family(two_parents=self.rng.random() < 0.5, addr=addr, move=False)
            for p in sub.people:
                p.tags.append("block_of_flats")
            unit.people += sub.people
            unit.households += sub.households
            unit.addr_periods += sub.addr_periods
        return unit

    # -- background contacts

    def background(self, p: Person) -> None:
        rng = self.rng
        years = (self.today - max(self.start, p.dob)) / 365.25
        if years <= 0:
            return
        age = p.age_on(self.today)
        rates: list[tuple[str, str, float]] = []
        if p.setting == "care_home":
            rates = [("CARE_PROV", "care_visit", 10), ("CARE_PROV", "missed_visit", 0.2),
                     ("CITY_ED", "fall", 0.25), ("CITY_ED", "ed_attendance", 0.3),
                     ("ASC", "assessment", 0.4), ("FIRE", "safe_and_well_visit", 0.05)]
        elif p.setting == "hostel":
            rates = [("CITY_ED", "ed_attendance", 0.8), ("CITY_ED", "injury", 0.15),
                     ("CITY_ED", "self_harm", 0.04), ("WMP", "crime_victim", 0.15),
                     ("WMP", "antisocial_behaviour", 0.1), ("WMP", "crime_suspect", 0.08),
                     ("ASC", "contact", 0.2)]
        elif age < 4.5:
            rates = [("COMM_HEALTH", "health_visit", 1.6), ("COMM_HEALTH", "missed_appointment", 0.08),
                     ("CHILD_HOSP", "ed_attendance", 0.3), ("CHILD_HOSP", "routine_appointment", 0.3),
                     ("CHILD_HOSP", "injury", 0.04), ("CSC", "contact", 0.03)]
        elif age < 11:
            rates = [("SCHOOL_OAK", "routine_contact", 1.3), ("SCHOOL_OAK", "behaviour_incident", 0.06),
                     ("SCHOOL_OAK", "attendance_concern", 0.05), ("COMM_HEALTH", "school_nurse_contact", 0.4),
                     ("CHILD_HOSP", "ed_attendance", 0.15), ("CHILD_HOSP", "routine_appointment", 0.2),
                     ("CHILD_HOSP", "injury", 0.06), ("CSC", "contact", 0.03)]
        elif age < 16:
            rates = [("SCHOOL_ELM", "routine_contact", 1.3), ("SCHOOL_ELM", "behaviour_incident", 0.15),
                     ("SCHOOL_ELM", "attendance_concern", 0.07), ("COMM_HEALTH", "school_nurse_contact", 0.3),
                     ("CHILD_HOSP", "ed_attendance", 0.12), ("CHILD_HOSP", "routine_appointment", 0.15),
                     ("CHILD_HOSP", "injury", 0.07), ("WMP", "antisocial_behaviour", 0.01),
                     ("CSC", "contact", 0.03)]
        elif age < 65:
            rates = [("CITY_ED", "ed_attendance", 0.35), ("CITY_ED", "injury", 0.05),
                     ("CITY_ED", "routine_appointment", 0.25), ("WMP", "crime_victim", 0.04),
                     ("WMP", "witness", 0.03), ("WMP", "road_traffic_collision", 0.02),
                     ("WMP", "antisocial_behaviour", 0.01), ("WMP", "crime_suspect", 0.015),
                     ("CITY_ED", "self_harm", 0.003)]
        elif age < 80:
            rates = [("CITY_ED", "ed_attendance", 0.4), ("CITY_ED", "routine_appointment", 0.4),
                     ("CITY_ED", "fall", 0.04), ("FIRE", "safe_and_well_visit", 0.08),
                     ("ASC", "contact", 0.04), ("WMP", "crime_victim", 0.02)]
        else:
            rates = [("CITY_ED", "ed_attendance", 0.5), ("CITY_ED", "routine_appointment", 0.5),
                     ("CITY_ED", "fall", 0.1), ("FIRE", "safe_and_well_visit", 0.15),
                     ("ASC", "contact", 0.1), ("ASC", "assessment", 0.04)]
            if rng.random() < 0.2:
                p.tags.append("home_care")
                rates += [("CARE_PROV", "care_visit", 6), ("CARE_PROV", "missed_visit", 0.15)]
        lo = max(self.start, p.dob + 1)
        for agency, etype, rate in rates:
            for _ in range(_poisson(rng, rate * years * INTENSITY)):
                day = rng.randint(lo, self.today)
                if agency.startswith("SCHOOL_"):
                    at = p.age_on(day)
                    if at < 4.0:
                        continue
                    agency = "SCHOOL_OAK" if at < 11 else "SCHOOL_ELM"
                p.events.append(Event(day, agency, etype))
        if rng.random() < 0.002 * years:
            p.events.append(Event(rng.randint(lo, self.today), "FIRE", "fire_incident"))
        if not p.events:
            # everyone in the data set is known to at least one agency
            if age < 4.5:
                p.events.append(Event(rng.randint(lo, self.today), "COMM_HEALTH", "health_visit"))
            elif age < 16:
                p.events.append(Event(0, "SCHOOL_OAK" if age < 11 else "SCHOOL_ELM", ""))
            else:
                p.events.append(Event(rng.randint(lo, self.today), "CITY_ED",
                                      rng.choice(("ed_attendance", "routine_appointment"))))

    # -- scenarios

    def _scenario_start(self, duration: int, recent: bool = False) -> int:
        latest = self.today - duration - 1
        if self.rng.random() < 0.5 or recent:
            return max(self.start + 1, latest - self.rng.randint(0, 90))
        return self.rng.randint(self.start + 1, max(self.start + 1, latest))

    def _new_scenario(self, unit: Unit, kind: str, subject: str, events: list[tuple[Person, Event]]) -> None:
        self.n_scenarios += 1
        self.scenario_counts[kind] += 1
        sid = f"S{self.n_scenarios:05d}"
        for person, ev in events:
            ev.scenario = sid
            person.events.append(ev)
        days = sorted(ev.day for _, ev in events)
        # recognisable once three agencies are involved (or at the last event if fewer)
        seen: set[str] = set()
        recognisable = days[-1]
        for _, ev in sorted(events, key=lambda pe: pe[1].day):
            seen.add(ev.agency)
            if len(seen) >= 3:
                recognisable = ev.day
                break
        self.pending_scenarios = unit.scenarios
        unit.scenarios.append({
            "scenario_id": sid, "kind": kind, "subject_type": SCENARIO_SUBJECT[kind],
            "subject_id": subject, "first_event_date": _iso(days[0]),
            "window_start": _iso(recognisable if SHOULD_ALERT[kind] else days[0]),
            "window_end": _iso(days[-1] + RECOGNITION_DAYS),
            "should_alert": "true" if SHOULD_ALERT[kind] else "false",
        })

    def _want(self, kind: str) -> bool:
        if self.scenario_counts[kind] == 0:
            return True
        expected = SCENARIO_RATES[kind] * self.n_people / 10_000
        return self.scenario_counts[kind] < expected

    def add_scenarios(self, unit: Unit) -> None:
        if unit.kind not in ("family", "multi_generation", "single", "couple"):
            return
        rng = self.rng
        hid = unit.households[0][0]
        residents = unit.households[0][1]
        moved = len([p for p in unit.addr_periods if p[0] == hid]) > 1
        if moved:
            return
        kids = [p for p in residents if p.age_on(self.today) < 16]
        adults = [p for p in residents if p.age_on(self.today) >= 18]

        def school(k: Person, day: int | None = None) -> str:
            return "SCHOOL_OAK" if k.age_on(day or self.today) < 11 else "SCHOOL_ELM"

        if unit.kind in ("family", "multi_generation") and kids:
            eligible = [k for k in kids if k.age_on(self.today) >= 2.5]
            demo = "escalating_child_concern" not in self.demo
            if demo:  # the first one is the demo: a school-age child, recently
                eligible = [k for k in eligible if k.age_on(self.today) >= 6.5]
            if eligible and self._want("escalating_child_concern"):
                child = rng.choice(eligible)
                s = max(self._scenario_start(60, recent=demo), child.dob + 365)
                evs = [(child, Event(s, "CHILD_HOSP", rng.choice(("injury", "injury", "ed_attendance"))))]
                d = s + rng.randint(4, 14)
                if child.age_on(s) >= 4.5:
                    evs.append((child, Event(d, school(child, d), rng.choice(("safeguarding_concern", "attendance_concern")))))
                else:
                    evs.append((child, Event(d, "COMM_HEALTH", "missed_appointment")))
                d += rng.randint(5, 20)
                evs.append((child, Event(d, "WMP", "missing_person" if child.age_on(d) >= 10 else "concern_for_welfare")))
                if rng.random() < 0.6:
                    d += rng.randint(2, 12)
                    evs.append((child, Event(d, "CHILD_HOSP", "injury")))
                if rng.random() < 0.4:
                    d += rng.randint(1, 10)
                    evs.append((child, Event(d, "CSC", "referral")))
                self._new_scenario(unit, "escalating_child_concern", child.pid, evs)
                if ("escalating_child_concern" not in self.demo and child.age_on(s) >= 6
                        and s >= self.today - 150):
                    self.demo["escalating_child_concern"] = self._demo(child, "escalating_child_concern")
                return
            school_kids = [k for k in kids if k.age_on(self.today) >= 5]
            if len(adults) >= 2 and school_kids and self._want("domestic_abuse"):
                victim = next((a for a in adults if a.gender == "F"), adults[0])
                suspect = next(a for a in adults if a is not victim)
                s = self._scenario_start(125, recent="domestic_abuse" not in self.demo)
                evs = []
                d = s
                for i in range(rng.randint(2, 4)):
                    evs.append((victim, Event(d, "WMP", "domestic_abuse_incident")))
                    if rng.random() < 0.6:
                        evs.append((suspect, Event(d, "WMP", "crime_suspect")))
                    if i < 2:
                        evs.append((victim, Event(d + rng.randint(0, 1), "CITY_ED", "injury")))
                    d += rng.randint(10, 30)
                for k in school_kids:
                    for _ in range(rng.randint(1, 3)):
                        day = rng.randint(s + 3, d)
                        if k.age_on(day) >= 4.5:
                            evs.append((k, Event(day, school(k, day), "attendance_concern")))
                self._new_scenario(unit, "domestic_abuse", hid, evs)
                if "domestic_abuse" not in self.demo and s >= self.today - 200:
                    self.demo["domestic_abuse"] = self._demo(victim, "domestic_abuse", hid)
                return
            if len(kids) >= 3 and self._want("decoy_busy_family"):
                s = self.rng.randint(self.start + 1, max(self.start + 1, self.today - 370))
                evs = []
                for k in kids:
                    for _ in range(rng.randint(3, 5)):
                        d = rng.randint(min(max(s, k.dob + 1), s + 365), s + 365)
                        age = k.age_on(d)
                        if age < 4.5:
                            evs.append((k, Event(d, "COMM_HEALTH", "health_visit")))
                        elif rng.random() < 0.6:
                            evs.append((k, Event(d, school(k, d), "routine_contact")))
                        else:
                            evs.append((k, Event(d, "CHILD_HOSP", "routine_appointment")))
                for a in adults:
                    evs.append((a, Event(rng.randint(s, s + 365), "CITY_ED", "routine_appointment")))
                self._new_scenario(unit, "decoy_busy_family", hid, evs)
                return
            if self._want("decoy_frequent_attender"):
                child = rng.choice(kids)
                s = self.rng.randint(self.start + 1, max(self.start + 1, self.today - 370))
                lo = min(max(s, child.dob + 1), self.today - 60)
                hi = min(lo + 365, self.today)
                evs = [(child, Event(d, "CHILD_HOSP", "routine_appointment"))
                       for d in sorted({rng.randint(lo, hi) for _ in range(rng.randint(8, 14))})]
                self._new_scenario(unit, "decoy_frequent_attender", child.pid, evs)
                return
        if unit.kind in ("single", "couple"):
            elders = [p for p in residents if p.age_on(self.today) >= 75]
            if elders and self._want("adult_at_risk"):
                elder = rng.choice(elders)
                s = self._scenario_start(70, recent="adult_at_risk" not in self.demo)
                evs = [(elder, Event(s, "CITY_ED", "fall"))]
                d = s + rng.randint(5, 20)
                evs.append((elder, Event(d, "FIRE", "safe_and_well_visit")))
                d += rng.randint(3, 15)
                evs.append((elder, Event(d, "ASC", "referral")))
                d += rng.randint(2, 15)
                evs.append((elder, Event(d, "CITY_ED", "fall")))
                if rng.random() < 0.5:
                    evs.append((elder, Event(d + rng.randint(3, 10), "ASC", "assessment")))
                self._new_scenario(unit, "adult_at_risk", elder.pid, evs)
                if "adult_at_risk" not in self.demo and s >= self.today - 150:
                    self.demo["adult_at_risk"] = self._demo(elder, "adult_at_risk")

    def _demo(self, p: Person, kind: str, hid: str = "") -> dict:
        sc = [s for s in self.pending_scenarios if s["kind"] == kind][-1]
        return {
            "scenario_id": sc["scenario_id"], "kind": kind, "first_event_date": sc["first_event_date"],
            "window_start": sc["window_start"], "window_end": sc["window_end"], "person_id": p.pid,
            "household_id": hid or p.households[-1][0], "first_name": p.first,
            "last_name": p.surname_on(self.today), "date_of_birth": _iso(p.dob),
            "address": p.address_on(self.today).text(), "postcode": p.address_on(self.today).postcode,
        }

    # -- agency records and rows

    def emit_unit(self, unit: Unit, out: _Out) -> None:
        for p in unit.people:
            self.background(p)
        self.add_scenarios(unit)
        for p in unit.people:
            self.emit_person(p, out)
        for hid, addr, start, end in unit.addr_periods:
            out.household_addresses.writerow(
                (hid, addr.addr_id, addr.text(), addr.postcode, addr.kind, _iso(start), _iso(end)))
        for sc in unit.scenarios:
            out.scenarios.writerow([sc[k] for k in (
                "scenario_id", "kind", "subject_type", "subject_id", "first_event_date",
                "window_start", "window_end", "should_alert")])

    def emit_person(self, p: Person, out: _Out) -> None:
        out.people.writerow((
            p.pid, p.first, p.middle, p.last, p.married_surname, _iso(p.married_on), p.nickname,
            _iso(p.dob), p.gender, p.community, ";".join(p.tags)))
        for hid, start, end in p.households:
            out.households.writerow((p.pid, hid, _iso(start), _iso(end)))
        by_agency: dict[str, list[Event]] = {}
        for ev in sorted(p.events, key=lambda e: (e.day, e.agency, e.etype)):
            by_agency.setdefault(ev.agency, []).append(ev)
        for agency in AGENCIES:
            events = by_agency.get(agency.code)
            if not events:
                continue
            dup = agency.errors["duplicate_record"]
            if len(events) > 1 and self.rng.random() < dup:
                cut = self.rng.randint(1, len(events) - 1)
                groups = [events[:cut], events[cut:]]
            else:
                groups = [events]
            for i, group in enumerate(groups):
                self.emit_record(p, agency, group, out, duplicate=i > 0)

    def _roll_errors(self, p: Person, agency: Agency, first_day: int, duplicate: bool) -> dict:
        rng = self.rng
        rates = agency.errors
        flags: dict[str, object] = {}
        for kind in ERROR_KINDS:
            if kind == "duplicate_record":
                continue
            if rng.random() < rates[kind]:
                flags[kind] = (rng.random(), rng.random(), rng.choice("abcdefghilmnorstuy"))
        if duplicate:
            flags["duplicate_record"] = True
        # drop flags that cannot apply to this person, so the record says what really happened
        dob = date.fromordinal(p.dob)
        if "dob_day_month_swap" in flags and not (
            dob.day <= 12 and dob.month != dob.day and date(dob.year, dob.day, dob.month) <= self.today_date
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

    def emit_record(self, p: Person, agency: Agency, events: list[Event], out: _Out,
                    duplicate: bool) -> None:
        code = agency.code
        self.record_counter[code] += 1 + (self.rng.random() < 0.3)
        rid = agency.record_id.format(n=self.record_counter[code])
        self.n_records += 1
        self.record_counts[code] += 1
        dated = [e for e in events if e.day]
        first_day = dated[0].day if dated else self.today
        flags = self._roll_errors(p, agency, first_day, duplicate)
        for kind in flags:
            self.error_counts[code][kind] += 1
        out.records.writerow((code, rid, p.pid))
        out.record_errors.writerow((code, rid, p.pid, ";".join(k for k in ERROR_KINDS if k in flags)))
        dob_text, dob_iso = self._dob_values(p, agency, flags)
        gender = "U" if "gender_unknown" in flags else p.gender
        cache: dict[tuple[str, str], tuple] = {}
        for ev in events:
            day = ev.day or self.today
            ref = first_day if "stale_address" in flags else day
            addr = p.address_on(ref)
            surname = p.surname_on(first_day if "stale_surname" in flags else day)
            key = (addr.addr_id, surname)
            if key not in cache:
                cache[key] = self._demographics(p, agency, flags, surname, addr)
            first, middle, last, full, canon_first, canon_last, address, postcode = cache[key]
            values: dict[str, str] = {
                "source_record_id": rid, "first_name": first, "last_name": last,
                "middle_names": middle, "full_name": full, "date_of_birth": dob_text,
                "gender": agency.gender_out[gender], "address": address, "postcode": postcode,
                "event_id": "", "event_date": "", "event_type": "",
            }
            event_iso = ""
            if ev.day:
                self.event_counter[code] += 1
                d = date.fromordinal(ev.day)
                values["event_id"] = agency.event_id.format(n=self.event_counter[code], y=d.year % 100)
                values["event_date"] = format_date(agency.event_date_format, d.year, d.month, d.day,
                                                   self.rng.randint(0, 23), self.rng.randint(0, 59))
                values["event_type"] = agency.event_out[ev.etype]
                event_iso = d.isoformat()
            row = [values[c] for c in agency.columns]
            line = out.agency_row(code, row)
            record_id = f"{code}:{line}"
            out.canonical.writerow((
                record_id, code, rid, canon_first, canon_last, dob_iso, gender, address, postcode,
                values["event_id"], event_iso, ev.etype if ev.day else "", middle))
            out.link.writerow((record_id, p.pid))
            if ev.scenario:
                out.scenario_events.writerow((ev.scenario, p.pid, code, rid, record_id,
                                              values["event_id"], event_iso, ev.etype))
            if self.rng.random() < INVALID_ROW_RATE:
                self._invalid_row(agency, values, out)

    def _invalid_row(self, agency: Agency, values: dict[str, str], out: _Out) -> None:
        rng = self.rng
        reasons = INVALID_REASONS if values["event_date"] else INVALID_REASONS[:4]
        reason = rng.choice(reasons)
        bad = dict(values)
        today = self.today_date
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
        line = out.agency_row(agency.code, [bad[c] for c in agency.columns])
        out.invalid.writerow((agency.code, line, reason))
        self.n_invalid += 1

    def _dob_values(self, p: Person, agency: Agency, flags: dict) -> tuple[str, str]:
        if "dob_missing" in flags:
            return "", ""
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
            if nd > self.today_date:
                nd = date(y - 1, m, min(dd, 28))
            y, m, dd = nd.year, nd.month, nd.day
        return format_date(agency.dob_format, y, m, dd), f"{y:04d}-{m:02d}-{dd:02d}"

    def _demographics(self, p: Person, agency: Agency, flags: dict, surname: str, addr: Address):
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
                    first = _corrupt(first, kind, u, ch)
                else:
                    last = _corrupt(last, kind, u, ch)
        if "name_swap" in flags:
            first, last = last, first
        if agency.ascii_only:
            first, middle, last = ascii_fold(first), ascii_fold(middle), ascii_fold(last)
        if agency.upper_names:
            first, middle, last = first.upper(), middle.upper(), last.upper()
        if not agency.has_middle:
            middle = ""
        full = ""
        style = agency.name_style
        if style == "split":
            canon_first, canon_last = first, last
        else:
            if style == "full_last_first_comma":
                full = f"{last.upper()}, {first}"
            elif style == "full_last_first":
                full = f"{last.upper()} {first}"
            else:
                full = f"{first} {last}"
            full = " ".join(full.split())
            canon_first, canon_last = _split_full_name(full, agency.name_order)
        address = addr.text()
        if "address_abbrev" in flags:
            address = self._abbreviate(addr, flags["address_abbrev"])
        if agency.upper_address:
            address = address.upper()
        postcode = addr.postcode
        if "postcode_format" in flags:
            u = flags["postcode_format"][0]
            if u < 0.4:
                postcode = postcode.replace(" ", "")
            elif u < 0.7:
                postcode = postcode.lower()
            elif u < 0.85:
                postcode = postcode.replace(" ", "").lower()
            else:
                postcode = postcode.replace(" ", "  ")
        return first, middle, last, full, canon_first, canon_last, address, postcode

    def _abbreviate(self, addr: Address, flag) -> str:
        u, v, _ = flag
        line = addr.line
        if addr.flat and u < 0.5:
            # the block's one postal address, flat number lost
            line = line[len(addr.flat) + 2:]
        words = line.replace(",", " ,").split(" ")
        words = [self.abbrev.get(w, w) for w in words]
        line = " ".join(words).replace(" ,", ",")
        if v < 0.3:
            return f"{line}, Birmingham"
        if v < 0.45:
            return f"{line}, {addr.locality}, B'ham"
        return f"{line}, {addr.locality}, Birmingham"

    # -- run

    def write_mappings(self) -> None:
        for agency in AGENCIES:
            path = self.out_dir / "mappings" / f"{agency.code}.yaml"
            text = yaml.safe_dump(agency.mapping_dict(), sort_keys=False, allow_unicode=True)
            path.write_text(f"# Mapping for {agency.name} exports (aim ingest --mapping)\n" + text,
                            encoding="utf-8")

    def run(self, progress: Callable[[int], None] | None = None) -> dict:
        out = _Out(self.out_dir, self.today_date)
        try:
            self.write_mappings()
            done = 0
            while self.n_people < self.target:
                unit = self.make_unit()
                self.emit_unit(unit, out)
                if progress and self.n_people - done >= 2000:
                    progress(self.n_people - done)
                    done = self.n_people
            if progress:
                progress(self.n_people - done)
        finally:
            out.close()
        manifest = {
            "generator": f"aim.seeds {GENERATOR_VERSION}",
            "seed": self.seed,
            "people": self.n_people,
            "today": self.today_date.isoformat(),
            "days": self.days,
            "window_start": _iso(self.start),
            "counts": {
                "people": self.n_people,
                "households": self.n_households,
                "addresses": self.n_addresses,
                "agency_records": self.n_records,
                "agency_rows": sum(out.rows.values()),
                "canonical_rows": sum(out.rows.values()) - self.n_invalid,
                "invalid_rows": self.n_invalid,
                "rows_by_agency": dict(out.rows),
                "records_by_agency": dict(self.record_counts),
                "scenarios": dict(self.scenario_counts),
                "errors_by_agency": {code: {k: v for k, v in errs.items() if v}
                                     for code, errs in self.error_counts.items()},
            },
            "agencies": {a.code: {"name": a.name, "kind": a.kind, "file": f"agencies/{a.code}.csv",
                                  "mapping": f"mappings/{a.code}.yaml"} for a in AGENCIES},
            "demo": self.demo,
        }
        (self.out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        return manifest


def _corrupt(name: str, kind: str, u: float, ch: str) -> str:
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


def generate(people: int, seed: int, out: Path, today: date | None = None, days: int = 730,
             progress: Callable[[int], None] | None = None) -> dict:
    """Write the whole data set to ``out``; returns the manifest."""
    today = today or date(2026, 11, 1)
    return Generator(people, seed, today, days, Path(out)).run(progress)
