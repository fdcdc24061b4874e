"""Scenarios: planted patterns of multi-agency activity that alerting should (or should not) find.

``REGISTRY`` names every kind: its subject (a person or a household), its rate per 10,000
people, whether it should alert, the household kinds it can happen in, and the function
that builds it. A household gets at most one scenario: the first kind, in registry order,
that is still wanted and that the household can carry. The first of a kind that is recent
enough becomes the demo's (``manifest.json`` → ``demo``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from .contacts import school_for
from .population import Event, Person, Unit, Window, iso

# Days after the last scenario event within which an alert still counts as on time.
RECOGNITION_DAYS = 28
# Agencies involved by the time a pattern is recognisable (or its last event, if fewer).
RECOGNISABLE_AGENCIES = 3
# The demo's scenario of each kind ends this many days before today (lo, hi), so that
# `aim demo`, which runs the rules as of today, shows it as a current alert.
DEMO_LAST_EVENT_DAYS_AGO = (2, 6)


@dataclass(frozen=True)
class Home:
    """A household that stayed at one address, with its members by age on ``today``."""

    hid: str
    kids: list[Person]  # under 16
    adults: list[Person]  # 18 and over
    residents: list[Person]


@dataclass
class Built:
    subject_id: str
    events: list[tuple[Person, Event]]
    demo: Person | None = None  # the person the demo shows, when this one is recent enough


@dataclass(frozen=True)
class ScenarioKind:
    kind: str
    subject_type: str  # person | household
    rate: float  # per 10,000 people; at least one of each kind is made
    should_alert: bool
    unit_kinds: frozenset[str]
    build: Callable[[Scenarios, Home], Built | None]  # None: this household cannot carry it


class Scenarios:
    """The scenarios of one run: which are still wanted, and the demo's."""

    def __init__(self, rng: random.Random, window: Window):
        self.rng = rng
        self.window = window
        self.count = 0
        self.counts = {spec.kind: 0 for spec in REGISTRY}
        self.demo: dict[str, dict] = {}

    def demo_pending(self, kind: str) -> bool:
        return kind not in self.demo

    def start(self, duration: int, recent: bool = False) -> int:
        """A first day for a scenario lasting ``duration`` days: half of them in the last 90 days."""
        start, today = self.window.start, self.window.today
        latest = today - duration - 1
        if self.rng.random() < 0.5 or recent:
            return max(start + 1, latest - self.rng.randint(0, 90))
        return self.rng.randint(start + 1, max(start + 1, latest))

    def year_start(self) -> int:
        """A first day for a scenario spread over a year."""
        start = self.window.start
        return self.rng.randint(start + 1, max(start + 1, self.window.today - 370))

    def _wanted(self, spec: ScenarioKind, people: int) -> bool:
        done = self.counts[spec.kind]
        return done == 0 or done < spec.rate * people / 10_000

    def add(self, unit: Unit, people: int) -> None:
        """Give ``unit`` a scenario if one is wanted and it can carry it (``people`` made so far)."""
        hid, residents = unit.households[0]
        if sum(1 for period in unit.addr_periods if period[0] == hid) > 1:
            return  # a household that moved during the window carries none
        today = self.window.today
        home = Home(hid, [p for p in residents if p.age_on(today) < 16],
                    [p for p in residents if p.age_on(today) >= 18], residents)
        for spec in REGISTRY:
            if unit.kind in spec.unit_kinds and self._wanted(spec, people):
                built = spec.build(self, home)
                if built is not None:
                    self._record(unit, spec, built)
                    return

    def _record(self, unit: Unit, spec: ScenarioKind, built: Built) -> None:
        if built.demo is not None and self.demo_pending(spec.kind):
            self._bring_up_to_date(built)
        self.count += 1
        self.counts[spec.kind] += 1
        sid = f"S{self.count:05d}"
        for person, ev in built.events:
            ev.scenario = sid
            person.events.append(ev)
        in_order = sorted((ev for _, ev in built.events), key=lambda ev: ev.day)
        recognisable = in_order[-1].day
        seen: set[str] = set()
        for ev in in_order:
            seen.add(ev.agency)
            if len(seen) >= RECOGNISABLE_AGENCIES:
                recognisable = ev.day
                break
        row = {
            "scenario_id": sid, "kind": spec.kind, "subject_type": spec.subject_type,
            "subject_id": built.subject_id, "first_event_date": iso(in_order[0].day),
            "window_start": iso(recognisable if spec.should_alert else in_order[0].day),
            "window_end": iso(in_order[-1].day + RECOGNITION_DAYS),
            "should_alert": "true" if spec.should_alert else "false",
        }
        unit.scenarios.append(row)
        if built.demo is not None and self.demo_pending(spec.kind):
            self.demo[spec.kind] = self._demo(row, built.demo)

    def _bring_up_to_date(self, built: Built) -> None:
        """Move the demo's scenario later, whole, so its last event falls a few days before
        today (gaps between its events unchanged)."""
        last = max(ev.day for _, ev in built.events)
        shift = self.window.today - self.rng.randint(*DEMO_LAST_EVENT_DAYS_AGO) - last
        if shift > 0:
            for _, ev in built.events:
                ev.day += shift

    def _demo(self, row: dict, p: Person) -> dict:
        today = self.window.today
        household = row["subject_id"] if row["subject_type"] == "household" else p.households[-1][0]
        return {
            "scenario_id": row["scenario_id"], "kind": row["kind"],
            "first_event_date": row["first_event_date"], "window_start": row["window_start"],
            "window_end": row["window_end"], "person_id": p.pid, "household_id": household,
            "first_name": p.first, "last_name": p.surname_on(today), "date_of_birth": iso(p.dob),
            "address": p.address_on(today).text(), "postcode": p.address_on(today).postcode,
        }


