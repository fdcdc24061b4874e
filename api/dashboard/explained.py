"""Presentation of match explanations (the review page and the person view's "why linked"):
comparison levels in plain English, dates as dates, the starting weight, the name-frequency
adjustment and the household term listed so that the parts add up to the match weight shown,
and one set of words for a probability, used everywhere.

Both forms of an explanation come in: the compact one stored on a ``SIMILAR`` pair
(``{prior, terms: {field: [level, weight]}, name_frequency?, interaction?}``, see
:func:`aim.resolution.explain.stored_explanations`) and :func:`~aim.resolution.explain.explain_pair`'s
list of terms."""

from __future__ import annotations

import calendar

from aim.resolution import standardise as S

from .present import GENDERS, day, label

# Upper-case the first letter only when shown as a sentence; each band's lower bound. The
# words say what the model's probabilities turned out to mean on five labelled populations
# (docs/resolution.md, "A pair's match probability is not a chance to read literally"):
# households and twins make them run high, so a review-band pair is an open question.
LIKELIHOOD_BANDS = ((0.9999, "almost certainly the same person"), (0.99, "probably the same person"),
                    (0.95, "possibly the same person"), (0.5, "undecided"),
                    (0.1, "probably different people"), (0.0, "very likely different people"))
MISSING = "missing on one record"
LEVELS = {
    "else": "different",
    "null": MISSING,
    "exact": "the same",
    "in the other record's surname field": "written as the other record's surname",
    "jaro-winkler >= 0.80 or initial": "spelt alike, or one is an initial",
    "jaro-winkler >= 0.80": "spelt alike",
    "jaro-winkler >= 0.92": "spelt almost the same",
    "short form (one is the start of the other)": "a short form (one is the start of the other)",
    "the other's middle name": "the other record's middle name",
    "nickname / variant across communities / swapped": "a nickname or another spelling of the same name, "
                                                       "or swapped with the surname",
    "jaro-winkler >= 0.92, shared barrel, variant spelling or swapped": "spelt almost the same, one part of a "
                                                                       "double-barrelled name, or swapped",
    "year within 1": "a year apart",
    "partial date agrees": "the parts given agree",
    "a year out, day and month agree": "a year out, day and month the same",
    "one digit differs": "one digit differs",
    "two digits transposed": "two digits swapped round",
    "day/month swapped": "day and month swapped",
    "same outward code": "same postcode area only",
    "near postcode or similar address": "nearby postcode or a similar address",
    "same postcode": "same postcode, different address",
    "same postcode, similar address": "same postcode, similar address",
    "same street, house number a typo apart": "same street, house numbers one keystroke apart",
    "same building, another flat": "same building, another flat",
    "same address, postcode differs or missing": "same address, postcode differs or is missing",
    "same address and postcode": "same address and postcode",
}
FIELDS = {"first_name": (("first_name", "First name"),), "last_name": (("last_name", "Last name"),),
          "date_of_birth": (("date_of_birth", "Date of birth"),), "gender": (("gender", "Gender"),),
          "location": (("address", "Address"), ("postcode", "Postcode"))}
PRIOR = "Starting weight: how often two records that look alike enough to compare are the same person"
NAME_FREQUENCY = "Name frequency: a common name counts for less, a rare one for more"
HOUSEHOLD = "Shared surname and address: families share both, so together they count for less"
MARRIAGE = "New surname with a new address: common for one person who married and moved, so together they count for more"
# How a field's value is compared, so that one written differently is still the same value.
SAME_FORM = {"first_name": S.normalise_name, "last_name": S.surname_key, "gender": S.normalise_gender,
             "date_of_birth": lambda v: S.parse_dob(v).text, "address": S.normalise_address,
             "postcode": lambda v: S.normalise_postcode(v).text}


def likelihood(probability: float | None) -> str:
    """``0.948`` -> ``undecided`` (the review band): the words shown beside a
    probability."""
    if probability is None:
        return "not compared"
    return next(words for low, words in LIKELIHOOD_BANDS if probability >= low)


def level_words(level: str | None) -> str:
    if level is None:
        return "not compared"
    return LEVELS.get(level, label(level))


def date_text(value) -> str:
    """A date of birth in any stored form (``20160923``, ``2016-09-23``, a date; partial
    dates too) as ``23 Sep 2016``."""
    if value is None or value == "":
        return ""
    shown = day(value) if not str(value).isdigit() else ""
    if shown:
        return shown
    dob = S.parse_dob(str(value))
    if not dob.year:
        return str(value)
    if dob.full:
        return day(f"{dob.year:04d}-{dob.month:02d}-{dob.day:02d}")
    return f"{calendar.month_abbr[dob.month]} {dob.year}" if dob.month else str(dob.year)


