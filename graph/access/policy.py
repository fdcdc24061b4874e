"""The access policy: what each reader may see of a person, decided in one place.

Every read of personal data in the API and the dashboard is shaped here for the reader's
role and organisation (the services call these rules; the dashboard calls the services):

- **partner**: only persons its organisation holds a record of, or that it identifies fully
  (first name, surname and date of birth together: at most five results, none of them
  another agency's unresolved record, and no address it does not hold); the header (name,
  date of birth, address, postcode) from its own records only; other agencies only as the
  vision's rows (organisation, "activity reported on DATE" or "no activity reported", service
  lead contact), never their records, kinds of activity, counts or ids; its timeline holds
  its own organisation's events. Whatever it may not open answers exactly as an unknown id.
- **analyst**: everything by pseudonym (an HMAC of the id under the pseudonym key, which is
  not the token key), ages in bands, dates to the month, counts under five suppressed; it
  names households and persons back by pseudonym only, so a real id is simply unknown.
- **mash**, **dpo**: what they ask for; every read is audited by the caller.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from neo4j import ManagedTransaction

from aim import cypher
from aim.graph.store import to_native

FULL_IDENTIFICATION_SCORE = 0.9   # a search score that needs the date of birth right (or day/month swapped)
FULLY_IDENTIFIED_RESULTS = 5
IDENTIFIED_FOR = timedelta(hours=24)  # how long a full identification lets a partner open the person
PARTIAL_NAME_MATCHES = frozenset({"initial", "prefix"})  # a search's name matches that only begin a name
PARTNER_CANDIDATES = 100          # ranked hits a partner's search filters down to what it may see
SMALL_COUNT = 5
AGE_BANDS = ((0, 4), (5, 9), (10, 15), (16, 17), (18, 24), (25, 44), (45, 64), (65, None))
HEADER = ("first_name", "last_name", "date_of_birth", "gender", "address", "postcode")


@dataclass(frozen=True)
class Reader:
    """Who reads: the role and organisation decide what they see."""

    username: str
    role: str
    organisation: str | None

    @property
    def partner(self) -> bool:
        return self.role == "partner"

    @property
    def analyst(self) -> bool:
        return self.role == "analyst"


# ----------------------------------------------------------------------------- partners


def fully_identifies(first_name: str | None, last_name: str | None, date_of_birth: date | None) -> bool:
    """A first name and a surname (more than an initial each) and a full date of birth."""
    return len((first_name or "").strip()) > 1 and len((last_name or "").strip()) > 1 and bool(date_of_birth)


def identifies(hit: dict) -> bool:
    """A hit that a full identification names: the date of birth right (or day/month
    swapped) and both names matched as names, never as an initial or the start of a longer
    name, so that "S Singh" or "Shab Singh" with a date of birth lists no one."""
    partial = PARTIAL_NAME_MATCHES & set((hit.get("match") or {}).values())
    return hit["score"] >= FULL_IDENTIFICATION_SCORE and not partial


def search_breadth(reader: Reader, limit: int) -> int:
    """How many ranked hits to ask for: a partner's are filtered down afterwards."""
    return max(limit, PARTNER_CANDIDATES) if reader.partner else limit


def held(tx: ManagedTransaction, reader: Reader, subjects: list[dict]) -> dict[str, dict]:
    """Subject id -> the details of the reader's organisation's own latest record, for the
    ``subjects`` (``{id, person_id, source, record_id}``) it holds a record of."""
    rows = tx.run(cypher.load("access/held_subjects"), subjects=subjects, organisation=reader.organisation)
    return {r["subject"]: {k: to_native(v) for k, v in dict(r["details"]).items()} for r in rows}


def _identification_key(reader: Reader, subject_id: str) -> str:
    return f"{reader.username}|{subject_id}"


def identified(tx: ManagedTransaction, reader: Reader, subject_id: str) -> bool:
    row = tx.run(cypher.load("access/identified_read"), key=_identification_key(reader, subject_id)).single()
    return bool(row and row["identified"])


def partner_search(tx: ManagedTransaction, reader: Reader, criteria: dict, found: list[dict],
                   subjects: list[dict], limit: int) -> tuple[list[dict], Callable[[ManagedTransaction], None]]:
    """A partner's hits: the persons it holds (its own details; the caller recomputes the
    age), then, when the search identifies fully, at most five more it does not hold (no
    address, no other agency's record id), which it may then open for a day; and the write
    that lets it (for the search's audit entry: ``AuditEntry.remembered``)."""
    own = held(tx, reader, subjects)
    full = fully_identifies(criteria.get("first_name"), criteria.get("last_name"), criteria.get("date_of_birth"))
    shown, identified_now = [], []
    for hit in found:
        details = own.get(hit["subject_id"])
        if details is not None:
            shown.append(hit | details)
        elif (full and identifies(hit) and not hit["subject_id"].startswith("rec:")
              and len(identified_now) < FULLY_IDENTIFIED_RESULTS):
            identified_now.append(hit["subject_id"])
            shown.append(hit | {"address": None, "postcode": None})
    def remember_identified(write_tx: ManagedTransaction) -> None:
        if identified_now:
            write_tx.run(cypher.load("access/identified_write"),
                         keys=[_identification_key(reader, s) for s in identified_now],
                         until=datetime.now(UTC) + IDENTIFIED_FOR, prefix=_identification_key(reader, "")).consume()

    return shown[:limit], remember_identified