def _school(child: Person, day: int) -> str:
    return school_for(child.age_on(day))


def escalating_child_concern(s: Scenarios, home: Home) -> Built | None:
    """Hospital injury → school (or health visiting) concern → police → often more."""
    rng, today = s.rng, s.window.today
    demo = s.demo_pending("escalating_child_concern")
    # the demo's child is of school age, and recent
    min_age = 6.5 if demo else 2.5
    eligible = [k for k in home.kids if k.age_on(today) >= min_age]
    if not eligible:
        return None
    child = rng.choice(eligible)
    start = max(s.start(60, recent=demo), child.dob + 365)
    evs = [(child, Event(start, "CHILD_HOSP", rng.choice(("injury", "injury", "ed_attendance"))))]
    d = start + rng.randint(4, 14)
    if child.age_on(start) >= 4.5:
        evs.append((child, Event(d, _school(child, d), rng.choice(("safeguarding_concern", "attendance_concern")))))
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
    recent = child.age_on(start) >= 6 and start >= today - 150
    return Built(child.pid, evs, child if recent else None)


def domestic_abuse(s: Scenarios, home: Home) -> Built | None:
    """Police incidents 10-30 days apart, injuries at ED, the children's attendance slipping."""
    rng, today = s.rng, s.window.today
    school_kids = [k for k in home.kids if k.age_on(today) >= 5]
    if len(home.adults) < 2 or not school_kids:
        return None
    victim = next((a for a in home.adults if a.gender == "F"), home.adults[0])
    suspect = next(a for a in home.adults if a is not victim)
    start = s.start(125, recent=s.demo_pending("domestic_abuse"))
    evs = []
    d = last_incident = start
    for i in range(rng.randint(2, 4)):
        evs.append((victim, Event(d, "WMP", "domestic_abuse_incident")))
        if rng.random() < 0.6:
            evs.append((suspect, Event(d, "WMP", "crime_suspect")))
        if i < 2:
            evs.append((victim, Event(d + rng.randint(0, 1), "CITY_ED", "injury")))
        last_incident = d
        d += rng.randint(10, 30)
    for k in school_kids:
        for _ in range(rng.randint(1, 3)):
            # attendance slips while the abuse goes on, up to a week after the last incident
            day = rng.randint(start + 3, last_incident + 7)
            if k.age_on(day) >= 4.5:
                evs.append((k, Event(day, _school(k, day), "attendance_concern")))
    return Built(home.hid, evs, victim if start >= today - 200 else None)


