"""Addresses of the synthetic city: real Birmingham localities, made-up streets, shared postcodes.

Streets are made from local stems and suffixes in a real locality with its real postcode
district; house numbers rise along a street and a postcode covers about 30 neighbouring
numbers, so neighbours share one, as in life.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .names import NamePool, reference_data

HOUSES_PER_POSTCODE = 30
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


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
class Street:
    name: str
    locality: str
    district: str
    next_number: int
    postcodes: list[str]


@dataclass(slots=True)
class Building:
    line: str  # "Hockley Court, 40 Hockley Hill"
    locality: str
    postcode: str


class AddressBook:
    """Every address of one run, made on demand from the run's ``random.Random``."""

    def __init__(self, rng: random.Random, names: NamePool, people: int):
        self.rng = rng
        self.names = names
        ref = reference_data()
        self.localities = [tuple(x) for x in ref["localities"]]
        self.building_names = ref["shared_addresses"]
        suffixes = ref["street_suffixes"]
        self.suffix_names = list(suffixes)
        self.suffix_weights = [suffixes[s] for s in self.suffix_names]
        self.stems = list(ref["street_stems"])
        self.count = 0
        self._used_postcodes: set[str] = set()
        self._streets = [self._new_street() for _ in range(max(60, people // 60))]

    def _new_postcode(self, district: str) -> str:
        rng = self.rng
        while True:
            pc = f"{district} {rng.randint(1, 9)}{rng.choice(_POSTCODE_LETTERS)}{rng.choice(_POSTCODE_LETTERS)}"
            if pc not in self._used_postcodes:
                self._used_postcodes.add(pc)
                return pc

    def _new_street(self) -> Street:
        stem = self.rng.choice(self.stems) if self.rng.random() < 0.6 else self.names.surname("british")
        suffix = self.rng.choices(self.suffix_names, self.suffix_weights)[0]
        locality, district = self.rng.choice(self.localities)
        return Street(f"{stem} {suffix}", locality, district, self.rng.randint(1, 40), [])

    def _street_number(self, street: Street) -> tuple[int, str]:
        number = street.next_number
        street.next_number += self.rng.choice((1, 1, 2, 2, 3))
        idx = (number - 1) // HOUSES_PER_POSTCODE
        while len(street.postcodes) <= idx:
            street.postcodes.append(self._new_postcode(street.district))
        return number, street.postcodes[idx]

    def new_id(self) -> str:
        self.count += 1
        return f"A{self.count:07d}"

    def new_house(self) -> Address:
        street = self.rng.choice(self._streets)
        number, postcode = self._street_number(street)
        return Address(self.new_id(), f"{number} {street.name}", "", street.locality, postcode, "house")

    def new_building(self, kind: str) -> Building:
        """A named building (care home, hostel, block of flats) on a street of its own."""
        street = self._new_street()
        self._streets.append(street)
        number, postcode = self._street_number(street)
        name = self.rng.choice(self.building_names[kind])
        return Building(f"{name}, {number} {street.name}", street.locality, postcode)
