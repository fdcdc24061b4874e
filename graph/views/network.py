"""Network queries behind the MASH network view (``cypher/network/``).

Every function returns ``{"nodes": [...], "edges": [...]}`` of plain dicts, ready for
JSON: a node is ``{"id", "label", "properties"}`` (ids are ``person:P-…``,
``record:`` and the record key (:func:`aim.graph.identity.keys.record_key`), ``household:H-…``, ``address:KEY``, ``organisation:CODE``), an edge
``{"source", "target", "type", "properties"}``. Results are capped by ``limit``. The
``read_*`` functions take a transaction (the API's read, before its audit entry);
the others run one of their own.
"""

from __future__ import annotations

from datetime import date

from neo4j import Driver, ManagedTransaction

from aim import cypher
from aim.graph.alerts.cases import OPEN as OPEN_ALERT_STATUSES
from aim.graph.identity.keys import record_key
from aim.graph.store import causal_session
from aim.settings import Settings, get_settings

KINDS = ("HOUSEHOLD", "ADDRESS", "EVENT")
RAG_ORDER = ("red", "amber", "green")


class _Graph:
    def __init__(self) -> None:
        self.nodes: dict[str, dict] = {}
        self.edges: dict[tuple, dict] = {}

    def node(self, kind: str, key: str, props: dict | None) -> str:
        nid = f"{kind}:{key}"
        if nid not in self.nodes:
            self.nodes[nid] = {"id": nid, "label": kind.title(), "properties": dict(props or {})}
        return nid

    def edge(self, source: str, target: str, type_: str, props: dict | None = None) -> None:
        k = (source, target, type_, tuple(sorted((props or {}).items())))
        self.edges.setdefault(k, {"source": source, "target": target, "type": type_,
                                  "properties": dict(props or {})})

    def out(self) -> dict:
        return {"nodes": list(self.nodes.values()), "edges": list(self.edges.values())}


def _run(tx: ManagedTransaction, query: str, **params) -> list[dict]:
    return [dict(r) for r in tx.run(cypher.load(query), params)]


def _in_session(read, driver: Driver, settings: Settings | None, *args, **kwargs) -> dict:
    """``read(tx, ...)`` in a read transaction of its own."""
    settings = settings or get_settings()
    with causal_session(driver, settings.neo4j_database) as session:
        return session.execute_read(read, *args, **kwargs)


def read_person_records(tx: ManagedTransaction, person_id: str, limit: int = 200) -> dict:
    """A person's records across agencies (and the organisations that hold them)."""
    g = _Graph()
    for r in _run(tx, "network/person_records", person_id=person_id, limit=int(limit)):
        p = g.node("person", r["person"]["person_id"], r["person"])
        rec = r["record"]
        rid = g.node("record", record_key(rec["source"], rec["source_record_id"]), rec)
        g.edge(p, rid, "HAS_RECORD")
        if r["organisation"]:
            o = g.node("organisation", r["organisation"]["code"], r["organisation"])
            g.edge(rid, o, "HELD_BY")
    return g.out()


def read_household_members(tx: ManagedTransaction, person_id: str, limit: int = 200) -> dict:
    """The person's households (current and dissolved), their addresses and members."""
    g = _Graph()
    for r in _run(tx, "network/household_members", person_id=person_id, limit=int(limit)):
        h = g.node("household", r["household"]["household_id"], r["household"])
        a = g.node("address", r["address"]["key"], r["address"])
        m = g.node("person", r["member"]["person_id"], r["member"])
        g.edge(h, a, "AT")
        g.edge(m, h, "MEMBER_OF", {"from": r["from"], "to": r["to"]})
    return g.out()


def read_co_residents(tx: ManagedTransaction, person_id: str, include_shared: bool = False,
                      limit: int = 200) -> dict:
    """Persons who lived at one of the person's addresses, past and present, with periods."""
    g = _Graph()
    me = f"person:{person_id}"
    for r in _run(tx, "network/co_residents", person_id=person_id,
                  include_shared=bool(include_shared), limit=int(limit)):
        g.node("person", person_id, {"person_id": person_id})
        a = g.node("address", r["address"]["key"], r["address"])
        q = g.node("person", r["person"]["person_id"], r["person"])
        g.edge(me, a, "LIVED_AT", {"from": r["person_from"], "to": r["person_to"]})
        g.edge(q, a, "LIVED_AT", {"from": r["from"], "to": r["to"]})
    return g.out()


