"""Name and address pools for the synthetic population, built once per run then sampled.

Given names and surnames come from Faker's locale data (en_GB, en_IE, en_IN, pl_PL, ro_RO,
yo_NG, ig_NG, tw_GH) plus a short list of names common in British South Asian communities
shipped in ``data/west_midlands.yaml``; nicknames come from the ``nicknames`` package's
curated table. Nothing is downloaded at run time, and nothing here depends on the clock:
pools are sorted so that a seed always gives the same people.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

# Community -> share of the population (Birmingham-like mix, rounded).
COMMUNITY_WEIGHTS = {
    "british": 0.60,
    "south_asian": 0.17,
    "indian": 0.05,
    "african": 0.06,
    "irish": 0.04,
    "polish": 0.05,
    "romanian": 0.03,
}


@dataclass(frozen=True)
class Community:
    name: str
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    surname_weights: tuple[float, ...] | None = None


@cache
def reference_data() -> dict:
    text = resources.files("aim.seeds").joinpath("data/west_midlands.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _person_provider(locale: str):
    from faker import Faker

    fake = Faker(locale)
    for provider in fake.providers:
        if type(provider).__module__.startswith("faker.providers.person"):
            return provider
    raise LookupError(locale)


def _ascii_ok(name: str) -> bool:
    return all(ch.isalpha() or ch in " -'" for ch in name) and name[:1].isupper()


def _clean(names) -> tuple[str, ...]:
    return tuple(sorted({n.strip() for n in names if n and _ascii_ok(n.strip())}))


@cache
def communities() -> dict[str, Community]:
    ref = reference_data()
    out: dict[str, Community] = {}
    gb = _person_provider("en_GB")
    gb_last = dict(gb.last_names)
    gb_names = sorted(gb_last)
    out["british"] = Community(
        "british", _clean(gb.first_names_male), _clean(gb.first_names_female),
        tuple(gb_names), tuple(float(gb_last[n]) for n in gb_names),
    )
    sa = ref["south_asian"]
    out["south_asian"] = Community(
        "south_asian", _clean(sa["male"]), _clean(sa["female"]),
        _clean(s for s in sa["surnames"] if s != "Kaur"),
    )
    ind = _person_provider("en_IN")
    out["indian"] = Community("indian", _clean(ind.first_names_male),
                              _clean(ind.first_names_female), _clean(ind.last_names))
    male: list[str] = []
    female: list[str] = []
    last: list[str] = []
    for loc in ("yo_NG", "ig_NG", "tw_GH"):
        p = _person_provider(loc)
        male += list(p.first_names_male)
        female += list(p.first_names_female)
        last += list(p.last_names)
    out["african"] = Community("african", _clean(male), _clean(female), _clean(last))
    ie = _person_provider("en_IE")
    out["irish"] = Community("irish", _clean(ie.first_names_male), _clean(ie.first_names_female),
                             _clean(ie.last_names))
    pl = _person_provider("pl_PL")
    out["polish"] = Community("polish", _clean(pl.first_names_male), _clean(pl.first_names_female),
                              _clean(pl.male_last_names))
    ro = _person_provider("ro_RO")
    out["romanian"] = Community("romanian", _clean(ro.first_names_male),
                                _clean(ro.first_names_female), _clean(ro.last_names))
    return out


def feminine_surname(community: str, surname: str) -> str:
    """Polish surnames agree with gender: Kowalski -> Kowalska."""
    if community != "polish":
        return surname
    for male, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if surname.endswith(male):
            return surname[: -len(male)] + female
    return surname


@cache
def nickname_table() -> dict[str, tuple[str, ...]]:
    """Given name (lower case) -> its common nicknames, from the ``nicknames`` package."""
    from nicknames import NickNamer

    lookup = NickNamer().nickname_lookup
    return {
        name: tuple(sorted(n for n in nicks if len(n) >= 2 and n != name))
        for name, nicks in lookup.items()
        if nicks
    }


_ASCII_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d"})


def ascii_fold(text: str) -> str:
    """What a legacy ASCII-only system makes of a name: Piaścik -> Piascik."""
    text = text.translate(_ASCII_EXTRA)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class NamePool:
    """Sampling of names for one run, driven by the run's ``random.Random``."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.communities = communities()
        self.community_names = sorted(COMMUNITY_WEIGHTS)
        self.community_weights = [COMMUNITY_WEIGHTS[c] for c in self.community_names]
        self.nicknames = nickname_table()
        self._cum: dict[str, list[float]] = {}
        for name, community in self.communities.items():
            if community.surname_weights:
                total, acc = 0.0, []
                for w in community.surname_weights:
                    total += w
                    acc.append(total)
                self._cum[name] = acc

    def community(self) -> str:
        return self.rng.choices(self.community_names, self.community_weights)[0]

    def given(self, community: str, gender: str) -> str:
        c = self.communities[community]
        pool = c.female if gender == "F" else c.male if gender == "M" else (c.male + c.female)
        return self.rng.choice(pool)

    def surname(self, community: str) -> str:
        c = self.communities[community]
        if community in self._cum:
            return self.rng.choices(c.surnames, cum_weights=self._cum[community])[0]
        return self.rng.choice(c.surnames)

    def nickname_of(self, first: str) -> str | None:
        nicks = self.nicknames.get(first.lower())
        if not nicks:
            return None
        return self.rng.choice(nicks).title()
