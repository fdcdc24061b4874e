"""Background contacts: the ordinary business each agency has with a person.

Rates per person per year by setting and age come from ``data/contacts.yaml``; each
person's number of contacts of a kind is Poisson-distributed over the part of the event
window they were alive, and each falls on a uniformly drawn day.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from .agencies import BY_CODE
from .population import Event, Person, Window

# A fire at home is rare whatever the age: contacts per person per year.
FIRE_INCIDENTS_PER_YEAR = 0.002

Contact = tuple[str, str, float]  # agency code, canonical event type, contacts per year


@dataclass(frozen=True)
class AgeBand:
    below: float  # the band holds ages under this (and over the band before)
    contacts: tuple[Contact, ...]
    home_care_share: float = 0.0
    home_care: tuple[Contact, ...] = ()


@dataclass(frozen=True)
class ContactRates:
    intensity: float
    settings: dict[str, tuple[Contact, ...]]
    ages: tuple[AgeBand, ...]

    def band(self, age: float) -> AgeBand:
        return next(band for band in self.ages if age < band.below)


def _contacts(entries: list, where: str) -> tuple[Contact, ...]:
    out = []
    for entry in entries:
        agency, etype, rate = entry
        if agency not in BY_CODE or etype not in BY_CODE[agency].event_out:
            raise ValueError(f"contacts.yaml, {where}: {agency} does not record {etype}")
        if not isinstance(rate, int | float) or rate < 0:
            raise ValueError(f"contacts.yaml, {where}: rate {rate!r} is not a number >= 0")
        out.append((agency, etype, rate))
    return tuple(out)


def parse_contact_rates(data: dict) -> ContactRates:
    """The rates in a loaded ``contacts.yaml``; raises ValueError naming the slip."""
    settings = {name: _contacts(entries, name) for name, entries in data["settings"].items()}
    bands = []
    for raw in data["ages"]:
        below = raw.get("below", math.inf)
        if bands and below <= bands[-1].below:
            raise ValueError(f"contacts.yaml: age bands must rise ({below} after {bands[-1].below})")
        home_care = raw.get("home_care", {"share": 0.0, "contacts": []})
        bands.append(AgeBand(below, _contacts(raw["contacts"], f"ages below {below}"),
                             home_care["share"], _contacts(home_care["contacts"], "home_care")))
    if not bands or bands[-1].below != math.inf:
        raise ValueError("contacts.yaml: the last age band must have no upper bound")
    return ContactRates(float(data["intensity"]), settings, tuple(bands))


@cache
def contact_rates() -> ContactRates:
    text = resources.files("aim.seeds").joinpath("data/contacts.yaml").read_text(encoding="utf-8")
    return parse_contact_rates(yaml.safe_load(text))


def school_for(age: float) -> str:
    """The school a child of ``age`` attends."""
    return "SCHOOL_OAK" if age < 11 else "SCHOOL_ELM"


def poisson(rng: random.Random, lam: float) -> int:
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


def add_background(rng: random.Random, p: Person, window: Window, rates: ContactRates) -> None:
    """Give ``p`` their background contacts; everyone gets at least one."""
    today = window.today
    years = (today - max(window.start, p.dob)) / 365.25
    if years <= 0:
        return
    age = p.age_on(today)
    contacts = rates.settings.get(p.setting)
    if contacts is None:
        band = rates.band(age)
        contacts = band.contacts
        if band.home_care and rng.random() < band.home_care_share:
            p.tags.append("home_care")
            contacts += band.home_care
    lo = max(window.start, p.dob + 1)
    for agency, etype, rate in contacts:
        for _ in range(poisson(rng, rate * years * rates.intensity)):
            day = rng.randint(lo, today)
            if agency.startswith("SCHOOL_"):
                at = p.age_on(day)
                if at < 4.0:
                    continue
                agency = school_for(at)
            p.events.append(Event(day, agency, etype))
    if rng.random() < FIRE_INCIDENTS_PER_YEAR * years:
        p.events.append(Event(rng.randint(lo, today), "FIRE", "fire_incident"))
    if not p.events:
        # everyone in the data set is known to at least one agency
        if age < 4.5:
            p.events.append(Event(rng.randint(lo, today), "COMM_HEALTH", "health_visit"))
        elif age < 16:
            p.events.append(Event(0, school_for(age), ""))
        else:
            p.events.append(Event(rng.randint(lo, today), "CITY_ED",
                                  rng.choice(("ed_attendance", "routine_appointment"))))
