"""Alerts, watch list, match review, manual merge/split, households, network and
resolution jobs: routes over the resolution (issue 5) and alerts (issue 6) modules."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status

from aim.api.deps import Backend, audit_context, backend, stated_purpose
from aim.api.schemas import AlertAction, MergeIn, ResolutionJobIn, ReviewDecision, SplitIn, UnwatchIn, WatchIn
from aim.api.security import Principal, require
from aim.api.services import partners as svc
from aim.api.services.people import pseudonym

Id = Path(..., min_length=1, max_length=300)
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
    list_alerts_ = svc.function("aim.graph.alerts.lifecycle", "list_alerts")
    found = list_alerts_([status_] if status_ else None, subject_id, 10_000, **svc.kw(be))
    found = svc.filter_alerts(found, rag=rag, rule=rule, since=since, until=until)[:limit]
    found = svc.plain(found)
    svc.audit(be, audit_context(request, principal), "alerts.list", [a.get("subject_id") for a in found],
              {"rag": rag, "status": status_, "rule": rule, "returned": len(found)})
    return {"alerts": found}


@alerts.get("/{alert_id}", summary="One alert with its evidence and history")
def get_alert(request: Request, alert_id: str = Id, principal: Principal = Depends(MASH),
              be: Backend = Depends(backend)) -> dict:
    found = svc.function("aim.graph.alerts.lifecycle", "get_alert")(alert_id, **svc.kw(be))
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no alert '{alert_id}'")
    history = svc.function("aim.graph.alerts.lifecycle", "alert_history")(alert_id, **svc.kw(be))
    found = svc.plain({**found, "history": history})
    svc.audit(be, audit_context(request, principal), "alerts.view", [found.get("subject_id")], {"alert_id": alert_id})
    return found


@alerts.post("/{alert_id}/actions", summary="Acknowledge, refer to MASH, dismiss or watch an alert")
def act_on_alert(body: AlertAction, request: Request, alert_id: str = Id, principal: Principal = Depends(MASH),
                 be: Backend = Depends(backend)) -> dict:
    lifecycle = svc.module("aim.graph.alerts.lifecycle")
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
    found = svc.plain(svc.function("aim.graph.alerts.watchlist", "watch_list")(due_only=due_only, **svc.kw(be)))
    svc.audit(be, audit_context(request, principal), "watchlist.list", [e.get("subject_id") for e in found])
    return {"entries": found}


@watch.post("", status_code=201, summary="Put a person or household on the watch list")
def add_watch(body: WatchIn, request: Request, principal: Principal = Depends(MASH),
              be: Backend = Depends(backend)) -> dict:
    wl = svc.module("aim.graph.alerts.watchlist")
    svc.audit(be, audit_context(request, principal), "watchlist.add", [body.subject_id], {"reason": body.reason})
    try:
        return svc.plain(wl.watch(body.subject_type, body.subject_id, owner=body.owner, reason=body.reason,
                                  review_date=body.review_date, by=principal.username, **svc.kw(be)))
    except wl.WatchListError as exc:
        raise svc.bad_request(exc) from exc


@watch.post("/{watch_id}/end", summary="End a watch-list entry")
def end_watch(body: UnwatchIn, request: Request, watch_id: str = Id, principal: Principal = Depends(MASH),
              be: Backend = Depends(backend)) -> dict:
    wl = svc.module("aim.graph.alerts.watchlist")
    svc.audit(be, audit_context(request, principal), "watchlist.end", [], {"watch_id": watch_id})
    try:
        return svc.plain(wl.unwatch(watch_id, by=principal.username, reason=body.reason, **svc.kw(be)))
    except wl.WatchListError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from exc


# ----------------------------------------------------------------------------- review, merge, split


@review.get("", summary="The match review queue: undecided pairs, most probable first")
def review_queue(request: Request, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=1_000_000),
                 principal: Principal = Depends(MASH), be: Backend = Depends(backend)) -> dict:
    found = svc.plain(svc.function("aim.graph.review", "review_queue")(limit, offset, **svc.kw(be)))
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
    rv = svc.module("aim.graph.review")
    decision = {"match": "same", "no_match": "different"}[body.decision]
    a, b = (body.a.source, body.a.source_record_id), (body.b.source, body.b.source_record_id)
    svc.audit(be, audit_context(request, principal), "review.decide",
              [f"rec:{a[0]}:{a[1]}", f"rec:{b[0]}:{b[1]}"], {"decision": decision, "reason": body.reason})
    try:
        persons_ = rv.decide(a, b, decision, principal.username, body.reason, **svc.kw(be))
    except rv.ReviewError as exc:
        raise svc.bad_request(exc) from exc
    return {"decision": decision, "persons": persons_}


@persons.post("/merge", summary="Merge two persons by hand")
def merge(body: MergeIn, request: Request, principal: Principal = Depends(MASH), be: Backend = Depends(backend)) -> dict:
    rv = svc.module("aim.graph.review")
    svc.audit(be, audit_context(request, principal), "persons.merge", [body.person_a, body.person_b],
              {"reason": body.reason})
    try:
        survivor = rv.merge_persons(body.person_a, body.person_b, principal.username, body.reason, **svc.kw(be))
    except rv.ReviewError as exc:
        raise svc.bad_request(exc) from exc
    return {"person_id": survivor}


@persons.post("/{subject_id}/split", summary="Split records out of a person into a new one")
def split(body: SplitIn, request: Request, subject_id: str = Id, principal: Principal = Depends(MASH),
          be: Backend = Depends(backend)) -> dict:
    rv = svc.module("aim.graph.review")
    keys = [(k.source, k.source_record_id) for k in body.records]
    svc.audit(be, audit_context(request, principal), "persons.split", [subject_id], {"reason": body.reason})
    try:
        ids = rv.split_person(subject_id, keys, principal.username, body.reason, **svc.kw(be))
    except rv.ReviewError as exc:
        raise svc.bad_request(exc) from exc
    return {"person_ids": ids}


@persons.get("/{subject_id}/network", summary="Household members, co-residents, linked persons and addresses")
def network(request: Request, subject_id: str = Id, depth: int = Query(2, ge=1, le=3),
            purpose: str = Depends(stated_purpose), principal: Principal = Depends(require("mash", "analyst")),
            be: Backend = Depends(backend)) -> dict:
    fn = svc.function("aim.graph.network", "person_network")
    found = svc.plain(fn(subject_id, depth=depth, **svc.kw(be)))
    if not found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no person '{subject_id}'")
    nodes = found.get("nodes", [])
    ids = [n.get("id") for n in nodes if n.get("kind", n.get("label", "")).lower() == "person"]
    svc.audit(be, audit_context(request, principal, purpose), "persons.network", [subject_id, *ids], {"depth": depth})
    if principal.role == "analyst":
        found = _pseudonymise_graph(found, be.settings.signing_secret())
    return found


def _pseudonymise_graph(graph: dict, secret: str) -> dict:
    mapping: dict[str, str] = {}

    def alias(value: str) -> str:
        return mapping.setdefault(value, pseudonym(secret, value))

    nodes = []
    for node in graph.get("nodes", []):
        kind = str(node.get("kind", node.get("label", ""))).lower()
        if kind == "person":
            nodes.append({"id": alias(node["id"]), "kind": "person", "age": node.get("age")})
        elif kind == "address":
            nodes.append({"id": alias(node["id"]), "kind": "address"})
        else:
            nodes.append({"id": alias(str(node.get("id"))), "kind": kind})
    edges = [{**{k: v for k, v in e.items() if k not in ("source", "target")},
              "source": alias(str(e.get("source"))), "target": alias(str(e.get("target")))}
             for e in graph.get("edges", [])]
    return {"nodes": nodes, "edges": edges, "pseudonymised": True}


# ----------------------------------------------------------------------------- households


@households.get("", summary="Households (analysts see pseudonyms)")
def list_households(request: Request, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=1_000_000),
                    principal: Principal = Depends(require("mash", "analyst")), be: Backend = Depends(backend)) -> dict:
    fn = svc.function("aim.graph.households", "list_households")
    found = svc.plain(fn(limit=limit, offset=offset, **svc.kw(be)))
    svc.audit(be, audit_context(request, principal), "households.list",
              [h.get("household_id") for h in found], {"limit": limit, "offset": offset})
    if principal.role == "analyst":
        found = [_pseudonymise_household(h, be.settings.signing_secret()) for h in found]
    return {"households": found}


@households.get("/{household_id}", summary="One household: members over time and address")
def get_household(request: Request, household_id: str = Id,
                  principal: Principal = Depends(require("mash", "analyst")), be: Backend = Depends(backend)) -> dict:
    fn = svc.function("aim.graph.households", "get_household")
    found = svc.plain(fn(household_id, **svc.kw(be)))
    if not found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no household '{household_id}'")
    members = [m.get("person_id") for m in found.get("members", [])]
    svc.audit(be, audit_context(request, principal), "households.view", [household_id, *members])
    if principal.role == "analyst":
        found = _pseudonymise_household(found, be.settings.signing_secret())
    return found


def _pseudonymise_household(household: dict, secret: str) -> dict:
    out = {k: v for k, v in household.items() if k not in ("members", "address", "line", "address_key")}
    out["members"] = [
        {"person": pseudonym(secret, str(m.get("person_id"))), "from": m.get("from"), "to": m.get("to"),
         "age": m.get("age")}
        for m in household.get("members", [])
    ]
    out["pseudonymised"] = True
    return out


# ----------------------------------------------------------------------------- resolution jobs


@jobs.post("", status_code=202, summary="Start a resolution run in the background")
def start_job(body: ResolutionJobIn, request: Request, principal: Principal = Depends(MASH),
              be: Backend = Depends(backend)) -> dict:
    svc.audit(be, audit_context(request, principal), "resolution.start", [], {"train": body.train})
    return request.app.state.jobs.start(be, principal.username, body.train)


@jobs.get("/{job_id}", summary="A resolution run's status and report")
def job_status(request: Request, job_id: str = Id, principal: Principal = Depends(MASH)) -> dict:
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no job '{job_id}'")
    return job
