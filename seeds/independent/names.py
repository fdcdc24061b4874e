"""Name pools of the independent population, per community, with their own frequencies.

The names come from Faker locales that the seeds population does not use (en_NZ and
en_US for the British-born majority, en_PK, en_KE, ha_NG, tr_TR, lt_LT, sk_SK, pt_PT,
hu_HU, ga_IE, and zh_CN's romanised names). Frequencies follow the locale's own weights
where Faker ships them, otherwise a Zipf law over a seed-independent order (sha1 of the
name), so a common name is common and the tail is long. Pools are built once and sorted:
the same seed always gives the same people.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np

# community -> (share of the population, given-name locale(s), surname locale)
COMMUNITIES: dict[str, tuple[float, tuple[str, ...], str]] = {
    "uk_born": (0.55, ("en_NZ",), "en_US"),
    "pakistani": (0.12, ("en_PK",), "en_PK"),
    "east_african": (0.06, ("en_KE",), "en_KE"),
    "hausa": (0.03, ("ha_NG",), "ha_NG"),
    "irish": (0.04, ("ga_IE",), "ga_IE"),
    "turkish": (0.03, ("tr_TR",), "tr_TR"),
    "lithuanian": (0.03, ("lt_LT",), "lt_LT"),
    "slovak": (0.03, ("sk_SK",), "sk_SK"),
    "portuguese": (0.04, ("pt_PT",), "pt_PT"),
    "hungarian": (0.03, ("hu_HU",), "hu_HU"),
    "chinese": (0.04, ("zh_CN",), "zh_CN"),
}
# Many Pakistani and Hausa boys are registered "Muhammad <called name>".
DEVOTIONAL_PREFIX = {"pakistani": 0.35, "hausa": 0.25}


@dataclass(frozen=True)
class Pool:
    names: tuple[str, ...]
    cumulative: np.ndarray   # cumulative probabilities, for searchsorted sampling

    def draw(self, rng: np.random.Generator) -> str:
        return self.names[int(np.searchsorted(self.cumulative, rng.random(), side="right"))]


@dataclass(frozen=True)
class CommunityPools:
    male: Pool
    female: Pool
    surnames: Pool


def _latin(name: str) -> str:
    """Keep the name as a record would carry it: Latin letters, accents allowed."""
    return name if all(ch.isalpha() or ch in " -'" for ch in name) and name[:1].isupper() else ""


def _provider(locale: str):
    from faker import Faker

    for provider in Faker(locale).providers:
        if type(provider).__module__.startswith("faker.providers.person"):
            return provider
    raise LookupError(locale)


def _pool(source) -> Pool:
    """A pool from a Faker name table: its weights if it has them, else Zipf(1.0)."""
    if hasattr(source, "items"):
        items = {_latin(k): float(v) for k, v in source.items() if _latin(k)}
    else:
        distinct = sorted({_latin(x) for x in source if _latin(x)},
                          key=lambda x: hashlib.sha1(x.encode()).hexdigest())
        items = {x: 1.0 / (rank + 1) for rank, x in enumerate(distinct)}
    names = tuple(sorted(items))
    weights = np.array([items[x] for x in names])
    return Pool(names, np.cumsum(weights) / weights.sum())


def _table(provider, *attrs: str):
    for attr in attrs:
        value = getattr(provider, attr, None)
        if value:
            return value
    raise LookupError(attrs)


@cache
def community_pools() -> dict[str, CommunityPools]:
    out = {}
    for community, (_, given_locales, surname_locale) in COMMUNITIES.items():
        given = _provider(given_locales[0])
        if community == "chinese":
            male = female = _table(given, "first_romanized_names")
            surnames = _table(_provider(surname_locale), "last_romanized_names")
        else:
            male = _table(given, "first_names_male", "first_names")
            female = _table(given, "first_names_female", "first_names")
            surnames = _table(_provider(surname_locale), "last_names")
        out[community] = CommunityPools(_pool(male), _pool(female), _pool(surnames))
    return out


def community_draw(rng: np.random.Generator) -> str:
    names = list(COMMUNITIES)
    shares = np.array([COMMUNITIES[c][0] for c in names])
    return names[int(np.searchsorted(np.cumsum(shares) / shares.sum(), rng.random(), side="right"))]


def ascii_fold(name: str) -> str:
    """How a system without accents stores the name (``Kovács`` → ``Kovacs``)."""
    text = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).replace("ı", "i")
