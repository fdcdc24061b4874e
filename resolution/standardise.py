"""Standardisation of the minimum data set: postcodes and addresses (names and dates follow)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

import jellyfish

# The caches below keep plain tuples of strings and numbers, never objects or sets: Python's
# garbage collector skips such tuples, while every cached object or set is walked by each of
# its full passes. In the API, whose caches fill with the names, dates and postcodes of
# months of submissions, those passes held every request for longer and longer (a few
# objects more for each record; docs/benchmarks.md, session 16).

# The UK postcode grammar (BS 7666): outward code, then a space, then sector digit + unit.
_UK_POSTCODE = re.compile(
    r"^(GIR0AA|[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
    r"([0-9][ABD-HJLNP-UW-Z]{2})$"
)


@dataclass(frozen=True, slots=True)
class Postcode:
    """A postcode after standardisation. ``valid`` is False for anything that is not UK."""

    text: str
    valid: bool
    outward: str = ""
    sector: str = ""


def normalise_postcode(raw: str | None) -> Postcode:
    """``"b15 2tt"`` → ``Postcode("B15 2TT", True, "B15", "B15 2")``.

    A value that is not a UK postcode (a typo, a foreign code) keeps its compacted text
    with ``valid=False`` so that callers compare it as a plain string, never fail on it.
    """
    return Postcode(*postcode_parts(raw))


def postcode_parts(raw: str | None) -> tuple[str, bool, str, str]:
    """:func:`normalise_postcode` as a plain tuple: what a cache keeps (see the note on caches
    above)."""
    compact = re.sub(r"[^0-9A-Za-z]", "", raw or "").upper()
    match = _UK_POSTCODE.match(compact)
    if not match:
        return compact, False, "", ""
    outward, inward = match.groups()
    return f"{outward} {inward}", True, outward, f"{outward} {inward[0]}"


# Royal Mail style abbreviations, expanded so that "12 High St" and "12 HIGH STREET" agree.
ADDRESS_ABBREVIATIONS = {
    "ST": "STREET", "RD": "ROAD", "AVE": "AVENUE", "AV": "AVENUE", "LN": "LANE",
    "DR": "DRIVE", "CT": "COURT", "CRES": "CRESCENT", "CR": "CRESCENT", "PL": "PLACE",
    "SQ": "SQUARE", "GDNS": "GARDENS", "GRN": "GREEN", "GR": "GROVE", "GRO": "GROVE",
    "TER": "TERRACE", "TERR": "TERRACE", "CL": "CLOSE", "PK": "PARK", "HSE": "HOUSE",
    "APT": "FLAT", "APARTMENT": "FLAT", "FLT": "FLAT", "BLDG": "BUILDING", "WY": "WAY",
    "HWY": "HIGHWAY", "MT": "MOUNT", "N": "NORTH", "S": "SOUTH", "E": "EAST", "W": "WEST",
}


_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")


def normalise_address(raw: str | None) -> str:
    """Upper case, punctuation folded to spaces, abbreviations expanded, whitespace collapsed."""
    tokens = _NON_ALNUM.sub(" ", raw or "").upper().split()
    return " ".join(map(ADDRESS_ABBREVIATIONS.get, tokens, tokens))


# ---------------------------------------------------------------------------------------
# Addresses: house and flat numbers
# ---------------------------------------------------------------------------------------

_FLAT_WORDS = {"FLAT", "UNIT", "ROOM", "SUITE"}


@dataclass(frozen=True, slots=True)
class Address:
    """A standardised address: full text, flat number, house number and the street tokens."""

    text: str
    flat: str = ""
    house: str = ""
    street: str = ""


def parse_address(raw: str | None) -> Address:
    """``"Flat 2, 14a High St"`` → ``Address("FLAT 2 14A HIGH STREET", "2", "14A", "HIGH STREET")``.

    The house number is the first token that starts with a digit (after any flat number);
    ``street`` is the remaining text without numbers, used for token comparisons.
    """
    text = normalise_address(raw)
    tokens = text.split()
    flat = house = ""
    rest: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in _FLAT_WORDS and i + 1 < len(tokens) and not flat:
            flat = tokens[i + 1]
            i += 2
            continue
        if tok[0].isdigit():
            if not house:
                house = tok
            elif not flat:
                # "2 14 HIGH STREET": the first number was the flat.
                flat, house = house, tok
            i += 1
            continue
        rest.append(tok)
        i += 1
    return Address(text, flat, house, " ".join(rest))


def street_key(address: Address) -> str:
    """House number and the first word of the street (``14A HIGH``): one building, however
    the rest of the address, the flat or the postcode was written; "" without both."""
    word = address.street.split(" ", 1)[0]
    return f"{address.house} {word}" if address.house and word else ""


# ---------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------

# Surname particles: "van der Berg" and "Vanderberg" agree once the spaces go.
SURNAME_PARTICLES = frozenset(
    {"VAN", "DER", "DEN", "DE", "LA", "LE", "DU", "DA", "DI", "DEL", "DELLA", "VON", "ST",
     "SAINT", "MC", "MAC", "O", "BIN", "BINTI", "AL", "EL", "TER", "TEN", "DOS", "DAS"}
)
_TITLES = frozenset({"MR", "MRS", "MS", "MISS", "DR", "PROF", "REV", "SIR", "MX", "MASTER"})
_SUFFIXES = frozenset({"JR", "JNR", "SR", "SNR", "II", "III", "IV"})


def _fold(raw: str | None) -> str:
    """Strip accents, upper case; apostrophes vanish (O'Brien → OBRIEN), other punctuation → space."""
    if not raw:
        return ""
    text = unicodedata.normalize("NFKD", str(raw))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.upper().replace("'", "").replace("\u2019", "").replace("`", "")
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", text).split())


def normalise_name(raw: str | None) -> str:
    """``"  José-María  "`` → ``"JOSE MARIA"``: accents, case, punctuation and hyphens folded."""
    tokens = [t for t in _fold(raw).split() if t not in _TITLES and t not in _SUFFIXES]
    return " ".join(tokens)


def first_name_key(raw: str | None) -> str:
    """The given name used for comparison: the first token of the normalised name."""
    tokens = normalise_name(raw).split()
    return tokens[0] if tokens else ""


def first_two_names(normalised: str) -> str:
    """The given name and the first middle name of normalised given names (``"MUHAMMAD
    ALI"``): what the clustering guard compares, so that "ALI" and "MUHAMMAD ALI" agree and
    "MUHAMMAD ALI" and "MUHAMMAD OMAR" (twins) do not."""
    return " ".join(normalised.split()[:2])


def surname_key(raw: str | None) -> str:
    """Surname with particles joined: ``"van der Berg"`` → ``"VANDERBERG"``, hyphens → joined."""
    return normalise_name(raw).replace(" ", "")


def surname_tokens(raw: str | None) -> tuple[str, ...]:
    """The parts of a double-barrelled surname, without particles:
    ``"Smith-Jones"`` → ``("SMITH", "JONES")``; ``"van der Berg"`` → ``("BERG",)``."""
    tokens = tuple(t for t in normalise_name(raw).split() if t not in SURNAME_PARTICLES)
    return tokens or tuple(normalise_name(raw).split())


@lru_cache(maxsize=1_000_000)
def phonetic_key(name: str) -> str:
    """Metaphone of a normalised name (jellyfish); NYSIIS when metaphone is empty."""
    if not name:
        return ""
    return jellyfish.metaphone(name) or jellyfish.nysiis(name)


@lru_cache(maxsize=1_000_000)
def nysiis_key(name: str) -> str:
    return jellyfish.nysiis(name) if name else ""


@cache
def _nick_namer():
    """The ``nicknames`` dataset's English nickname ↔ given-name table (ships its CSV)."""
    from nicknames import NickNamer

    return NickNamer()


# Cached by name, as plain tuples (see the note on caches).
@lru_cache(maxsize=200_000)
def _related(name: str) -> tuple[str, ...]:
    """The name, its English nicknames and its full forms."""
    nn, low = _nick_namer(), name.lower()
    return tuple(sorted({x.upper() for x in {low} | set(nn.nicknames_of(low)) | set(nn.canonicals_of(low))}))


@lru_cache(maxsize=200_000)
def _canonicals(name: str) -> tuple[str, ...]:
    """The full forms of an English nickname."""
    return tuple(sorted({x.upper() for x in _nick_namer().canonicals_of(name.lower())}))


def _nicknames_agree(a: str, b: str) -> bool:
    """One name a nickname or full form of the other, or both nicknames of one full form."""
    if not a or not b:
        return False
    return a == b or b in _related(a) or a in _related(b) or not set(_canonicals(a)).isdisjoint(_canonicals(b))


@lru_cache(maxsize=500_000)
def spelling_groups(name: str) -> tuple[str, ...]:
    """Romanisation variant clusters of a normalised name from the maintained
    ``name-variants`` tables (Arabic, Persian, Turkish, Chinese, Indian, Russian and more):
    ``MOHAMMED``, ``MUHAMMAD`` and ``MOHAMED`` share one; ``CHEN`` and ``CHAN`` another.
    Sorted, a plain tuple (see the note on caches)."""
    if len(name) < 2:
        return ()
    from name_variants import lookup

    return tuple(sorted(set(map(_cluster_label, lookup(name.lower())))))


@lru_cache(maxsize=None)
def _cluster_label(cluster) -> str:
    """A stable name for one ``name-variants`` cluster (its language and first form)."""
    return f"var:{cluster.language}:{min(cluster.forms)}"


@lru_cache(maxsize=500_000)
def given_name_groups(name: str) -> tuple[str, ...]:
    """Groups of equivalent given names: an English nickname and its full forms share
    the full form's group (``nicknames``), and romanisation variants share a cluster.
    Sorted, a plain tuple (see the note on caches)."""
    if not name:
        return ()
    nick = {f"nick:{c}" for c in _canonicals(name)}
    if set(_related(name)) - {name}:
        nick.add(f"nick:{name}")
    return tuple(sorted(nick.union(spelling_groups(name))))


@lru_cache(maxsize=50_000)
def given_name_variants(name: str) -> tuple[str, ...]:
    """The given names equivalent to a normalised one, written out (for search): its English
    nicknames and full forms, and its romanisation variants (``name-variants``). Sorted, a
    plain tuple (see the note on caches)."""
    if len(name) < 2:
        return ()
    from name_variants import lookup

    spelt = {_fold(form) for cluster in lookup(name.lower()) for form in cluster.forms}
    return tuple(sorted(set(_related(name)) | {f for f in spelt if f.isalpha()}))


def nickname_equivalent(a: str, b: str) -> bool:
    """``nickname_equivalent("BILL", "WILLIAM")`` → True (normalised given names); also
    spelling variants across communities (``YUSUF`` / ``YOUSSEF``)."""
    return _nicknames_agree(a, b) or not set(given_name_groups(a)).isdisjoint(given_name_groups(b))


# ---------------------------------------------------------------------------------------
# Dates of birth
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A possibly partial date of birth: 0 stands for an unknown part."""

    year: int = 0
    month: int = 0
    day: int = 0

    @property
    def full(self) -> bool:
        return bool(self.year and self.month and self.day)

    @property
    def text(self) -> str:
        """``YYYYMMDD`` with ``00`` for unknown parts; "" when nothing is known."""
        if not self.year:
            return ""
        return f"{self.year:04d}{self.month:02d}{self.day:02d}"


_MONTHS = {m: i + 1 for i, m in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"])}
_DIGITS = re.compile(r"\d+")
_LETTERS = re.compile(r"[A-Z]")


def _valid(y: int, m: int, d: int) -> bool:
    if not (1800 <= y <= 2100) or not (0 <= m <= 12) or not (0 <= d <= 31):
        return False
    if m and d:
        try:
            date(y, m, d)
        except ValueError:
            return False
    return True


def _expand_year(y: int) -> int:
    if y >= 100:
        return y
    this = date.today().year % 100
    return 2000 + y if y <= this else 1900 + y


def parse_dob(raw: str | None) -> BirthDate:
    """Parse a date of birth in any of the formats partners send.

    ISO ``1980-03-12``, UK ``12/03/1980`` (also ``-`` and ``.``), compact ``19800312``,
    ``12-Mar-1980``, two-digit years, and partial dates: ``1980``, ``03/1980``, ``1980-03``.
    UK order (day first) is assumed for ``a/b/yyyy``; when the day part cannot be a day and
    the month part can (``03/25/1980``), the swap is detected and corrected. Anything
    unparseable gives an empty ``BirthDate()`` (treated as missing, never an error).
    """
    return BirthDate(*_dob_parts(raw))


_NO_DATE = (0, 0, 0)


@lru_cache(maxsize=500_000)
def _dob_parts(raw: str | None) -> tuple[int, int, int]:
    """:func:`parse_dob` as a plain tuple (year, month, day), cached (see the note on caches above)."""
    if raw is None:
        return _NO_DATE
    text = str(raw).strip().upper()
    if not text:
        return _NO_DATE
    for name, num in (_MONTHS.items() if _LETTERS.search(text) else ()):
        if name in text:
            text = re.sub(name + r"[A-Z]*", f" {num} ", text)
            break
    parts = _DIGITS.findall(text)
    y = m = d = 0
    if len(parts) == 1:
        p = parts[0]
        if len(p) == 8:
            if 1800 <= int(p[:4]) <= 2100:
                y, m, d = int(p[:4]), int(p[4:6]), int(p[6:])
            else:
                d, m, y = int(p[:2]), int(p[2:4]), int(p[4:])
        elif len(p) == 6 and 1800 <= int(p[:4]) <= 2100:
            y, m = int(p[:4]), int(p[4:])
        elif len(p) == 4:
            y = int(p)
        else:
            return _NO_DATE
    elif len(parts) == 2:
        a, b = parts
        if len(a) == 4:
            y, m = int(a), int(b)
        else:
            m, y = int(a), _expand_year(int(b))
    elif len(parts) >= 3:
        a, b, c = parts[:3]
        if len(a) == 4:
            y, m, d = int(a), int(b), int(c)
        else:
            d, m, y = int(a), int(b), _expand_year(int(c))
        if m > 12 and d <= 12:
            d, m = m, d
    else:
        return _NO_DATE
    if not _valid(y, m, d):
        return _NO_DATE
    return y, m, d


def dob_day_month_swapped(a: BirthDate, b: BirthDate) -> bool:
    """True when the two dates agree once day and month are swapped (and differ otherwise)."""
    return (
        a.full and b.full and a.year == b.year and a.day != a.month
        and a.day == b.month and a.month == b.day
    )


def normalise_gender(raw: str | None) -> str:
    """``M``/``F``/``X``, or "" when unknown."""
    g = _fold(raw)[:1]
    return g if g in ("M", "F", "X") else ""