def decoy_busy_family(s: Scenarios, home: Home) -> Built | None:
    """Many routine contacts for a large family over a year: must not alert."""
    rng = s.rng
    if len(home.kids) < 3:
        return None
    start = s.year_start()
    evs = []
    for k in home.kids:
        for _ in range(rng.randint(3, 5)):
            d = rng.randint(min(max(start, k.dob + 1), start + 365), start + 365)
            if k.age_on(d) < 4.5:
                evs.append((k, Event(d, "COMM_HEALTH", "health_visit")))
            elif rng.random() < 0.6:
                evs.append((k, Event(d, _school(k, d), "routine_contact")))
            else:
                evs.append((k, Event(d, "CHILD_HOSP", "routine_appointment")))
    for a in home.adults:
        evs.append((a, Event(rng.randint(start, start + 365), "CITY_ED", "routine_appointment")))
    return Built(home.hid, evs)


def decoy_frequent_attender(s: Scenarios, home: Home) -> Built | None:
    """A child with many outpatient appointments at one hospital over a year: must not alert."""
    rng, today = s.rng, s.window.today
    if not home.kids:
        return None
    child = rng.choice(home.kids)
    start = s.year_start()
    lo = min(max(start, child.dob + 1), today - 60)
    hi = min(lo + 365, today)
    days = sorted({rng.randint(lo, hi) for _ in range(rng.randint(8, 14))})
    return Built(child.pid, [(child, Event(d, "CHILD_HOSP", "routine_appointment")) for d in days])


def adult_at_risk(s: Scenarios, home: Home) -> Built | None:
    """An older person at home: a fall → fire safe-and-well visit → social care referral → a fall."""
    rng, today = s.rng, s.window.today
    elders = [p for p in home.residents if p.age_on(today) >= 75]
    if not elders:
        return None
    elder = rng.choice(elders)
    start = s.start(70, recent=s.demo_pending("adult_at_risk"))
    evs = [(elder, Event(start, "CITY_ED", "fall"))]
    d = start + rng.randint(5, 20)
    evs.append((elder, Event(d, "FIRE", "safe_and_well_visit")))
    d += rng.randint(3, 15)
    evs.append((elder, Event(d, "ASC", "referral")))
    d += rng.randint(2, 15)
    evs.append((elder, Event(d, "CITY_ED", "fall")))
    if rng.random() < 0.5:
        evs.append((elder, Event(d + rng.randint(3, 10), "ASC", "assessment")))
    return Built(elder.pid, evs, elder if start >= today - 150 else None)


_FAMILIES = frozenset({"family", "multi_generation"})
_ADULTS_AT_HOME = frozenset({"single", "couple"})
REGISTRY: tuple[ScenarioKind, ...] = (
    ScenarioKind("escalating_child_concern", "person", 6.0, True, _FAMILIES, escalating_child_concern),
    ScenarioKind("domestic_abuse", "household", 6.0, True, _FAMILIES, domestic_abuse),
    ScenarioKind("adult_at_risk", "person", 6.0, True, _ADULTS_AT_HOME, adult_at_risk),
    ScenarioKind("decoy_busy_family", "household", 8.0, False, _FAMILIES, decoy_busy_family),
    ScenarioKind("decoy_frequent_attender", "person", 4.0, False, _FAMILIES, decoy_frequent_attender),
)