def partner_view(tx: ManagedTransaction, reader: Reader, view: dict) -> dict | None:
    """The person view as a partner may see it (the header from its own latest record; the
    caller recomputes the age), or None when it may not open it."""
    own = [r for r in view["records"] if r["organisation"] == reader.organisation]
    if not own and not identified(tx, reader, view["subject_id"]):
        return None
    header = {k: own[0].get(k) if own else None for k in HEADER}
    return view | header | {"activity": [_vision_row(reader, row) for row in view["activity"]], "records": own}


def _vision_row(reader: Reader, row: dict) -> dict:
    """An organisation's row as the vision shows it: whether and when it reported activity,
    and whom to call; the reader's own organisation keeps its counts."""
    mine = row["organisation"] == reader.organisation
    return row | {"latest_activity_kind": None, "known": row["known"] if mine else None,
                  "events": row["events"] if mine else None}


def partner_may_read(tx: ManagedTransaction, reader: Reader, subject: dict) -> bool:
    """Whether a partner may open this subject (``{id, person_id, source, record_id}``)."""
    return bool(held(tx, reader, [subject])) or identified(tx, reader, subject["id"])


# ----------------------------------------------------------------------------- analysts


def pseudonym(key: bytes, subject_id: str) -> str:
    """The same subject always gets the same pseudonym under one key."""
    return "anon-" + hmac.new(key, subject_id.encode(), hashlib.sha256).hexdigest()[:16]


def key_id(key: bytes) -> str:
    """Names a pseudonym key without revealing it."""
    return hashlib.sha256(b"aim pseudonym key id:" + key).hexdigest()[:16]


def remember_pseudonyms(key: bytes, subject_ids: set[str]) -> Callable[[ManagedTransaction], None]:
    """The write that keeps the pseudonyms an analyst was shown, so that it can name them
    back (for the read's audit entry: ``AuditEntry.remembered``)."""
    pairs = [{"value": pseudonym(key, s), "subject_id": s} for s in sorted(subject_ids)]

    def remember(tx: ManagedTransaction) -> None:
        if pairs:
            tx.run(cypher.load("access/pseudonyms_write"), pseudonyms=pairs, key_id=key_id(key)).consume()

    return remember


def subject_of_pseudonym(tx: ManagedTransaction, key: bytes, value: str) -> str | None:
    """The id behind a pseudonym shown under the current key; None for anything else (an
    unknown pseudonym, an old key's, or a real id), so that none of them tells existence."""
    row = tx.run(cypher.load("access/pseudonym_read"), value=value, key_id=key_id(key)).single()
    return row["subject_id"] if row else None


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    for low, high in AGE_BANDS:
        if high is None or age <= high:
            return f"{low}+" if high is None else f"{low}-{high}"
    return None


def month(value) -> str | None:
    value = to_native(value)
    return value.isoformat()[:7] if isinstance(value, (date, datetime)) else None


def small_count(count: int | None) -> int | None:
    """Counts under five are suppressed (None)."""
    return count if count is None or count >= SMALL_COUNT else None


def suppress_small_counts(organisation: dict) -> dict:
    """An organisation's record and event counts (the aggregate view) with counts under five
    suppressed."""
    return organisation | {"records": small_count(organisation["records"]),
                           "events": [e | {"events": small_count(e["events"])} for e in organisation["events"]]}


def pseudonymise_household(household: dict, key: bytes) -> dict:
    return {
        "household": pseudonym(key, str(household["household_id"])),
        "member_count": small_count(household.get("member_count")),
        "postcode_district": ((household.get("address") or {}).get("postcode") or "").split(" ")[0] or None,
        "members": [{"person": pseudonym(key, str(m.get("person_id"))), "from": month(m.get("from")),
                     "to": month(m.get("to")), "age_band": age_band(m.get("age"))}
                    for m in household.get("members", [])],
        "pseudonymised": True,
    }


def household_subjects(household: dict) -> set[str]:
    return {str(household["household_id"])} | {str(m["person_id"]) for m in household.get("members", [])}


def pseudonymise_graph(graph: dict, key: bytes) -> dict:
    """Nodes and edges by pseudonym, with nothing that identifies (counts suppressed, dates
    to the month)."""
    alias = {node["id"]: pseudonym(key, _node_subject(node["id"])) for node in graph.get("nodes", [])}
    nodes = []
    for node in graph.get("nodes", []):
        props = node.get("properties") or {}
        keep = {k: props[k] for k in ("hop", "status") if k in props}
        if "member_count" in props:
            keep["member_count"] = small_count(props["member_count"])
        nodes.append({"id": alias[node["id"]], "label": node.get("label"), "properties": keep})
    edges = []
    for edge in graph.get("edges", []):
        props = {}
        for k, v in (edge.get("properties") or {}).items():
            props[k] = pseudonym(key, str(v)) if k == "via" else month(v) if k in ("from", "to") else v
        edges.append({"source": alias.get(edge["source"]) or pseudonym(key, edge["source"]),
                      "target": alias.get(edge["target"]) or pseudonym(key, edge["target"]),
                      "type": edge.get("type"), "properties": props})
    return {"nodes": nodes, "edges": edges, "pseudonymised": True}


def graph_subjects(graph: dict) -> set[str]:
    return {_node_subject(n["id"]) for n in graph.get("nodes", [])}


def _node_subject(node_id: str) -> str:
    """``person:P-1`` -> ``P-1``: a person's pseudonym is that of its id, as in households."""
    kind, _, rest = node_id.partition(":")
    return rest if kind in ("person", "household") and rest else node_id

