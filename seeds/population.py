"""The synthetic people: households, families, shared establishments and moves.

The population is made one *unit* at a time: a household (which may move once, or take in
a lodger), or a shared establishment (a care home, a hostel or a block of flats) whose
residents are households of their own. A unit is complete when it is made, so the writer
can stream its rows before the next one exists.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from .addresses import Address, AddressBook
from .names import NamePool, feminine_surname

# One shared establishment of each kind per this many people (and one early in every run).
PEOPLE_PER_ESTABLISHMENT = 12_000
_FIRST_ESTABLISHMENT = {"care_home": 40, "hostel": 80, "block": 120}
# Household kinds: (cumulative share, kind); what is left is a multi-generation family.
_HOUSEHOLD_MIX = ((0.17, "single_adult"), (0.29, "single_older"), (0.43, "couple"),
                  (0.51, "older_couple"), (0.78, "two_parents"), (0.91, "one_parent"))


def iso(day: int) -> str:
    """A day ordinal as YYYY-MM-DD; empty for 0 (no day)."""
    return date.fromordinal(day).isoformat() if day else ""


@dataclass(frozen=True)
class Window:
    """The event window, ``start`` to ``today``, as day ordinals."""

    start: int
    today: int

    @property
    def today_date(self) -> date:
        return date.fromordinal(self.today)


@dataclass(slots=True)
class Event:
    day: int  # ordinal; 0 for a record with no event (a pupil on the roll)
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


class Population:
    """Makes people and units for one run, from the run's ``random.Random``."""

    def __init__(self, rng: random.Random, names: NamePool, addresses: AddressBook, window: Window,
                 target: int):
        self.rng = rng
        self.names = names
        self.addresses = addresses
        self.window = window
        self.target = target
        self.n_people = 0
        self.n_households = 0
        self._next_establishment = dict(_FIRST_ESTABLISHMENT)

    # -- people

    def _pid(self) -> str:
        self.n_people += 1
        return f"P{self.n_people:07d}"

    def _hid(self) -> str:
        self.n_households += 1
        return f"H{self.n_households:06d}"

    def _middle_names(self, community: str, gender: str, first: str) -> str:
        rng = self.rng
        middle = ""
        r = rng.random()
        if community in ("british", "irish", "african") and r < 0.65:
            middle = self.names.given(community, gender)
            if rng.random() < 0.12:
                middle += " " + self.names.given(community, gender)
        elif community == "south_asian" and r < 0.35:
            middle = self.names.given(community, gender)
        elif community in ("indian", "polish", "romanian") and r < 0.15:
            middle = self.names.given(community, gender)
        return "" if middle == first else middle

    def person(self, community: str, gender: str, surname: str, age: tuple[float, float] | int,
               first: str | None = None) -> Person:
        """A person of ``age`` (years, drawn from a range) or born on ``age`` (a day ordinal)."""
        given_gender = gender if gender in ("M", "F") else self.rng.choice("MF")
        first = first or self.names.given(community, given_gender)
        middle = self._middle_names(community, given_gender, first)
        if surname in ("Singh", "Kaur"):
            surname = "Kaur" if gender == "F" else "Singh"
        elif gender == "F":
            surname = feminine_surname(community, surname)
        if isinstance(age, int):
            dob = age
        else:
            dob = self.window.today - int(self.rng.uniform(*age) * 365.25)
        p = Person(self._pid(), first, middle, surname, gender, dob, community)
        if self.rng.random() < 0.45:
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

    def adult(self, age: tuple[float, float]) -> Person:
        """An adult of any community with a surname of their own."""
        c = self.names.community()
        return self.person(c, self.adult_gender(), self.family_surname(c), age)

    # -- units

    def make_unit(self) -> Unit:
        remaining = self.target - self.n_people
        if remaining < 6:
            return self._home_unit("single", [self.adult((18, 90))])
        for kind, at in self._next_establishment.items():
            if self.n_people >= at and remaining > 80:
                self._next_establishment[kind] = at + PEOPLE_PER_ESTABLISHMENT
                if kind == "block":
                    return self.unit_block()
                return self.unit_establishment(kind)
        r = self.rng.random()
        household = next((kind for share, kind in _HOUSEHOLD_MIX if r < share), "multi_generation")
        if household == "single_adult":
            return self._home_unit("single", [self.adult((18, 64))])
        if household == "single_older":
            return self._home_unit("single", [self.adult((65, 98))])
        if household == "couple":
            return self.unit_couple((22, 64), married_in_window=self.rng.random() < 0.25)
        if household == "older_couple":
            return self.unit_couple((65, 92))
        return self.unit_family(two_parents=household != "one_parent",
                                grandparent=household == "multi_generation")

    def _home_unit(self, kind: str, members: list[Person], addr: Address | None = None,
                   move: bool | None = None) -> Unit:
        """One household living at a house; it may move once during the window."""
        start, today = self.window.start, self.window.today
        hid = self._hid()
        addr = addr or self.addresses.new_house()
        periods = []
        for p in members:
            p.households.append([hid, max(start, p.dob), 0])
        if move is None:
            move = self.rng.random() < 0.10
        if move:
            day = self.rng.randint(start + 30, today - 30)
            new = self.addresses.new_house()
            periods += [(hid, addr, start, day), (hid, new, day, 0)]
            for p in members:
                p.addrs = [(min(p.dob, start), addr), (day, new)]
                p.tags.append("moved")
        else:
            periods.append((hid, addr, start, 0))
            for p in members:
                p.addrs = [(min(p.dob, start), addr)]
        return Unit(kind, members, [(hid, members)], periods)

    def unit_couple(self, age: tuple[float, float], married_in_window: bool = False) -> Unit:
        c = self.names.community()
        surname = self.family_surname(c)
        a = self.person(c, "M", surname, age)
        b_comm = c if self.rng.random() < 0.9 else self.names.community()
        b_age = a.age_on(self.window.today) + self.rng.uniform(-6, 4)
        b_age = min(max(b_age, 19.0), 99.0)
        if not married_in_window:
            b = self.person(b_comm, "F", surname, (b_age, b_age + 0.9))
            return self._home_unit("couple", [a, b])
        b = self.person(b_comm, "F", self.family_surname(b_comm), (b_age, b_age + 0.9))
        return self._married_in_window(a, b, surname)

    def _married_in_window(self, a: Person, b: Person, surname: str) -> Unit:
        """``b`` lived alone elsewhere under her own surname, moved in and married ``a``."""
        start = self.window.start
        day = self.rng.randint(start + 60, self.window.today - 20)
        unit = self._home_unit("couple", [a], move=False)
        hid = unit.households[0][0]
        home = unit.addr_periods[0][1]
        old_hid = self._hid()
        old = self.addresses.new_house()
        b.addrs = [(min(b.dob, start), old), (day, home)]
        b.households = [[old_hid, start, day], [hid, day, 0]]
        choice = self.rng.random()
        if choice < 0.75:
            b.married_surname = feminine_surname(a.community, surname) if a.community == b.community else surname
        elif choice < 0.87:
            b.married_surname = f"{b.last}-{surname}"
        if b.married_surname:
            b.married_on = day
            b.tags.append("surname_changed_on_marriage")
        b.tags.append("moved")
        unit.people.append(b)
        unit.households = [(hid, [a, b]), (old_hid, [b])]
        unit.addr_periods.append((old_hid, old, start, day))
        unit.kind = "couple_married_in_window"
        return unit

    def _children(self, c: str, surname: str, mother: Person, father: Person | None,
                  n: int) -> list[Person]:
        kids: list[Person] = []
        max_age = min(17.9, mother.age_on(self.window.today) - 17)
        ages = sorted((self.rng.uniform(0.2, max(0.5, max_age)) for _ in range(n)), reverse=True)
        for age in ages:
            gender = self.rng.choice("MF")
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
            first = parent.first if parent is not None and self.rng.random() < 0.04 else None
            kid = self.person(c, gender, surname, (age, age + 0.01), first=first)
            if first:
                kid.tags.append(f"same_name_as_parent:{parent.pid}")
            kids.append(kid)
        return kids

    def unit_family(self, two_parents: bool, grandparent: bool = False,
                    addr: Address | None = None, move: bool | None = None) -> Unit:
        c = self.names.community()
        surname = self.family_surname(c)
        mother = self.person(c, "F", surname, (22, 50))
        father = None
        members = [mother]
        if two_parents:
            f_age = mother.age_on(self.window.today) + self.rng.uniform(-3, 7)
            father = self.person(c, "M", surname, (f_age, f_age + 0.5))
            members.insert(0, father)
        elif self.rng.random() < 0.5:
            # single mother who kept the children's father's surname or went back to her own
            mother.last = feminine_surname(c, self.family_surname(c)) if self.rng.random() < 0.4 else mother.last
        n_kids = self.rng.choices((1, 2, 3, 4, 5), (32, 40, 18, 7, 3))[0]
        members += self._children(c, surname, mother, father, n_kids)
        if grandparent:
            g_age = self.rng.uniform(62, 92)
            gp = self.person(c, self.rng.choice("MF"), surname, (g_age, g_age + 0.5))
            gp.tags.append("multi_generation")
            members.append(gp)
        unit = self._home_unit("multi_generation" if grandparent else "family", members,
                               addr=addr, move=move)
        if addr is None and self.rng.random() < 0.04 and unit.addr_periods[0][3] == 0:
            self._add_lodger(unit)
        return unit

    def _add_lodger(self, unit: Unit) -> None:
        """A lodger: a household of their own at the family's address."""
        lodger = self.adult((19, 55))
        lodger.tags.append("lodger")
        lhid = self._hid()
        lodger.households.append([lhid, self.window.start, 0])
        home = unit.addr_periods[0][1]
        lodger.addrs = [(min(lodger.dob, self.window.start), home)]
        unit.people.append(lodger)
        unit.households.append((lhid, [lodger]))
        unit.addr_periods.append((lhid, home, self.window.start, 0))

    def unit_establishment(self, kind: str) -> Unit:
        """A care home or a hostel: every resident a household of their own."""
        if kind == "care_home":
            tag, n, age = "care_home_resident", self.rng.randint(30, 60), (72, 101)
        else:
            tag, n, age = "hostel_resident", self.rng.randint(15, 40), (18, 60)
        start, today = self.window.start, self.window.today
        building = self.addresses.new_building(kind)
        addr = Address(self.addresses.new_id(), building.line, "", building.locality, building.postcode, kind)
        unit = Unit(kind, [], [], [])
        for _ in range(n):
            c = self.names.community()
            gender = self.adult_gender() if kind == "hostel" else self.rng.choice("FFM")
            p = self.person(c, gender, self.family_surname(c), age)
            p.setting = kind
            p.tags.append(tag)
            hid = self._hid()
            arrive = self.rng.randint(start - 400, today - 10)
            p.households.append([hid, max(start, arrive), 0])
            unit.people.append(p)
            unit.households.append((hid, [p]))
            unit.addr_periods.append((hid, addr, max(start, arrive), 0))
            if arrive <= start:
                p.addrs = [(min(p.dob, start), addr)]
            else:  # moved in during the window from a home of their own
                before, old_hid = self.addresses.new_house(), self._hid()
                p.addrs = [(min(p.dob, start), before), (arrive, addr)]
                p.households.insert(0, [old_hid, start, arrive])
                p.tags.append("moved")
                unit.households.append((old_hid, [p]))
                unit.addr_periods.append((old_hid, before, start, arrive))
        return unit

    def unit_block(self) -> Unit:
        """A block of flats with one postal address: each flat a household."""
        building = self.addresses.new_building("block")
        unit = Unit("block", [], [], [])
        for flat in range(1, self.rng.randint(20, 50) + 1):
            addr = Address(self.addresses.new_id(), f"Flat {flat}, {building.line}", f"Flat {flat}",
                           building.locality, building.postcode, "flat_in_block")
            r = self.rng.random()
            if r < 0.4:
                sub = self._home_unit("single", [self.adult((18, 85))], addr=addr, move=False)
            elif r < 0.6:
                c = self.names.community()
                s = self.family_surname(c)
                a = self.person(c, "M", s, (20, 80))
                a_age = a.age_on(self.window.today)
                b = self.person(c, "F", s, (a_age - 3, a_age))
                sub = self._home_unit("couple", [a, b], addr=addr, move=False)
            else:
                sub = self.unit_family(two_parents=self.rng.random() < 0.5, addr=addr, move=False)
            for p in sub.people:
                p.tags.append("block_of_flats")
            unit.people += sub.people
            unit.households += sub.households
            unit.addr_periods += sub.addr_periods
        return unit
