"""Alerts, watch list, match review, manual merge/split, households, network and
resolution jobs: routes over the resolution (issue 5) and alerts (issue 6) modules."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status

from aim.api.deps import Backend, audit_context, backend, stated_purpose
from aim.api.schemas import AlertAction, MergeIn, ResolutionJobIn, ReviewDecision, SplitIn, UnwatchIn, WatchIn
from aim.api.security import Principal, require
from aim.api.services import partners as svc
from aim.api.services.people import pseudonym
from aim.graph.views import network as network_module
from aim.graph import review as review_module
from aim.graph.alerts import lifecycle, watchlist

Id = Annotated[str, Path(min_length=1, max_length=300)]
MASH = require("mash")

alerts = APIRouter(prefix="/alerts", tags=["alerts"])
watch = APIRouter(prefix="/watchlist", tags=["alerts"])
review = APIRouter(prefix="/review", tags=["resolution"])
persons = APIRouter(prefix="/persons", tags=["resolution"])
households = APIRouter(prefix="/households", tags=["households"])
jobs = APIRouter(prefix="/resolution/jobs", tags=["resolution"])


def routers() -> list[APIRouter]:
    return [alerts, watch, review, persons, households, jobs]


# ----------------------------------------------------------------------------- alerts


@alerts.get("", summary="Alerts, filtered by RAG, status, rule and date")
def list_alerts(
    request: Request,
    rag: Literal["red", "amber", "green"] | None = None,
    status_: Literal["new", "acknowledged", "watch_list", "referred", "dismissed"] | None = Query(None, alias="status"),
    rule: str | None = Query(None, max_length=100),
    subject_id: str | None = Query(None, max_length=300),
    since: date | None = Query(None, alias="from"),
    until: date | None = Query(None, alias="to"),
    limit: int = Query(100, ge=1, le=1000),
    principal: Principal = Depends(MASH),
    be: Backend = Depends(backend),
) -> dict:
    found = lifecycle.list_alerts([status_] if status_ else None, subject_id, 10_000, **svc.kw(be))
    found = svc.filter_alerts(found, rag=rag, rule=rule, since=since, until=until)[:limit]
    found = svc.plain(found)
    svc.audit(be, audit_context(request, principal), "alerts.list", [a.get("subject_id") for a in found],
              {"rag": rag, "status": status_, "rule": rule, "returned": len(found)})
    return {"alerts": found}


@alerts.get("/{alert_id}", summary="One alert with its evidence and history")
def get_alert(request: Request, alert_id: Id, principal: Principal = Depends(MASH),
              be: Backend = Depends(backend)) -> dict:
    found = lifecycle.get_alert(alert_id, **svc.kw(be))
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no alert '{alert_id}'")
    history = lifecycle.alert_history(alert_id, **svc.kw(be))
    found = svc.plain({**found, "history": history})
    svc.audit(be, audit_context(request, principal), "alerts.view", [found.get("subject_id")], {"alert_id": alert_id})
    return found


@alerts.post("/{alert_id}/actions", summary="Acknowledge, refer to MASH, dismiss or watch an alert")
def act_on_alert(body: AlertAction, request: Request, alert_id: Id, principal: Principal = Depends(MASH),
                 be: Backend = Depends(backend)) -> dict:
    if body.action == "dismiss" and not body.reason:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="dismissing an alert needs a reason")
    svc.audit(be, audit_context(request, principal), f"alerts.{body.action}", [], {"alert_id": alert_id,
                                                                                   "reason": body.reason})
    try:
        if body.action == "acknowledge":
            result = lifecycle.acknowledge(alert_id, principal.username, reason=body.reason, **svc.kw(be))
        elif body.action == "refer":
            result = lifecycle.refer(alert_id, principal.username, body.reason, **svc.kw(be))
        elif body.action == "dismiss":
            result = lifecycle.dismiss(alert_id, principal.username, body.reason, **svc.kw(be))
        else:
            result = lifecycle.add_to_watch_list(alert_id, principal.username, body.reason or "from alert",
                                                 owner=body.owner, review_date=body.review_date, **svc.kw(be))
    except lifecycle.LifecycleError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from exc
    if result is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no alert '{alert_id}'")
    return svc.plain(result)


# ----------------------------------------------------------------------------- watch list


@watch.get("", summary="Active watch-list entries and their activity since")
def watch_list(request: Request, due_only: bool = False, principal: Principal = Depends(MASH),
               be: Backend = Depends(backend)) -> dict:
    found = svc.plain(watchlist.watch_list(due_only=due_only, **svc.kw(be)))
    svc.audit(be, audit_context(request, principal), "watchlist.list", [e.get("subject_id") for e in found])
    return {"entries": found}


@watch.post("", status_code=201, summary="Put a person or household on the watch list")
def add_watch(body: WatchIn, request: Request, principal: Principal = Depends(MASH),
              be: Backend = Depends(backend)) -> dict:
    svc.audit(be, audit_context(request, principal), "watchlist.add", [body.subject_id], {"reason": body.reason})
    try:
        return svc.plain(watchlist.watch(body.subject_type, body.subject_id, owner=body.owner, reason=body.reason,
                                  review_date=body.review_date, by=principal.username, **svc.kw(be)))
    except watchlist.WatchListError as exc:
        raise svc.bad_request(exc) from exc


@watch.post("/{watch_id}/end", summary="End a watch-list entry")
def end_watch(body: UnwatchIn, request: Request, watch_id: Id, principal: Principal = Depends(MASH),
              be: Backend = Depends(backend)) -> dict:
    svc.audit(be, audit_context(request, principal), "watchlist.end", [], {"watch_id": watch_id})
    try:
        return svc.plain(watchlist.unwatch(watch_id, by=principal.username, reason=body.reason, **svc.kw(be)))
    except watchlist.WatchListError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from exc


# ----------------------------------------------------------------------------- review, merge, split


@review.get("", summary="The match review queue: undecided pairs, most probable first")
def review_queue(request: Request, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=1_000_000),
                 principal: Principal = Depends(MASH), be: Backend = Depends(backend)) -> dict:
    found = svc.plain(review_module.review_queue(limit, offset, **svc.kw(be)))
    subjects = []
    for item in found:
        for side in ("record_key_a", "record_key_b"):
            if item.get(side):
                subjects.append(f"rec:{item[side][0]}:{item[side][1]}")
    svc.audit(be, audit_context(request, principal), "review.queue", subjects)
    return {"pairs": found}


@review.post("/decisions", summary="Decide whether two records are the same person")
def decide(body: ReviewDecision, request: Request, principal: Principal = Depends(MASH),
           be: Backend = Depends(backend)) -> dict:
    decision = {"match": "same", "no_match": "different"}[body.decision]
    a, b = (body.a.source, body.a.source_record_id), (body.b.source, body.b.source_record_id)
    svc.audit(be, audit_context(request, principal), "review.decide",
              [f"rec:{a[0]}:{a[1]}", f"rec:{b[0]}:{b[1]}"], {"decision": decision, "reason": body.reason})
    try:
        persons_ = review_module.decide(a, b, decision, principal.username, body.reason, **svc.kw(be))
    except review_module.ReviewError as exc:
        raise svc.bad_request(exc) from exc
    return {"decision": decision, "persons": persons_}


@persons.post("/merge", summary="Merge two persons by hand")
def merge(body: MergeIn, request: Request, principal: Principal = Depends(MASH), be: Backend = Depends(backend)) -> dict:
    svc.audit(be, audit_context(request, principal), "persons.merge", [body.person_a, body.person_b],
              {"reason": body.reason})
    try:
        survivor = review_module.merge_persons(body.person_a, body.person_b, principal.username, body.reason, **svc.kw(be))
    except review_module.ReviewError as exc:
        raise svc.bad_request(exc) from exc
    return {"person_id": survivor}


@persons.post("/{subject_id}/split", summary="Split records out of a person into a new one")
def split(body: SplitIn, request: Request, subject_id: Id, principal: Principal = Depends(MASH),
          be: Backend = Depends(backend)) -> dict:
    keys = [(k.source, k.source_record_id) for k in body.records]
    svc.audit(be, audit_context(request, principal), "persons.split", [subject_id], {"reason": body.reason})
    try:
        ids = review_module.split_person(subject_id, keys, principal.username, body.reason, **svc.kw(be))
    except review_module.ReviewError as exc:
        raise svc.bad_request(exc) from exc
    return {"person_ids": ids}


@persons.get("/{subject_id}/network", summary="Household members, co-residents, linked persons and addresses")
def network(request: Request, subject_id: Id, depth: int = Query(2, ge=1, le=3),
            limit: Annotated[int, Query(ge=1, le=500)] = 100,
            purpose: str = Depends(stated_purpose), principal: Principal = Depends(require("mash", "analyst")),
            be: Backend = Depends(backend)) -> dict:
    found = svc.plain(network_module.network(subject_id, depth=depth, limit=limit, **svc.kw(be)))
    if not found or not found.get("nodes"):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no person '{subject_id}'")
    ids = [n["id"].split(":", 1)[1] for n in found["nodes"] if str(n.get("label")).lower() == "person"]
    svc.audit(be, audit_context(request, principal, purpose), "persons.network", [subject_id, *ids],
              {"depth": depth, "nodes": len(found["nodes"])})
    if principal.role == "analyst":
        found = _pseudonymise_graph(found, be.settings.signing_secret())
    return found


def _pseudonymise_graph(graph: dict, secret: str) -> dict:
    """Analysts see the shape of a network, never who is in it: every id becomes a stable
    pseudonym and only non-identifying properties stay."""
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


# ----------------------------------------------------------------------------- households


@households.get("", summary="Households, largest first (analysts see pseudonyms)")
def list_households(request: Request, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=1_000_000),
                    min_members: int | None = Query(None, ge=1, le=1000),
                    principal: Principal = Depends(require("mash", "analyst")), be: Backend = Depends(backend)) -> dict:
    from aim.graph.access import audit as audit_graph
    from aim.graph import views as people
    from aim.graph.access.audit import AuditEntry

    def read(tx):
        found = people.households(tx, skip=offset, limit=limit, min_members=min_members)
        subjects = [h["household_id"] for h in found] + [m["person_id"] for h in found for m in h["members"]]
        return found, AuditEntry("households.list", subjects, {"limit": limit, "offset": offset})

    found = svc.plain(audit_graph.audited_read(be.driver, be.database, audit_context(request, principal), read))
    if principal.role == "analyst":
        found = [_pseudonymise_household(h, be.settings.signing_secret()) for h in found]
    return {"households": found}


@households.get("/{household_id}", summary="One household: members over time and address")
def get_household(request: Request, household_id: Id,
                  principal: Principal = Depends(require("mash", "analyst")), be: Backend = Depends(backend)) -> dict:
    from aim.graph.access import audit as audit_graph
    from aim.graph import views as people
    from aim.graph.access.audit import AuditEntry

    def read(tx):
        found = people.household(tx, household_id)
        subjects = [household_id] + [m["person_id"] for m in (found or {}).get("members", [])] if found else []
        return found, AuditEntry("households.view", subjects, {"found": found is not None})

    found = audit_graph.audited_read(be.driver, be.database, audit_context(request, principal), read)
    if not found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no household '{household_id}'")
    found = svc.plain(found)
    if principal.role == "analyst":
        found = _pseudonymise_household(found, be.settings.signing_secret())
    return found


def _pseudonymise_household(household: dict, secret: str) -> dict:
    return {
        "household": pseudonym(secret, str(household.get("household_id"))),
        "member_count": household.get("member_count"),
        "postcode_district": ((household.get("address") or {}).get("postcode") or "").split(" ")[0] or None,
        "members": [{"person": pseudonym(secret, str(m.get("person_id"))), "from": m.get("from"), "to": m.get("to"),
                     "age": m.get("age")} for m in household.get("members", [])],
        "pseudonymised": True,
    }


# ----------------------------------------------------------------------------- resolution jobs


@jobs.post("", status_code=202, summary="Start a resolution run in the background")
def start_job(body: ResolutionJobIn, request: Request, principal: Principal = Depends(MASH),
              be: Backend = Depends(backend)) -> dict:
    svc.audit(be, audit_context(request, principal), "resolution.start", [], {"train": body.train})
    return request.app.state.jobs.start(be, principal.username, body.train)


@jobs.get("/{job_id}", summary="A resolution run's status and report")
def job_status(request: Request, job_id: Id, principal: Principal = Depends(MASH)) -> dict:
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no job '{job_id}'")
    return job
