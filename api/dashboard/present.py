"""Presentation only: dates, labels, RAG colours (the network's in network_elements). No
queries and no decisions here; the data comes from the API's services."""

from __future__ import annotations

from datetime import datetime

from aim.graph.store import as_date, to_native

RAG_TAG = {"red": "govuk-tag--red", "amber": "govuk-tag--orange", "green": "govuk-tag--green"}
STATUS_NAMES = {
    "new": "New", "acknowledged": "Acknowledged", "watch_list": "On watch list",
    "referred": "Referred to MASH", "dismissed": "Dismissed",
    "stale": "Stale (no new activity)", "closed": "Closed (no new activity)",
}
STATUS_TAG = {
    "new": "govuk-tag--blue", "acknowledged": "govuk-tag--grey", "watch_list": "govuk-tag--purple",
    "referred": "govuk-tag--turquoise", "dismissed": "govuk-tag--grey",
    "stale": "govuk-tag--yellow", "closed": "govuk-tag--grey",
}
RAG_ORDER = {"red": 0, "amber": 1, "green": 2}
PURPOSES = (
    "Triage of a multi-agency alert",
    "Strategy discussion or section 47 enquiry",
    "Request for information from a partner agency",
    "Welfare check",
)
CARE_KINDS = {"school": "School", "gp": "GP", "general_practice": "GP", "primary_care": "GP"}
GENDERS = {"M": "Male", "F": "Female", "X": "Other", "U": "Not known"}


def day(value) -> str:
    d = as_date(value)
    return f"{d.day} {d:%b %Y}" if d else ""


def when(value) -> str:
    if value is None:
        return ""
    value = to_native(value)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, datetime):
        return f"{value.day} {value:%b %Y %H:%M}"
    return day(value)


# Words of event kinds that are initialisms (``ed_attendance`` is an Emergency Department visit).
INITIALISMS = {"ed": "ED", "gp": "GP", "ae": "A&E", "csc": "CSC", "mash": "MASH", "asb": "ASB"}


def label(value) -> str:
    """``concern_for_welfare`` -> ``Concern for welfare``; ``ed_attendance`` -> ``ED attendance``."""
    if not value:
        return ""
    text = " ".join(INITIALISMS.get(word, word) for word in str(value).replace("_", " ").split())
    return text[:1].upper() + text[1:]


def rag(value) -> str:
    return str(value or "").lower()


def rag_tag(value) -> str:
    return RAG_TAG.get(rag(value), "govuk-tag--grey")


def name_of(item: dict) -> str:
    name = " ".join(x for x in (item.get("first_name"), item.get("last_name")) if x)
    return name or "(no name given)"


def care_links(activity: list[dict]) -> list[dict]:
    """The school or GP that knows the person, from the person view's organisation rows."""
    out = []
    for row in activity:
        kind = CARE_KINDS.get(str(row.get("kind") or "").lower())
        if kind and row.get("known"):
            out.append({"kind": kind, "name": row.get("name") or row.get("organisation")})
    return out
