"""People and homes of the independent population (the truth), household by household.

Household kinds: couples with children (twins now and then, a son named after his father),
single parents, couples, people living alone, multi-family homes (two related or unrelated
families at one address, often sharing a surname) and lodgers. Some adults moved: their
older records carry a previous address, and a spouse who took the partner's surname on
marriage carries the birth surname AND the previous address there (marriage with a move).
About one home in five is a flat in a block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from .names import DEVOTIONAL_PREFIX, community_draw, community_pools

_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_AREAS = ("B", "WS", "WV", "DY", "CV", "LE")


@dataclass(frozen=True)
class Home:
    house: str
    flat: str
    street: str
    town: str
    postcode: str


@dataclass
class Person:
    pid: int
    household: int
    community: str
    sex: str
    given: str            # first registered given name
    middle: str           # further given names ("" if none)
    surname: str
    dob: date
    home: Home
    previous_home: Home | None = None
    birth_surname: str = ""   # surname at the previous home, if it changed on marriage
    tags: list[str] = field(default_factory=list)

    @property
    def called(self) -> str:
        """The name used day to day: the second name after a devotional "Muhammad"."""
        return self.middle if self.given == "Muhammad" and self.middle else self.given


class Streets:
    """A town's streets: each street has a postcode district and sector; every 12 house
    numbers share a unit postcode; some buildings are blocks of flats."""

    def __init__(self, rng: np.random.Generator, n_streets: int, seed: int):
        from faker import Faker

        fake = Faker("en_GB")
        fake.seed_instance(seed)
        self.rng = rng
        self.names = sorted({fake.street_name() for _ in range(int(n_streets * 1.3))})[:n_streets]
        self.towns = [fake.city() for _ in range(24)]
        self.districts = [f"{_AREAS[k % len(_AREAS)]}{1 + k // len(_AREAS)}" for k in range(120)]
        self.street_district = rng.integers(0, len(self.districts), len(self.names))
        self.street_sector = rng.integers(0, 10, len(self.names))
        self.street_town = rng.integers(0, len(self.towns), len(self.names))
        self.units: dict[tuple[int, int], str] = {}

    def new_home(self, flat_share: float = 0.2) -> Home:
        s = int(self.rng.integers(0, len(self.names)))
        number = int(self.rng.integers(1, 240))
        block = number // 12
        unit = self.units.get((s, block))
        if unit is None:
            letters = self.rng.choice(list(_UNIT_LETTERS), 2)
            unit = f"{self.districts[self.street_district[s]]} {self.street_sector[s]}{''.join(letters)}"
            self.units[(s, block)] = unit
        flat = str(int(self.rng.integers(1, 40))) if self.rng.random() < flat_share else ""
        house = f"{number}{'A' if self.rng.random() < 0.03 else ''}"
        return Home(house, flat, self.names[s], self.towns[self.street_town[s]], unit)


def _dob(rng: np.random.Generator, today: date, age_lo: float, age_hi: float) -> date:
    return today - timedelta(days=int(rng.uniform(age_lo, age_hi) * 365.25))


class Builder:
    def __init__(self, seed: int, people: int, today: date):
        self.rng = np.random.default_rng(seed)
        self.today = today
        self.streets = Streets(self.rng, max(20, people // 40), seed)
        self.pools = community_pools()
        self.people: list[Person] = []
        self.household = 0

    def person(self, community: str, sex: str, surname: str, dob: date, home: Home) -> Person:
        pools = self.pools[community]
        given = (pools.male if sex == "M" else pools.female).draw(self.rng)
        middle = ""
        if sex == "M" and self.rng.random() < DEVOTIONAL_PREFIX.get(community, 0.0):
            given, middle = "Muhammad", given
        elif self.rng.random() < 0.35:
            middle = (pools.male if sex == "M" else pools.female).draw(self.rng)
        p = Person(len(self.people), self.household, community, sex, given, middle, surname, dob, home)
        self.people.append(p)
        return p

    def adult(self, community: str, sex: str, surname: str | None, home: Home, age=(19, 85)) -> Person:
        surname = surname or self.pools[community].surnames.draw(self.rng)
        p = self.person(community, sex, surname, _dob(self.rng, self.today, *age), home)
        if self.rng.random() < 0.18:
            p.previous_home = self.streets.new_home()
            p.tags.append("moved")
        return p

    def family(self, community: str, home: Home, parents: int, children: int,
               father_surname: str | None = None) -> None:
        mother = self.adult(community, "F", None, home, (20, 55))
        surname = mother.surname
        if parents == 2:
            father = self.adult(community, "M", father_surname, home, (20, 60))
            if self.rng.random() < 0.7:   # one surname for the family
                surname = father.surname
                if self.rng.random() < 0.35:
                    mother.birth_surname, mother.surname = mother.surname, surname
                    mother.previous_home = mother.previous_home or self.streets.new_home()
                    mother.tags.append("married_move")
            else:
                surname = father.surname if self.rng.random() < 0.5 else mother.surname
        age_mother = (self.today - mother.dob).days / 365.25
        k = 0
        while k < children:
            age = float(self.rng.uniform(0, min(17.9, max(0.5, age_mother - 18))))
            sex = "M" if self.rng.random() < 0.5 else "F"
            child = self.person(community, sex, surname, _dob(self.rng, self.today, age, age + 0.01), home)
            if parents == 2 and sex == "M" and self.rng.random() < 0.04:
                child.given, child.middle = father.given, father.middle
                child.tags.append("junior")
                father.tags.append("junior_parent")
            k += 1
            if k < children + 1 and self.rng.random() < 0.035:  # twins
                twin_sex = sex if self.rng.random() < 0.6 else ("F" if sex == "M" else "M")
                twin = self.person(community, twin_sex, surname, child.dob, home)
                child.tags.append("twin")
                twin.tags.append("twin")
                k += 1

    def household_(self) -> None:
        self.household += 1
        community = community_draw(self.rng)
        kind = self.rng.random()
        home = self.streets.new_home(flat_share=0.35 if kind > 0.6 else 0.12)
        if kind < 0.42:
            self.family(community, home, 2, int(self.rng.integers(1, 5)))
        elif kind < 0.54:
            self.family(community, home, 1, int(self.rng.integers(1, 4)))
        elif kind < 0.67:
            self.adult(community, "M", None, home)
            self.adult(community, "F", None, home)
        elif kind < 0.74:   # multi-family home: often the families of two brothers
            self.family(community, home, 2, int(self.rng.integers(1, 4)))
            brother = self.people[-1].surname if self.rng.random() < 0.6 else None
            self.family(community, home, 2, int(self.rng.integers(0, 3)), father_surname=brother)
        else:
            self.adult(community, "M" if self.rng.random() < 0.5 else "F", None, home)
        if kind < 0.74 and self.rng.random() < 0.12:   # a lodger
            lodger = self.adult(community_draw(self.rng), "M" if self.rng.random() < 0.6 else "F",
                                None, home, (18, 60))
            lodger.tags.append("lodger")


def build_people(people: int, seed: int, today: date) -> list[Person]:
    """At least ``people`` people in whole households (deterministic by seed)."""
    b = Builder(seed, people, today)
    while len(b.people) < people:
        b.household_()
    return b.people
