"""aim.seeds.contacts: background contact rates come from data/contacts.yaml, checked on load."""

from __future__ import annotations

import copy
import math
import random
from importlib import resources

import pytest
import yaml

from aim.seeds.contacts import add_background, contact_rates, parse_contact_rates
from aim.seeds.population import Person, Window


@pytest.fixture
def raw() -> dict:
    text = resources.files("aim.seeds").joinpath("data/contacts.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def test_age_bands_cover_every_age() -> None:
    rates = contact_rates()
    assert [band.below for band in rates.ages] == [4.5, 11, 16, 65, 80, math.inf]
    assert rates.band(3).contacts[0] == ("COMM_HEALTH", "health_visit", 1.6)
    assert rates.band(80).home_care_share == 0.2
    assert set(rates.settings) == {"care_home", "hostel"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["settings"]["hostel"].append(["WMP", "health_visit", 1]), "WMP does not record health_visit"),
        (lambda d: d["settings"]["hostel"].append(["POLICE", "witness", 1]), "POLICE does not record witness"),
        (lambda d: d["ages"][0]["contacts"].append(["CSC", "contact", -1]), "is not a number >= 0"),
        (lambda d: d["ages"][1].update(below=3), "age bands must rise"),
        (lambda d: d["ages"].pop(), "the last age band must have no upper bound"),
    ],
)
def test_a_slip_in_the_rates_is_refused(raw, change, message) -> None:
    broken = copy.deepcopy(raw)
    change(broken)
    with pytest.raises(ValueError, match=message):
        parse_contact_rates(broken)


def test_everyone_gets_a_contact_and_school_contacts_follow_age() -> None:
    window = Window(start=739_000, today=739_730)
    rng = random.Random(5)
    for age_days in (300, 2_000, 4_500, 30_000):
        person = Person("P1", "Ann", "", "Lee", "F", window.today - age_days, "british")
        add_background(rng, person, window, contact_rates())
        assert person.events
        for ev in person.events:
            if ev.agency.startswith("SCHOOL_") and ev.day:
                age = person.age_on(ev.day)
                assert age >= 4.0 and ev.agency == ("SCHOOL_OAK" if age < 11 else "SCHOOL_ELM")
