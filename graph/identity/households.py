"""Households: persons who share a normalised address over time.

For every address (``Record-[:LIVES_AT {first_seen, last_seen}]->Address``), each live
person who gave it has a period there (earliest first_seen to latest last_seen over their
records). Rules:

* **Shared address.** An address with more than ``max_persons`` distinct persons, or
  more than ``max_surnames`` distinct surnames among them, is a care home, a hostel or a
  block of flats behind one postal address: it is flagged (``a.shared = true``,
  ``a.shared_reason``, counts) and forms **no** household.
* **Households.** Otherwise persons whose periods there overlap (allowing a gap of
  ``gap_days``, since agencies only see people on the dates of their events) form one
  household; successive occupants form successive households. A household has at least
  ``min_members`` persons.
* ``(:Person)-[:MEMBER_OF {from, to}]->(:Household)-[:AT]->(:Address)``; ``to`` is
  null while the address is the person's latest one.
* Household ids are stable like person ids (a household keeps its id when the new group
  holds at least half of its members); households that disappear are kept, dissolved.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from neo4j import Driver

from aim import cypher
from aim.graph.store import causal_session, write_batched
from aim.resolution import standardise as S
from aim.settings import Settings, get_settings

from .ids import assign_ids

SEP = "\x1e"


@dataclass
class HouseholdRules:
    max_persons: int = 10
    max_surnames: int = 4
    gap_days: int = 365
    min_members: int = 2


@dataclass
class HouseholdReport:
    addresses: int = 0
    shared_addresses: int = 0
    households: int = 0
    households_written: int = 0
    households_dissolved: int = 0
    addresses_flagged: int = 0


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text and text != "0001-01-01" else None


def _groups(periods: list[tuple[str, date | None, date | None]], gap: int) -> list[list[tuple]]:
    """Sweep periods in start order, joining those that overlap (with ``gap`` days' slack)."""
    items = sorted(periods, key=lambda p: (p[1] or date.min, p[0]))
    groups: list[list[tuple]] = []
    end: date | None = None
    for item in items:
        start, stop = item[1], item[2] or item[1]
        if groups and (start is None or end is None or (start - end).days <= gap):
            groups[-1].append(item)
            if stop and (end is None or stop > end):
                end = stop
        else:
            groups.append([item])
            end = stop
    return groups


def _read(driver: Driver, db: str, address_keys: list[str] | None):
    """Who lived at the addresses when, the households there now, every household id
    ever used, and each person's latest address."""
    partial = address_keys is not None
    params = {"keys": sorted(set(address_keys))} if partial else {}
    with causal_session(driver, db, fetch_size=20_000) as session:
        residence = session.run(cypher.load("resolution/household_residence" + ("_at" if partial else "")),
                                params).data()
        existing = session.run(cypher.load("resolution/household_memberships" + ("_at" if partial else "")),
                               params).data()
        taken = {r["household_id"] for r in session.run(cypher.load("resolution/household_ids"))}
    latest_start: dict[str, tuple] = {}
    for r in residence:
        start = r["first_seen"] or ""
        if latest_start.get(r["person_id"], ("",))[0:1] < (start,):
            latest_start[r["person_id"]] = (start, r["address"])
    latest = {pid: v[1] for pid, v in latest_start.items()}
    if partial:  # a person's latest address may be outside the given ones
        with causal_session(driver, db) as session:
            for r in session.run(cypher.load("resolution/household_latest"), person_ids=sorted(latest)):
                latest[r["person_id"]] = r["latest"]
    return residence, existing, taken, latest


def _shared_reason(rows: list[dict], rules: HouseholdRules) -> tuple[str | None, int, int]:
    persons = {r["person_id"] for r in rows}
    surnames = {S.surname_key(r["last_name"]) for r in rows if r["last_name"]}
    reason = None
    if len(persons) > rules.max_persons:
        reason = f"more than {rules.max_persons} persons ({len(persons)})"
    elif len(surnames) > rules.max_surnames:
        reason = f"more than {rules.max_surnames} surnames ({len(surnames)})"
    return reason, len(persons), len(surnames)


def _group(residence: list[dict], latest: dict[str, str], rules: HouseholdRules, rep: HouseholdReport):
    """Households per address (label (address, k) → members ``address<SEP>person``), their
    periods, and the shared-address flags that changed."""
    by_address: dict[str, list[dict]] = defaultdict(list)
    for r in residence:
        by_address[r["address"]].append(r)
    groups: dict[tuple, list[str]] = {}
    periods: dict[str, tuple] = {}
    flags = []
    for address, rows in by_address.items():
        rep.addresses += 1
        reason, persons, surnames = _shared_reason(rows, rules)
        shared = reason is not None
        if (rows[-1]["shared"], rows[-1]["reason"]) != ((True, reason) if shared else (False, None)):
            flags.append({"address": address, "shared": shared, "reason": reason,
                          "persons": persons, "surnames": surnames})
        if shared:
            rep.shared_addresses += 1
            continue
        items = [(r["person_id"], _day(r["first_seen"]), _day(r["last_seen"])) for r in rows]
        for k, group in enumerate(_groups(items, rules.gap_days)):
            if len(group) < rules.min_members:
                continue
            members = []
            for pid, start, stop in group:
                m = f"{address}{SEP}{pid}"
                members.append(m)
                to = None if latest.get(pid) == address else (stop.isoformat() if stop else None)
                periods[m] = (start.isoformat() if start else None, to)
            groups[(address, k)] = members
    return groups, periods, flags


def derive_households(address_keys: list[str] | None = None, rules: HouseholdRules | None = None, *,
                      driver: Driver, settings: Settings | None = None) -> HouseholdReport:
    """Derive households for every address (or only ``address_keys``) and write the
    differences with what the graph holds."""
    rules = rules or HouseholdRules()
    settings = settings or get_settings()
    db = settings.neo4j_database
    residence, existing, taken, latest = _read(driver, db, address_keys)
    rep = HouseholdReport()
    groups, periods, flags = _group(residence, latest, rules, rep)
    old: dict[str, str] = {}
    old_rows: dict[str, set] = defaultdict(set)
    for r in existing:
        if r["person_id"]:
            old[f"{r['address']}{SEP}{r['person_id']}"] = r["household_id"]
            old_rows[r["household_id"]].add((r["person_id"], r["from"], r["to"]))
        else:
            old_rows.setdefault(r["household_id"], set())
    a = assign_ids(groups, old, taken, prefix="H-")
    write = []
    for label, members in groups.items():
        hid = a.ids[label]
        rows = {(m.split(SEP, 1)[1], *periods[m]) for m in members}
        if rows != old_rows.get(hid):
            write.append({"household_id": hid, "address": label[0],
                          "members": [{"person_id": p, "from": f, "to": t} for p, f, t in sorted(rows)]})
    live = set(a.ids.values())
    dissolve = sorted(h for h in old_rows if h not in live)
    write_batched(driver, db, "resolution/flag_addresses", "rows", flags)
    write_batched(driver, db, "resolution/write_households", "rows", write, size=2000)
    write_batched(driver, db, "resolution/dissolve_households", "ids", dissolve)
    rep.households = len(groups)
    rep.households_written = len(write)
    rep.households_dissolved = len(dissolve)
    rep.addresses_flagged = len(flags)
    return rep


def refresh_for_persons(person_ids: list[str], rules: HouseholdRules | None = None, *,
                        driver: Driver, settings: Settings | None = None) -> HouseholdReport:
    """Re-derive the households at every address of the given persons (after real-time
    resolution changed them)."""
    settings = settings or get_settings()
    rows, _, _ = driver.execute_query(cypher.load("resolution/person_addresses"), person_ids=list(person_ids),
                                      database_=settings.neo4j_database)
    keys = [r["address"] for r in rows]
    if not keys:
        return HouseholdReport()
    return derive_households(keys, rules, driver=driver, settings=settings)
