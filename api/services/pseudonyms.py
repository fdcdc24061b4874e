"""Analysts see the shape of households and networks, never who is in them: every id
becomes a stable pseudonym (an HMAC of the id) and only non-identifying fields stay."""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(secret: str, subject_id: str) -> str:
    """The same subject always gets the same pseudonym."""
    digest = hmac.new(secret.encode(), subject_id.encode(), hashlib.sha256).hexdigest()[:12]
    return f"anon-{digest}"


def pseudonymise_graph(graph: dict, secret: str) -> dict:
    mapping: dict[str, str] = {}

    def alias(value) -> str:
        return mapping.setdefault(str(value), pseudonym(secret, str(value)))

    nodes = []
    for node in graph.get("nodes", []):
        props = node.get("properties") or {}
        keep = {k: props[k] for k in ("hop", "status", "member_count") if k in props}
        nodes.append({"id": alias(node["id"]), "label": node.get("label"), "properties": keep})
    edges = []
    for edge in graph.get("edges", []):
        props = {k: (alias(v) if k == "via" else v) for k, v in (edge.get("properties") or {}).items()}
        edges.append({"source": alias(edge["source"]), "target": alias(edge["target"]), "type": edge.get("type"),
                      "properties": props})
    return {"nodes": nodes, "edges": edges, "pseudonymised": True}


def pseudonymise_household(household: dict, secret: str) -> dict:
    return {
        "household": pseudonym(secret, str(household.get("household_id"))),
        "member_count": household.get("member_count"),
        "postcode_district": ((household.get("address") or {}).get("postcode") or "").split(" ")[0] or None,
        "members": [{"person": pseudonym(secret, str(m.get("person_id"))), "from": m.get("from"), "to": m.get("to"),
                     "age": m.get("age")} for m in household.get("members", [])],
        "pseudonymised": True,
    }