def same_value(field: str, a, b) -> bool | None:
    """Whether two records hold the same value (compared as the model compares them), None
    when either is missing."""
    form = SAME_FORM.get(field, lambda v: str(v).strip().upper())
    left, right = (form(str(v)) if v not in (None, "") else "" for v in (a, b))
    if not left or not right:
        return None
    return left == right


def shown(field: str, value) -> str:
    if value is None:
        return ""
    if field == "gender":
        return GENDERS.get(str(value), str(value))
    return date_text(value) if field == "date_of_birth" else str(value)


def rounded_parts(weights: list[float], total: float, places: int = 1) -> list[float]:
    """The weights rounded so that, as shown, they add up to the total as shown (largest
    remainder), each off by less than one unit in the last place."""
    unit = 10 ** places
    target = round(round(total, places) * unit)
    floors = [int(w * unit // 1) for w in weights]
    order = sorted(range(len(weights)), key=lambda k: -(weights[k] * unit - floors[k]))
    short = target - sum(floors)
    for n in range(abs(short)):
        k = order[n % len(order)] if short > 0 else order[-1 - n % len(order)]
        floors[k] += 1 if short > 0 else -1
    return [f / unit for f in floors]


def _parts_of(explanation: dict) -> tuple[dict[str, tuple[str | None, float]], float, float, float]:
    """Either form of an explanation as ``({field: (level, weight without the name-frequency
    adjustment)}, prior, name-frequency adjustment, household term)``."""
    terms = explanation.get("terms") or {}
    if isinstance(terms, dict):  # the stored form: field weights include the adjustment
        frequency = explanation.get("name_frequency") or {}
        levels = {name: (value[0], float(value[1]) - float(frequency.get(name, 0.0)))
                  for name, value in terms.items()}
        return (levels, float(explanation.get("prior") or 0.0), sum(map(float, frequency.values())),
                float(explanation.get("interaction") or 0.0))
    levels, prior, frequency, household = {}, 0.0, 0.0, 0.0
    for term in terms:
        if term["field"] == "prior":
            prior = float(term["weight"])
        elif term["field"] in FIELDS:
            adjustment = float(term.get("tf_adjustment") or 0.0)
            levels[term["field"]] = (term.get("label"), float(term["weight"]) - adjustment)
            frequency += adjustment
        else:
            household += float(term["weight"])
    return levels, prior, frequency, household


def explained(explanation: dict | None, a: dict, b: dict, match_weight: float, probability: float) -> dict:
    """The explanation of two records (``a``, ``b``: their details) as the pages show it:
    ``rows`` field by field (both values as written, whether they are the same value, the
    comparison in words and its weight), then ``parts`` (starting weight, name frequency,
    household term), every weight rounded so that the weights shown add up to ``total``."""
    levels, prior, frequency, household = _parts_of(explanation or {})
    rows, weights = [], []
    for name, fields in FIELDS.items():
        level, weight = levels.get(name, (None, 0.0))
        weights.append(weight)
        for k, (field, title) in enumerate(fields):
            rows.append({"field": title, "a": shown(field, a.get(field)), "b": shown(field, b.get(field)),
                         "same": same_value(field, a.get(field), b.get(field)), "span": len(fields) if k == 0 else 0,
                         "level": level_words(level) if k == 0 else None, "compared": level not in (None, "null")})
    parts = [{"text": PRIOR, "weight": prior}, {"text": NAME_FREQUENCY, "weight": frequency}]
    if household:  # the surname x address correction: negative for households, positive for marriage
        parts.append({"text": HOUSEHOLD if household < 0 else MARRIAGE, "weight": household})
    rounded = rounded_parts(weights + [p["weight"] for p in parts], match_weight)
    for row in rows:
        if row["span"]:
            row["weight"] = rounded.pop(0)
    for part in parts:
        part["weight"] = rounded.pop(0)
    return {"rows": rows, "parts": parts, "total": round(match_weight, 1), "probability": probability,
            "likelihood": likelihood(probability)}


def link_table(link: dict) -> dict:
    """The person view's "why linked" entry (``aim.api.services.review.why_linked``) as a table."""
    record, other = link["record"], link["other"]
    return explained({"terms": link["terms"]}, other, record, link["weight"], link["probability"]) | {
        "a_name": f"{other.get('organisation')} {other.get('source_record_id')}",
        "b_name": f"{record.get('organisation')} {record.get('source_record_id')}"}
