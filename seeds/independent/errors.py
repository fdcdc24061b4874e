"""The independent population's error model: how one agency writes down one person.

Different from the seeds' model on purpose: short forms made by syllable truncation
(Christopher → Chris, Abdullah → Abdul) and transliteration spelling rules (Yousuf/Yusuf,
Mohammed/Muhammad, Khalid/Kalid) as well as the English nicknames; the called name after
a devotional "Muhammad" or a middle name used as the given name; first/last names swapped
(sometimes with a typo on top); missing dates of birth, transposed digits, a year out and
day/month swaps; postcodes and addresses written in several ways (flat first or last,
"3/12"), and stale addresses from before a move.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

import numpy as np

from .names import ascii_fold

_VOWELS = set("AEIOUYaeiouy")
_SYLLABLE = re.compile(r"[^aeiouy]*[aeiouy]+[^aeiouy]?", re.IGNORECASE)
# Transliteration spelling rules (pattern → replacement), one applied at a time.
_SPELLING = (("ou", "u"), ("oo", "u"), ("u", "ou"), ("ee", "i"), ("i", "ee"), ("ph", "f"),
             ("kh", "k"), ("y", "i"), ("ie", "y"), ("a$", "ah"), ("ah$", "a"), ("mm", "m"),
             ("mad$", "med"), ("med$", "mad"), ("ss", "s"), ("c", "k"), ("z", "s"), ("w", "v"))
_MUHAMMAD = ("Md", "Mohd", "Mohammed", "Mohamed", "Muhammed", "Mohammad")
_ABBREVIATIONS = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Lane": "Ln", "Court": "Ct",
                  "Close": "Cl", "Gardens": "Gdns", "Crescent": "Cres", "Drive": "Dr"}


def syllable_short_form(name: str) -> str:
    """First syllables up to at least three letters: Christopher → Chris, Abdullah → Abdul."""
    out = ""
    for syl in _SYLLABLE.findall(name):
        out += syl
        if len(out) >= 3:
            break
    return out if 3 <= len(out) < len(name) else name


def spelling_variant(name: str, rng: np.random.Generator) -> str:
    for k in rng.permutation(len(_SPELLING)):
        pattern, repl = _SPELLING[k]
        new = re.sub(pattern, repl, name, count=1, flags=re.IGNORECASE)
        if new.lower() != name.lower():
            return new[:1].upper() + new[1:].lower()
    return name


def typo(text: str, rng: np.random.Generator) -> str:
    """One keying error: a substituted, dropped, doubled or transposed letter."""
    if len(text) < 3:
        return text
    k = int(rng.integers(1, len(text) - 1))
    kind = rng.random()
    if kind < 0.3:
        return text[:k] + text[k + 1:]
    if kind < 0.55:
        return text[:k] + text[k + 1] + text[k] + text[k + 2:]
    if kind < 0.7:
        return text[:k] + text[k] + text[k:]
    letter = chr(ord("a") + int(rng.integers(0, 26)))
    return text[:k] + (letter.upper() if text[k].isupper() else letter) + text[k + 1:]


@cache
def _nicknamer():
    from nicknames import NickNamer

    return NickNamer()


def nickname(name: str, rng: np.random.Generator) -> str:
    forms = sorted(_nicknamer().nicknames_of(name.lower()))
    return forms[int(rng.integers(0, len(forms)))].title() if forms else name


def given_name_as_written(person, rng: np.random.Generator) -> str:
    """The given name(s) one agency records for the person."""
    given, middle = person.given, person.middle
    r = rng.random()
    if given == "Muhammad" and middle:
        if r < 0.35:
            return middle
        if r < 0.55:
            return f"{_MUHAMMAD[int(rng.integers(0, len(_MUHAMMAD)))]} {middle}"
        return f"{given} {middle}"
    if r < 0.04:
        given = syllable_short_form(given)
    elif r < 0.08 and person.community in ("uk_born", "irish", "east_african"):
        given = nickname(given, rng)
    elif r < 0.11 and person.community not in ("uk_born", "irish"):
        given = spelling_variant(given, rng)
    elif r < 0.14 and middle:
        return middle
    elif r < 0.17:
        given = typo(given, rng)
    if middle and rng.random() < 0.3:
        return f"{given} {middle}"
    return given


def _digits_transposed(text: str, rng: np.random.Generator) -> str:
    k = int(rng.integers(0, len(text) - 1))
    return text[:k] + text[k + 1] + text[k] + text[k + 2:]


def dob_as_written(dob: date, rng: np.random.Generator) -> str:
    """Missing, mistyped or in one of several formats."""
    r = rng.random()
    y, m, d = dob.year, dob.month, dob.day
    if r < 0.06:
        return ""
    if r < 0.075:
        y += 1 if rng.random() < 0.5 else -1
    elif r < 0.09 and d <= 12 and d != m:
        d, m = m, d
    elif r < 0.105:
        text = _digits_transposed(f"{y:04d}{m:02d}{d:02d}", rng)
        y, m, d = int(text[:4]), int(text[4:6]), int(text[6:])
    elif r < 0.113:
        d = d % 9 + 1 if d < 10 else d
    try:
        date(y, m, d)
    except ValueError:
        y, m, d = dob.year, dob.month, dob.day
    style = rng.random()
    if style < 0.45:
        return f"{y:04d}-{m:02d}-{d:02d}"
    if style < 0.85:
        return f"{d:02d}/{m:02d}/{y:04d}"
    return f"{d:02d}.{m:02d}.{y:04d}"


def address_as_written(home, rng: np.random.Generator) -> tuple[str, str]:
    """(address, postcode) as one agency writes them."""
    street = home.street
    if rng.random() < 0.3:
        words = street.split()
        street = " ".join(words[:-1] + [_ABBREVIATIONS.get(words[-1], words[-1])])
    r = rng.random()
    if home.flat:
        address = (f"Flat {home.flat}, {home.house} {street}" if r < 0.5 else
                   f"{home.flat}/{home.house} {street}" if r < 0.75 else
                   f"{home.house} {street}, Flat {home.flat}")
    else:
        address = f"{home.house} {street}"
    if rng.random() < 0.5:
        address += f", {home.town}"
    postcode = home.postcode if rng.random() < 0.6 else home.postcode.replace(" ", "").lower()
    r = rng.random()
    if r < 0.04:
        address = ""
    elif r < 0.08:
        postcode = ""
    elif r < 0.095:
        postcode = postcode[:-1] + "ABDEFGHJLNPQRSTUWXYZ"[int(rng.integers(0, 20))]
    return address, postcode


def record_fields(person, rng: np.random.Generator, accents: bool) -> dict[str, str]:
    """One agency record of ``person`` (names, DOB, sex, address) with its errors."""
    stale = person.previous_home is not None and rng.random() < 0.4
    home = person.previous_home if stale else person.home
    surname = person.birth_surname if stale and person.birth_surname else person.surname
    first = given_name_as_written(person, rng)
    if rng.random() < 0.025:
        surname = typo(surname, rng)
    if not accents:
        first, surname = ascii_fold(first), ascii_fold(surname)
    if rng.random() < 0.015:
        first, surname = surname, first
        if rng.random() < 0.3:
            first = typo(first, rng)
    sex = person.sex if rng.random() < 0.95 else ("" if rng.random() < 0.9 else "MF".replace(person.sex, ""))
    address, postcode = address_as_written(home, rng)
    return {"first_name": first, "last_name": surname, "date_of_birth": dob_as_written(person.dob, rng),
            "gender": sex, "address": address, "postcode": postcode}
