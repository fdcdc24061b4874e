"""Presentation only: dates, labels, RAG colours, the network as Cytoscape elements. No
queries and no decisions here; the data comes from the API's services."""

from __future__ import annotations

from datetime import datetime

from aim.graph.store import as_date, to_native

RAG_TAG = {"red": "govuk-tag--red", "amber": "govuk-tag--orange", "green": "govuk-tag--green"}
STATUS_NAMES = {
    "new": "New", "acknowledged": "Acknowledged", "watch_list": "On watch list",
    "referred": "Referred to MASH", "dismissed": "Dismissed",
}
STATUS_TAG = {
    "new": "govuk-tag--blue", "acknowledged": "govuk-tag--grey", "watch_list": "govuk-tag--purple",
    "referred": "govuk-tag--turquoise", "dismissed": "govuk-tag--grey",
}
OPEN_STATUSES = ("new", "acknowledged", "watch_list")
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


def label(value) -> str:
    """``concern_for_welfare`` -> ``Concern for welfare``."""
    if not value:
        return ""
    text = str(value).replace("_", " ").strip()
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


def sort_alerts(alerts: list[dict], order: str) -> list[dict]:
    if order == "date":
        return sorted(alerts, key=lambda a: (str(a.get("last_updated") or a.get("first_raised") or "")), reverse=True)
    if order == "rag":
        return sorted(alerts, key=lambda a: (RAG_ORDER.get(rag(a.get("rag")), 3), -(a.get("score") or 0)))
    return sorted(alerts, key=lambda a: -(a.get("score") or 0))


def cytoscape(graph: dict, focus: str) -> dict:
    """The API's network (nodes and edges) as Cytoscape.js elements with display labels."""
    nodes, edges = [], []
    for node in graph.get("nodes", []):
        nid = str(node.get("id"))
        kind = str(node.get("kind") or node.get("label") or nid.split(":", 1)[0]).lower()
        props = node.get("properties") or {}
        key = nid.split(":", 1)[1] if ":" in nid else nid
        if kind == "person":
            text = name_of(props) if (props.get("first_name") or props.get("last_name")) else key
            dob = as_date(props.get("date_of_birth"))
            if dob:
                text += f" ({dob.year})"
        elif kind == "address":
            text = ", ".join(x for x in (props.get("line"), props.get("postcode")) if x) or key
        elif kind == "household":
            text = f"Household {key}"
        elif kind == "organisation":
            text = props.get("name") or key
        elif kind == "record":
            text = f"{props.get('source', '')} record {props.get('source_record_id', key)}"
        else:
            text = key
        nodes.append({"data": {"id": nid, "kind": kind, "key": key, "label": text,
                               "focus": kind == "person" and key == focus}})
    for edge in graph.get("edges", []):
        edges.append({"data": {"id": f"{edge.get('source')}>{edge.get('target')}:{edge.get('type')}",
                               "source": str(edge.get("source")), "target": str(edge.get("target")),
                               "type": str(edge.get("type") or ""), "label": label(str(edge.get("type") or "").lower())}})
    return {"nodes": nodes, "edges": edges}
