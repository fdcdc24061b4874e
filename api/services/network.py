"""A person's network: linked persons (households, shared addresses, events) for MASH; for
analysts by pseudonym only (the access policy): they name the person by the pseudonym they
were shown, and a real id is unknown to them. The dashboard's exploration draws the
same persons with their households and addresses, one edge per relationship."""

from __future__ import annotations

from datetime import date

from aim.api.deps import Backend, Caller
from aim.api.keys import pseudonym_key
from aim.api.services.policy import not_found, policed_read, quotas_of, reader_of
from aim.api.services.values import plain
from aim.graph.access import policy, usage
from aim.graph.access.audit import AuditEntry
from aim.graph.views import network as network_view


def _audited_graph(be: Backend, caller: Caller, subject_id: str, detail: dict, *parts) -> dict:
    """The union of graph ``parts`` (reads of a transaction, given the person id), audited in
    the same one with every person and household in it; for an analyst ``subject_id`` is a
    pseudonym and the answer pseudonymised. NotFound when it is empty."""
    reader = reader_of(caller)

    def read(tx):
        person_id = subject_id
        if reader.analyst:
            person_id = policy.subject_of_pseudonym(tx, pseudonym_key(be.settings), subject_id)
            if person_id is None:
                return {"nodes": []}, AuditEntry("persons.network", [], detail | {"nodes": 0})
        nodes: dict[str, dict] = {}
        edges: dict[tuple, dict] = {}
        for part in parts:
            found = part(tx, person_id)
            for node in found.get("nodes", []):
                kept = nodes.setdefault(node["id"], {**node, "properties": dict(node.get("properties") or {})})
                kept["properties"].update({k: v for k, v in (node.get("properties") or {}).items() if v is not None})
            for edge in found.get("edges", []):
                edges.setdefault((edge["source"], edge["target"], edge["type"]), edge)
        subjects = [n["id"].split(":", 1)[1] for n in nodes.values()
                    if str(n.get("label")).lower() in ("person", "household")]
        graph = plain({"nodes": list(nodes.values()), "edges": list(edges.values())})
        remembered = []
        if nodes and reader.analyst:
            key = pseudonym_key(be.settings)
            remembered.append(policy.remember_pseudonyms(key, policy.graph_subjects(graph)))
            graph = policy.pseudonymise_graph(graph, key)
        return graph, AuditEntry("persons.network", [person_id, *subjects] if nodes else [],
                                 detail | {"nodes": len(nodes)},
                                 usage.Count(reader, quotas_of(be), subject_ids=[person_id]) if nodes else None,
                                 remembered)

    found = policed_read(be, caller, read)
    if not found["nodes"]:
        raise not_found(subject_id)
    return found


def network(be: Backend, caller: Caller, subject_id: str, *, depth: int, limit: int,
            since: date | None = None, until: date | None = None) -> dict:
    """Persons linked to the subject, breadth first to ``depth`` hops, at most ``limit``, by
    links that held in the period when given."""
    return _audited_graph(be, caller, subject_id, {"depth": depth} | _period(since, until),
                          lambda tx, person: network_view.read_network(tx, person, depth=depth, limit=limit,
                                                                       since=since, until=until))


def explore(be: Backend, caller: Caller, subject_id: str, *, depth: int, since: date | None = None,
            until: date | None = None) -> dict:
    """The dashboard's exploration from the subject: its households, addresses and linked
    persons to ``depth`` hops, one edge per relationship, with activity and alert markers;
    each expansion is a read of its own (purpose, quota, audit)."""
    return _audited_graph(be, caller, subject_id, {"depth": depth, "part": "exploration"} | _period(since, until),
                          lambda tx, person: network_view.read_exploration(tx, person, depth=depth,
                                                                           since=since, until=until))


def _period(since: date | None, until: date | None) -> dict:
    return {k: v.isoformat() for k, v in (("from", since), ("to", until)) if v}
