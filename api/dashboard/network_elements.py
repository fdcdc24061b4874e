"""Presentation of the network exploration as Cytoscape.js elements: display labels with
the activity and alert markers, one labelled edge per relationship (role and dates), and
each node's relationships in words for the table beside the picture."""

from __future__ import annotations

from .present import day, label, name_of

RAG_WORDS = {"red": "Red alert", "amber": "Amber alert", "green": "Green alert"}


def elements(graph: dict, focus: str) -> dict:
    """The service's exploration (nodes and edges) as Cytoscape.js elements."""
    names = {str(n["id"]): _name(n) for n in graph.get("nodes", [])}
    links: dict[str, list[str]] = {nid: [] for nid in names}
    edges = []
    for edge in graph.get("edges", []):
        source, target, kind = str(edge["source"]), str(edge["target"]), str(edge.get("type") or "")
        props = edge.get("properties") or {}
        edges.append({"data": {"id": f"{source}>{target}:{kind}", "source": source, "target": target,
                               "type": kind, "label": edge_label(kind, props)}})
        links.get(source, []).append(edge_words(kind, props, names.get(target, target)))
        links.get(target, []).append(edge_words(kind, props, names.get(source, source), inverse=True))
    nodes = []
    for node in graph.get("nodes", []):
        nid = str(node["id"])
        kind = nid.split(":", 1)[0]
        props = node.get("properties") or {}
        markers = _markers(kind, props)
        nodes.append({"data": {
            "id": nid, "kind": kind, "key": nid.split(":", 1)[1], "name": names[nid],
            "label": "\n".join([_short(names[nid]), *([" · ".join(markers)] if markers else [])]),
            "focus": kind == "person" and nid == f"person:{focus}", "hop": props.get("hop"),
            "agencies": props.get("agencies"), "rag": props.get("rag"), "links": sorted(links[nid]),
            "activity": _activity(props.get("agencies")) if kind == "person" else "",
            "alert": RAG_WORDS.get(props.get("rag") or "", ""),
        }})
    nodes.sort(key=lambda n: (not n["data"]["focus"], _KIND_ORDER.get(n["data"]["kind"], 9),
                              n["data"]["hop"] or 0, n["data"]["name"]))
    return {"nodes": nodes, "edges": edges}


_KIND_ORDER = {"person": 0, "household": 1, "address": 2}
PICTURE_LABEL = 44  # characters of a name in the picture (two lines); the table has it all


def _short(name: str) -> str:
    return name if len(name) <= PICTURE_LABEL else name[:PICTURE_LABEL - 1].rstrip() + "…"


def _name(node: dict) -> str:
    nid = str(node["id"])
    kind, _, key = nid.partition(":")
    props = node.get("properties") or {}
    if kind == "person":
        text = name_of(props) if (props.get("first_name") or props.get("last_name")) else key
        dob = str(props.get("date_of_birth") or "")
        return f"{text} ({dob[:4]})" if dob[:4].isdigit() else text
    if kind == "household":
        line = _title(props.get("line"))
        return f"Household at {line}" if line else "Household"
    if kind == "address":
        return ", ".join(x for x in (_title(props.get("line")), props.get("postcode")) if x) or key
    return key


def _title(line) -> str:
    """``12 MILL LANE`` -> ``12 Mill Lane`` (addresses arrive upper-cased)."""
    return " ".join(w.capitalize() if w.isalpha() else w for w in str(line or "").split())


def _markers(kind: str, props: dict) -> list[str]:
    out = []
    if kind == "person" and props.get("agencies"):
        out.append(_activity(props["agencies"]))
    if kind == "household" and props.get("member_count"):
        out.append(f"{props['member_count']} members")
    if props.get("rag") in RAG_WORDS:
        out.append(RAG_WORDS[props["rag"]])
    return out


def _activity(agencies) -> str:
    if not agencies:
        return "No activity"
    return f"{agencies} agenc{'y' if agencies == 1 else 'ies'}"


def _years(props: dict) -> tuple[str, str]:
    return str(props.get("from") or "")[:4], str(props.get("to") or "")[:4]


def _span(props: dict, current: str, past: str) -> str:
    start, end = _years(props)
    if end:
        return f"{past} {start}–{end}" if start and start != end else f"{past} in {end}"
    return f"{current}, since {start}" if start else current


def edge_label(kind: str, props: dict) -> str:
    """The short label drawn on an edge: the role and its dates."""
    if kind == "MEMBER_OF":
        return _span(props, "member", "member")
    if kind == "LIVES_AT":
        return _span(props, "lives at", "lived at")
    if kind == "SHARED_EVENT":
        return f"same incident {day(props.get('date'))}"
    if kind == "AT":
        return "at"
    return label(kind.lower())


def edge_words(kind: str, props: dict, other: str, inverse: bool = False) -> str:
    """The relationship in words for the table, seen from the source (or, ``inverse``, the
    target), with ``other`` the node at the far end."""
    start, end = _years(props)
    when = f" ({start}–{end})" if start and end and start != end else f" ({end})" if end else \
        f" (since {start})" if start else ""
    if kind == "SHARED_EVENT":
        what = label(props.get("event_type")).lower() or "event"
        return f"Same {what} as {other} ({props.get('organisation')}, {day(props.get('date'))})"
    if kind == "MEMBER_OF":
        return f"Member: {other}{when}" if inverse else f"Member of {other}{when}"
    if kind == "LIVES_AT":
        return f"Home of {other}{when}" if inverse else f"{'Lived' if end else 'Lives'} at {other}{when}"
    if kind == "AT":
        return f"Home of {other}" if inverse else f"At {other}"
    return f"{label(kind.lower())} {other}"