def read_network(tx: ManagedTransaction, person_id: str, depth: int = 2, limit: int = 200,
                 kinds: tuple[str, ...] = KINDS, include_shared: bool = False, per_person: int = 50,
                 since: date | None = None, until: date | None = None) -> dict:
    """Persons linked to the person through households, shared (non-shared-flagged)
    addresses or events, breadth first to ``depth`` hops, at most ``limit`` persons; with
    ``since``/``until``, only links that held (events that happened) in that period. Edges are ``HOUSEHOLD`` / ``ADDRESS`` / ``EVENT`` between persons, with ``via`` (the
    household id, address key or event) and ``hop``."""
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown link kinds {sorted(unknown)}; use {KINDS}")
    g = _Graph()
    start = _run(tx, "network/person_records", person_id=person_id, limit=1)
    if not start:
        return g.out()
    g.node("person", person_id, start[0]["person"] | {"hop": 0})
    seen = {person_id}
    frontier = [person_id]
    for hop in range(1, max(0, int(depth)) + 1):
        if not frontier or len(seen) >= limit:
            break
        rows = _run(tx, "network/neighbours", person_ids=frontier, include_shared=bool(include_shared),
                    per_person=int(per_person), since=since, until=until)
        nxt = []
        for r in sorted(rows, key=lambda r: (r["from"], r["kind"], r["person"]["person_id"])):
            if r["kind"] not in kinds:
                continue
            q = r["person"]["person_id"]
            if q not in seen:
                if len(seen) >= limit:
                    continue  # capped: no node, so no edge to it either
                seen.add(q)
                nxt.append(q)
                g.node("person", q, r["person"] | {"hop": hop})
            a, b = sorted((r["from"], q))
            g.edge(f"person:{a}", f"person:{b}", r["kind"], {"via": r["via"]})
        frontier = nxt
    return g.out()


def read_exploration(tx: ManagedTransaction, person_id: str, depth: int = 1, limit: int = 100,
                     since: date | None = None, until: date | None = None) -> dict:
    """The persons linked to the person within ``depth`` hops (:func:`read_network`, in the
    period), drawn with one edge per relationship: ``MEMBER_OF`` a household (``from``,
    ``to``; the household carries its address's ``line`` and ``postcode``), ``LIVES_AT`` an
    address where the person had no household (``from``, ``to``), and ``SHARED_EVENT``
    between two persons (``date``, ``event_type``, ``organisation``). Persons carry
    ``hop``, ``agencies`` (agencies with activity in the period) and ``rag`` (their worst
    open alert); households their ``rag``."""
    reached = read_network(tx, person_id, depth=depth, limit=limit, since=since, until=until)
    hops = {n["id"].split(":", 1)[1]: n["properties"]["hop"] for n in reached["nodes"]}
    if not hops:
        return reached
    ids = sorted(hops)
    period = {"person_ids": ids, "since": since, "until": until}
    g = _Graph()
    for r in _run(tx, "network/people", open_statuses=list(OPEN_ALERT_STATUSES), **period):
        pid = r["person"]["person_id"]
        g.node("person", pid, r["person"] | {"hop": hops[pid], "agencies": r["agencies"],
                                               "rag": _worst(r["rags"])})
    shown_by_household = set()
    for r in _run(tx, "network/memberships", open_statuses=list(OPEN_ALERT_STATUSES), **period):
        address = r["address"] or {}
        h = g.node("household", r["household"]["household_id"],
                   r["household"] | {"line": address.get("line"), "postcode": address.get("postcode"),
                                     "rag": _worst(r["rags"])})
        g.edge(f"person:{r['person_id']}", h, "MEMBER_OF", {"from": r["from"], "to": r["to"]})
        shown_by_household.add((r["person_id"], address.get("key")))
    for r in _current_residences(_run(tx, "network/residences", person_ids=ids), since, until):
        if (r["person_id"], r["address"]["key"]) not in shown_by_household:
            a = g.node("address", r["address"]["key"], r["address"])
            g.edge(f"person:{r['person_id']}", a, "LIVES_AT", {"from": r["from"], "to": r["to"]})
    for r in _run(tx, "network/shared_events", **period):
        g.edge(f"person:{r['a']}", f"person:{r['b']}", "SHARED_EVENT",
               {"via": r["via"], "date": r["date"], "event_type": r["type"], "organisation": r["organisation"]})
    return g.out()


def _worst(rags: list[str]) -> str | None:
    return next((rag for rag in RAG_ORDER if rag in rags), None)


def _current_residences(rows: list[dict], since: date | None, until: date | None) -> list[dict]:
    """The residences that held in the period; a person's latest address is open-ended
    (``to`` None: agencies only see people on the dates of their events)."""
    latest: dict[str, str] = {}
    for r in rows:
        if (r["to"] or "") > latest.get(r["person_id"], ""):
            latest[r["person_id"]] = r["to"] or ""
    kept = []
    for r in rows:
        to = None if r["to"] == latest.get(r["person_id"]) else r["to"]
        if (until is None or not r["from"] or r["from"] <= until.isoformat()) and \
                (since is None or to is None or to >= since.isoformat()):
            kept.append(r | {"to": to})
    return kept


def person_records(person_id: str, limit: int = 200, *, driver: Driver, settings: Settings | None = None) -> dict:
    return _in_session(read_person_records, driver, settings, person_id, limit)


def household_members(person_id: str, limit: int = 200, *, driver: Driver,
                      settings: Settings | None = None) -> dict:
    return _in_session(read_household_members, driver, settings, person_id, limit)


def co_residents(person_id: str, include_shared: bool = False, limit: int = 200, *, driver: Driver,
                 settings: Settings | None = None) -> dict:
    return _in_session(read_co_residents, driver, settings, person_id, include_shared, limit)


def network(person_id: str, depth: int = 2, limit: int = 200, kinds: tuple[str, ...] = KINDS,
            include_shared: bool = False, per_person: int = 50, *, driver: Driver,
            settings: Settings | None = None) -> dict:
    return _in_session(read_network, driver, settings, person_id, depth, limit, kinds, include_shared, per_person)
