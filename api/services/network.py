"""A person's network: linked persons (households, shared addresses, events) for MASH,
pseudonymised for analysts; the dashboard's fuller picture adds the person's households,
their addresses and co-residents."""

from __future__ import annotations

from aim.api.deps import Backend, Caller
from aim.api.errors import NotFound
from aim.api.services.auditing import audited_read
from aim.api.services.pseudonyms import pseudonymise_graph
from aim.api.services.values import plain
from aim.graph.views import network as network_view
from aim.graph.access.audit import AuditEntry


def _audited_graph(be: Backend, caller: Caller, subject_id: str, detail: dict, *parts) -> dict:
    """The union of graph ``parts`` (reads of a transaction), audited in the same one with
    every person and household in it; NotFound when it is empty."""

    def read(tx):
        nodes: dict[str, dict] = {}
        edges: dict[tuple, dict] = {}
        for part in parts:
            found = part(tx)
            for node in found.get("nodes", []):
                kept = nodes.setdefault(node["id"], {**node, "properties": dict(node.get("properties") or {})})
                kept["properties"].update({k: v for k, v in (node.get("properties") or {}).items() if v is not None})
            for edge in found.get("edges", []):
                edges.setdefault((edge["source"], edge["target"], edge["type"]), edge)
        subjects = [n["id"].split(":", 1)[1] for n in nodes.values()
                    if str(n.get("label")).lower() in ("person", "household")]
        return {"nodes": list(nodes.values()), "edges": list(edges.values())}, AuditEntry(
            "persons.network", [subject_id, *subjects] if nodes else [], detail | {"nodes": len(nodes)})

    found = audited_read(be, caller, read)
    if not found["nodes"]:
        raise NotFound(f"no person '{subject_id}'")
    return plain(found)


def network(be: Backend, caller: Caller, subject_id: str, *, depth: int, limit: int) -> dict:
    """Persons linked to the subject, breadth first to ``depth`` hops, at most ``limit``."""
    found = _audited_graph(be, caller, subject_id, {"depth": depth},
                           lambda tx: network_view.read_network(tx, subject_id, depth=depth, limit=limit))
    if caller.principal.role == "analyst":
        return pseudonymise_graph(found, be.settings.signing_secret())
    return found


def neighbourhood(be: Backend, caller: Caller, subject_id: str, *, depth: int) -> dict:
    """The network plus the subject's households (members, addresses) and co-residents."""
    return _audited_graph(
        be, caller, subject_id, {"depth": depth, "part": "network, households, addresses, co-residents"},
        lambda tx: network_view.read_network(tx, subject_id, depth=depth, limit=100),
        lambda tx: network_view.read_household_members(tx, subject_id),
        lambda tx: network_view.read_co_residents(tx, subject_id),
    )
