"""The dashboard's pages. Thin: each page calls the same services and route functions as
the JSON API (so need-to-know shaping, validation and the audit trail are the API's own)
and renders the result with GOV.UK Frontend templates."""

from __future__ import annotations

import logging
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import OAuth2PasswordRequestForm
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError

from aim.api.deps import Backend, audit_context, backend
from aim.api.routes import admin as admin_routes
from aim.api.routes import analyst as analyst_routes
from aim.api.routes import auth as auth_routes
from aim.api.routes import dpo as dpo_routes
from aim.api.routes import partners as partner_routes
from aim.api.schemas import AlertAction, RecordKey, ReviewDecision, UnwatchIn, WatchIn
from aim.api.services import partners as partner_services
from aim.api.services import people as people_service

from . import present
from .session import (COOKIE, COOKIE_PATH, HOME, PREFIX, SIGNIN_COOKIE, PageError, Session, check_form,
                      new_signin_nonce, safe_next, secure_cookies, session)

log = logging.getLogger("aim.api.dashboard")
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.filters.update(day=present.day, when=present.when, label=present.label, rag=present.rag,
                             rag_tag=present.rag_tag, name_of=present.name_of, weight_words=present.weight_words)
templates.env.globals.update(PREFIX=PREFIX, STATUS_NAMES=present.STATUS_NAMES, STATUS_TAG=present.STATUS_TAG,
                             GENDERS=present.GENDERS)

router = APIRouter(prefix=PREFIX, include_in_schema=False)
NOTICES = {
    "watched": "Added to the watch list.",
    "acknowledge": "Alert acknowledged.",
    "refer": "Alert referred to the MASH.",
    "dismiss": "Alert dismissed.",
    "watch": "Alert moved to the watch list; its subject is on the watch list.",
    "decided": "Decision recorded. The records have been re-resolved.",
    "ended": "Watch-list entry ended.",
    "signed-out": "You have signed out.",
}


# ----------------------------------------------------------------------------- helpers


def render(request: Request, s: Session | None, template: str, status_code: int = 200, **context) -> HTMLResponse:
    context.update(request=request, s=s, notice=NOTICES.get(request.query_params.get("notice", "")))
    started = getattr(request.state, "dashboard_started", None)
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    if started is not None:
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


def api_call(fn, **kwargs):
    """Call an API route or service function; its HTTP errors become ``(None, error)``,
    anything unexpected an HTML error page (logged) rather than the API's JSON body."""
    try:
        return fn(**kwargs), None
    except (HTTPException, PageError) as exc:
        if isinstance(exc, PageError):
            raise
        return None, exc
    except (ServiceUnavailable, SessionExpired, TransientError) as exc:
        log.warning("database unavailable: %s", exc)
        raise PageError(503, "AIM is busy", "The database could not be reached. Try again in a few seconds.") from exc
    except Exception as exc:
        log.exception("dashboard: %s failed", getattr(fn, "__name__", fn))
        raise PageError(500, "Something went wrong",
                        "AIM could not complete this. Try again; if it keeps happening, tell the AIM team.") from exc


def unavailable(exc: HTTPException) -> PageError:
    if exc.status_code == 501:
        return PageError(501, "Not available yet", f"This screen needs a part of AIM that is not installed in this "
                                                   f"build yet ({exc.detail}).")
    if exc.status_code == 404:
        return PageError(404, "Not found", str(exc.detail))
    if exc.status_code == 403:
        return PageError(403, "You cannot see this page", str(exc.detail))
    return PageError(exc.status_code, "Something went wrong", str(exc.detail))


def errors_of(exc: ValidationError) -> list[dict]:
    out = []
    for e in exc.errors():
        field = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
        out.append({"field": field, "text": f"{present.label(field)}: {e.get('msg')}" if field else e.get("msg")})
    return out


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def purpose_of(request: Request) -> str | None:
    given = (request.query_params.get("purpose") or "").strip()
    if given == "other":
        given = (request.query_params.get("purpose_other") or "").strip()
    return given if len(given) >= 3 else None


async def form_data(request: Request):
    """The posted form, read before a (synchronous, thread-pooled) page function runs."""
    return await request.form()


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ----------------------------------------------------------------------------- sign in / out


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str | None = None) -> Response:
    nonce = new_signin_nonce()
    response = render(request, None, "dashboard/sign_in.html", next=safe_next(next, ""), nonce=nonce)
    response.set_cookie(SIGNIN_COOKIE, nonce, max_age=900, httponly=True, samesite="strict", path=COOKIE_PATH,
                        secure=secure_cookies(request))
    return response


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(request: Request, form=Depends(form_data)) -> Response:
    username = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    nonce = request.cookies.get(SIGNIN_COOKIE)
    next_url = safe_next(str(form.get("next") or ""), "")

    def again(message: str, code: int = 401) -> Response:
        fresh = new_signin_nonce()
        response = render(request, None, "dashboard/sign_in.html", status_code=code, next=next_url, nonce=fresh,
                          error=message, username=username)
        response.set_cookie(SIGNIN_COOKIE, fresh, max_age=900, httponly=True, samesite="strict", path=COOKIE_PATH,
                            secure=secure_cookies(request))
        return response

    if not nonce or str(form.get("nonce") or "") != nonce:
        return again("The sign-in form expired. Try again.", 400)
    if not username or not password:
        return again("Enter your username and password.", 400)
    token, exc = api_call(auth_routes.token, request=request,
                          form=OAuth2PasswordRequestForm(username=username, password=password))
    if exc is not None:
        return again("Wrong username or password." if exc.status_code == 401 else str(exc.detail), exc.status_code)
    from aim.api.security import decode_token

    principal = decode_token(request.app.state.settings, token.access_token)
    target = next_url or f"{PREFIX}/{HOME.get(principal.role, 'search')}"
    response = redirect(target)
    response.set_cookie(COOKIE, token.access_token, max_age=token.expires_in, httponly=True, samesite="strict",
                        path=COOKIE_PATH, secure=secure_cookies(request))
    response.delete_cookie(SIGNIN_COOKIE, path=COOKIE_PATH)
    return response


@router.post("/sign-out")
def sign_out(request: Request, form=Depends(form_data)) -> Response:
    try:
        s = session(request)
        check_form(request, s, form)
    except Exception:  # noqa: BLE001 - an expired session signs out all the same
        pass
    response = redirect(f"{PREFIX}/sign-in?notice=signed-out")
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response


@router.get("")
@router.get("/")
def home(request: Request) -> Response:
    s = session(request)
    return redirect(f"{PREFIX}/{HOME.get(s.role, 'search')}")


# ----------------------------------------------------------------------------- search


@router.get("/search", response_class=HTMLResponse)
def search(request: Request) -> Response:
    s = session(request, "partner", "mash")
    q = request.query_params
    given = {k: (q.get(k) or "").strip() for k in ("first_name", "last_name", "dob_day", "dob_month", "dob_year",
                                                   "gender", "purpose")}
    errors, results, searched = [], None, any(given[k] for k in ("first_name", "last_name", "dob_year"))
    dob = None
    if any(given[k] for k in ("dob_day", "dob_month", "dob_year")):
        try:
            dob = date(int(given["dob_year"]), int(given["dob_month"]), int(given["dob_day"]))
        except ValueError:
            errors.append({"field": "dob", "text": "Enter a real date of birth, for example 27 3 2015"})
    if searched or q.get("search"):
        if not (given["first_name"] or given["last_name"] or dob):
            errors.append({"field": "first_name", "text": "Enter a name or a date of birth to search by"})
        if len(given["purpose"]) < 3:
            errors.append({"field": "purpose", "text": "Say why you are searching (this is recorded)"})
        if given["gender"] not in ("", "M", "F", "X", "U"):
            given["gender"] = ""
        if not errors:
            be = backend(request)
            results, exc = api_call(
                people_service.search, be=be, ctx=audit_context(request, s.principal, given["purpose"]),
                principal=s.principal, first_name=given["first_name"] or None,
                last_name=given["last_name"] or None, date_of_birth=dob, gender=given["gender"] or None, limit=20)
            if exc is not None:
                raise unavailable(exc)
    alerts = None
    if s.can("alerts") and results is None:
        found, _ = api_call(partner_routes.list_alerts, request=request, rag=None, status_=None, rule=None,
                            subject_id=None, since=None, until=None, limit=1000, principal=s.principal,
                            be=backend(request))
        if found is not None:
            open_ = [a for a in found["alerts"] if a.get("status") in present.OPEN_STATUSES]
            alerts = {"open": len(open_), "red": sum(present.rag(a.get("rag")) == "red" for a in open_),
                      "amber": sum(present.rag(a.get("rag")) == "amber" for a in open_)}
    return render(request, s, "dashboard/search.html", given=given, errors=errors, results=results,
                  alerts=alerts, organisations=_organisation_names(request))


_ORGS: dict = {"at": 0.0, "names": {}}


def _organisation_names(request: Request) -> dict[str, str]:
    """Organisation codes -> names (not personal data), refreshed every minute."""
    if time.monotonic() - _ORGS["at"] > 60:
        from aim.graph import views as people

        be = backend(request)
        with be.driver.session(database=be.database) as db:
            orgs = db.execute_read(people.organisations)
        _ORGS.update(at=time.monotonic(), names={o["code"]: o.get("name") or o["code"] for o in orgs})
    return _ORGS["names"]


# ----------------------------------------------------------------------------- person


def _purpose_prompt(request: Request, s: Session, subject_id: str, what: str) -> Response:
    error = None
    if "purpose" in request.query_params:
        error = "Say why you are opening this record (at least 3 characters)"
    return render(request, s, "dashboard/purpose.html", status_code=400 if error else 200, subject_id=subject_id,
                  what=what, purposes=present.PURPOSES, error=error, suggested=request.query_params.get("hint", ""),
                  action=request.url.path)


@router.get("/people/{subject_id}", response_class=HTMLResponse)
def person(request: Request, subject_id: str, page: int = 1) -> Response:
    s = session(request, "partner", "mash")
    purpose = purpose_of(request)
    if purpose is None:
        return _purpose_prompt(request, s, subject_id, "person")
    be = backend(request)
    ctx = audit_context(request, s.principal, purpose)
    page = max(1, min(page, 10_000))
    view, exc = api_call(people_service.view, be=be, ctx=ctx, principal=s.principal, subject_id=subject_id)
    if exc is None:
        timeline, exc = api_call(people_service.timeline, be=be, ctx=ctx, principal=s.principal,
                                 subject_id=subject_id, since=None, until=None, organisation=None, kind=None,
                                 page=page, page_size=25)
    if exc is not None:
        raise unavailable(exc)
    history, alerts, links = [], [], []
    if s.role == "mash":
        if not subject_id.startswith("rec:"):
            from aim.graph.review import person_history

            history = person_history(subject_id, 50, driver=be.driver, settings=be.settings)
            try:
                links = _link_explanations(be, view["records"])
            except Exception:  # noqa: BLE001 - an explanation is extra; the view stands without it
                log.exception("dashboard: could not explain the links of %s", subject_id)
        found, _ = api_call(partner_routes.list_alerts, request=request, rag=None, status_=None, rule=None,
                            subject_id=subject_id, since=None, until=None, limit=100, principal=s.principal, be=be)
        alerts = found["alerts"] if found else []
    return render(request, s, "dashboard/person.html", view=view, timeline=timeline, history=history, alerts=alerts,
                  links=links, organisations=_organisation_names(request),
                  purpose=purpose, care=present.care_links(view["activity"]), subject_id=subject_id,
                  review_default=(date.today() + timedelta(days=28)).isoformat(),
                  qs=urlencode({"purpose": purpose}))


LINK_FIELDS = ("first_name", "last_name", "date_of_birth", "gender", "address", "postcode")


def _link_explanations(be: Backend, records: list[dict]) -> list[dict]:
    """Why each record belongs with the others: the resolution model's own field-by-field
    explanation (``aim.resolution.explain.explain_pair`` with the graph's current model) of
    the record against the most alike of the records before it."""
    if len(records) < 2:
        return []
    from aim.graph.resolve import current_model
    from aim.resolution.explain import explain_pair

    found = current_model(be.driver, be.database)
    if not found:
        return []
    model, version = found
    fields = [{k: (r.get(k).isoformat() if hasattr(r.get(k), "isoformat") else r.get(k)) for k in LINK_FIELDS}
              for r in records]
    out = []
    for i in range(1, len(records)):
        best = max((explain_pair(model, fields[j], fields[i]) | {"other": records[j]} for j in range(i)),
                   key=lambda e: e["match_weight"])
        out.append({"record": records[i], "other": best["other"], "probability": best["match_probability"],
                    "weight": best["match_weight"], "model_version": version,
                    "terms": [t for t in best["terms"] if t.get("field") != "prior"]})
    return out


@router.post("/people/{subject_id}/watch", response_class=HTMLResponse)
def watch_person(request: Request, subject_id: str, form=Depends(form_data)) -> Response:
    s = session(request, "mash")
    check_form(request, s, form)
    purpose = str(form.get("purpose") or "")
    back = f"{PREFIX}/people/{subject_id}?" + urlencode({"purpose": purpose})
    try:
        body = WatchIn(subject_type=str(form.get("subject_type") or "person"), subject_id=subject_id,
                       owner=str(form.get("owner") or s.principal.username), reason=str(form.get("reason") or ""),
                       review_date=str(form.get("review_date") or ""))
    except ValidationError as exc:
        raise PageError(400, "The watch-list entry is not complete",
                        "; ".join(e["text"] for e in errors_of(exc)) + ". Go back and complete the form.") from exc
    _, exc = api_call(partner_routes.add_watch, body=body, request=request, principal=s.principal,
                      be=backend(request))
    if exc is not None:
        raise unavailable(exc)
    return redirect(back + "&notice=watched")


@router.get("/people/{subject_id}/network", response_class=HTMLResponse)
def network_page(request: Request, subject_id: str) -> Response:
    s = session(request, "mash")
    purpose = purpose_of(request)
    if purpose is None:
        return _purpose_prompt(request, s, subject_id, "network")
    graph = _network(request, s, subject_id, purpose, 1)
    elements = present.cytoscape(graph, subject_id)
    return render(request, s, "dashboard/network.html", subject_id=subject_id, purpose=purpose, elements=elements,
                  qs=urlencode({"purpose": purpose}))


@router.get("/people/{subject_id}/network.json")
def network_json(request: Request, subject_id: str, depth: int = 1) -> Response:
    s = session(request, "mash")
    purpose = purpose_of(request)
    if purpose is None:
        return JSONResponse({"detail": "state the purpose of this access"}, status_code=400)
    graph = _network(request, s, subject_id, purpose, max(1, min(depth, 3)))
    response = JSONResponse(present.cytoscape(graph, subject_id))
    response.headers["Cache-Control"] = "no-store"
    return response


def _network(request: Request, s: Session, subject_id: str, purpose: str, depth: int) -> dict:
    """The API's network route (linked persons, audited there) plus the person's households,
    addresses and co-residents from the same graph module (``aim.graph.network``), which
    the route does not return yet; those extra persons get their own audit entry."""
    be = backend(request)
    found, exc = api_call(partner_routes.network, request=request, subject_id=subject_id, depth=depth, limit=100,
                          purpose=purpose, principal=s.principal, be=be)
    if exc is not None and exc.status_code != 501:
        raise unavailable(exc)
    from aim.graph.views import network as net

    kw = partner_services.kw(be)
    parts = [found or {"nodes": [], "edges": []}, net.household_members(subject_id, **kw),
             net.co_residents(subject_id, **kw)]
    if exc is not None:  # no network route in this build: the graph module's own linked persons
        parts.append(net.network(subject_id, depth=depth, **kw))
    nodes: dict[str, dict] = {}
    edges: dict[tuple, dict] = {}
    for part in parts:
        for node in part.get("nodes", []):
            kept = nodes.setdefault(node["id"], {**node, "properties": dict(node.get("properties") or {})})
            kept["properties"].update({k: v for k, v in (node.get("properties") or {}).items() if v is not None})
        for edge in part.get("edges", []):
            edges.setdefault((edge["source"], edge["target"], edge["type"]), edge)
    if not nodes:
        raise unavailable(exc or HTTPException(404, f"no person '{subject_id}'"))
    merged = partner_services.plain({"nodes": list(nodes.values()), "edges": list(edges.values())})
    seen = {n["id"] for n in (found or {}).get("nodes", [])}
    extra = [n["id"].split(":", 1)[1] for n in merged["nodes"]
             if n["id"] not in seen and str(n.get("label")).lower() in ("person", "household")]
    if extra or exc is not None:
        partner_services.audit(be, audit_context(request, s.principal, purpose), "persons.network",
                               [subject_id, *extra], {"depth": depth, "part": "households, addresses, co-residents"})
    return merged


# ----------------------------------------------------------------------------- households


@router.get("/households/{household_id}", response_class=HTMLResponse)
def household(request: Request, household_id: str) -> Response:
    s = session(request, "mash")
    found, exc = api_call(partner_routes.get_household, request=request, household_id=household_id,
                          principal=s.principal, be=backend(request))
    if exc is not None:
        raise unavailable(exc)
    return render(request, s, "dashboard/household.html", household=found, household_id=household_id)


# ----------------------------------------------------------------------------- alerts


@router.get("/alerts", response_class=HTMLResponse)
def alerts(request: Request) -> Response:
    s = session(request, "mash")
    q = request.query_params
    chosen = {"rag": q.get("rag", ""), "status": q.get("status", "open"), "rule": q.get("rule", ""),
              "sort": q.get("sort", "score")}
    if chosen["rag"] not in ("", "red", "amber", "green"):
        chosen["rag"] = ""
    if chosen["status"] not in ("open", "all", *present.STATUS_NAMES):
        chosen["status"] = "open"
    one_status = chosen["status"] if chosen["status"] in present.STATUS_NAMES else None
    found, exc = api_call(partner_routes.list_alerts, request=request, rag=chosen["rag"] or None, status_=one_status,
                          rule=chosen["rule"] or None, subject_id=None, since=None, until=None, limit=1000,
                          principal=s.principal, be=backend(request))
    if exc is not None:
        raise unavailable(exc)
    items = found["alerts"]
    if chosen["status"] == "open":
        items = [a for a in items if a.get("status") in present.OPEN_STATUSES]
    rules = sorted({(a.get("rule"), a.get("title") or a.get("rule")) for a in items if a.get("rule")})
    if chosen["rule"] and (chosen["rule"], chosen["rule"]) not in rules:
        rules = sorted(set(rules) | {(chosen["rule"], present.label(chosen["rule"]))})
    return render(request, s, "dashboard/alerts.html", alerts=present.sort_alerts(items, chosen["sort"]),
                  chosen=chosen, rules=rules)


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert(request: Request, alert_id: str) -> Response:
    return _alert_page(request, session(request, "mash"), alert_id, [])


def _alert_page(request: Request, s: Session, alert_id: str, errors: list[dict]) -> Response:
    found, exc = api_call(partner_routes.get_alert, request=request, alert_id=alert_id, principal=s.principal,
                          be=backend(request))
    if exc is not None:
        raise unavailable(exc)
    return render(request, s, "dashboard/alert.html", status_code=400 if errors else 200, alert=found,
                  errors=errors or [], review_default=(date.today() + timedelta(days=28)).isoformat(),
                  explanation=found.get("explanation") or {})


@router.post("/alerts/{alert_id}/action", response_class=HTMLResponse)
def act(request: Request, alert_id: str, form=Depends(form_data)) -> Response:
    s = session(request, "mash")
    check_form(request, s, form)
    action = str(form.get("action") or "")
    reason = str(form.get("reason") or "").strip() or None
    if action == "dismiss" and not reason:
        return _alert_page(request, s, alert_id, [{"field": "reason", "text": "Give a reason for dismissing the alert"}])
    try:
        body = AlertAction(action=action, reason=reason, owner=str(form.get("owner") or "").strip() or None,
                           review_date=str(form.get("review_date") or "") or None)
    except ValidationError as exc:
        return _alert_page(request, s, alert_id, errors_of(exc))
    _, exc = api_call(partner_routes.act_on_alert, body=body, request=request, alert_id=alert_id,
                      principal=s.principal, be=backend(request))
    if exc is not None:
        if exc.status_code in (400, 409):
            return _alert_page(request, s, alert_id, [{"field": "action", "text": str(exc.detail)}])
        raise unavailable(exc)
    return redirect(f"{PREFIX}/alerts/{alert_id}?notice={action}")


# ----------------------------------------------------------------------------- watch list


@router.get("/watch-list", response_class=HTMLResponse)
def watch_list(request: Request) -> Response:
    s = session(request, "mash")
    due_only = request.query_params.get("due") == "1"
    found, exc = api_call(partner_routes.watch_list, request=request, due_only=due_only, principal=s.principal,
                          be=backend(request))
    if exc is not None:
        raise unavailable(exc)
    return render(request, s, "dashboard/watch_list.html", entries=found["entries"], due_only=due_only)


@router.post("/watch-list/{watch_id}/end", response_class=HTMLResponse)
def end_watch(request: Request, watch_id: str, form=Depends(form_data)) -> Response:
    s = session(request, "mash")
    check_form(request, s, form)
    try:
        body = UnwatchIn(reason=str(form.get("reason") or ""))
    except ValidationError as exc:
        raise PageError(400, "Give a reason", "Say why the watch ends (at least 3 characters). Go back and try "
                                              "again.") from exc
    _, exc = api_call(partner_routes.end_watch, body=body, request=request, watch_id=watch_id,
                      principal=s.principal, be=backend(request))
    if exc is not None:
        raise unavailable(exc)
    return redirect(f"{PREFIX}/watch-list?notice=ended")


# ----------------------------------------------------------------------------- match review


@router.get("/review", response_class=HTMLResponse)
def review(request: Request, offset: int = 0) -> Response:
    return _review_page(request, session(request, "mash"), offset, [])


def _review_page(request: Request, s: Session, offset: int, errors: list[dict]) -> Response:
    offset = max(0, min(offset, 1_000_000))
    found, exc = api_call(partner_routes.review_queue, request=request, limit=20, offset=offset,
                          principal=s.principal, be=backend(request))
    if exc is not None:
        raise unavailable(exc)
    pairs = found["pairs"]
    pair = pairs[0] if pairs else None
    return render(request, s, "dashboard/review.html", status_code=400 if errors else 200, pair=pair,
                  rows=present.explanation_rows(pair) if pair else [], offset=offset, waiting=len(pairs),
                  errors=errors or [])


@router.post("/review/decide", response_class=HTMLResponse)
def decide(request: Request, form=Depends(form_data)) -> Response:
    s = session(request, "mash")
    check_form(request, s, form)
    offset = int(str(form.get("offset") or "0")) if str(form.get("offset") or "0").isdigit() else 0
    try:
        body = ReviewDecision(
            a=RecordKey(source=str(form.get("a_source") or ""), source_record_id=str(form.get("a_id") or "")),
            b=RecordKey(source=str(form.get("b_source") or ""), source_record_id=str(form.get("b_id") or "")),
            decision=str(form.get("decision") or ""), reason=str(form.get("reason") or "").strip())
    except ValidationError as exc:
        errs = [{"field": "reason", "text": "Give a reason for your decision (at least 3 characters)"}
                if "reason" in e["field"] else e for e in errors_of(exc)]
        return _review_page(request, s, offset, errs)
    _, exc = api_call(partner_routes.decide, body=body, request=request, principal=s.principal, be=backend(request))
    if exc is not None:
        if exc.status_code == 400:
            return _review_page(request, s, offset, [{"field": "decision", "text": str(exc.detail)}])
        raise unavailable(exc)
    return redirect(f"{PREFIX}/review?offset={offset}&notice=decided")


# ----------------------------------------------------------------------------- DPO, analyst, admin


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, page: int = 1) -> Response:
    s = session(request, "dpo")
    q = request.query_params
    chosen = {k: (q.get(k) or "").strip()[:300] for k in ("subject_id", "username", "endpoint", "from", "to")}
    since, until = parse_day(chosen["from"]), parse_day(chosen["to"])
    found, exc = api_call(
        dpo_routes.audit_log, request=request, subject_id=chosen["subject_id"] or None,
        username=chosen["username"] or None, endpoint=chosen["endpoint"] or None,
        since=datetime(since.year, since.month, since.day, tzinfo=UTC) if since else None,
        until=datetime(until.year, until.month, until.day, 23, 59, 59, tzinfo=UTC) if until else None,
        page=max(1, min(page, 100_000)), page_size=50, principal=s.principal, be=backend(request))
    if exc is not None:
        raise unavailable(exc)
    return render(request, s, "dashboard/audit.html", found=found, chosen=chosen,
                  qs=urlencode({k: v for k, v in chosen.items() if v}))


@router.get("/stats", response_class=HTMLResponse)
def stats(request: Request) -> Response:
    s = session(request, "analyst", "mash", "dpo")
    found, exc = api_call(analyst_routes.stats, request=request, since=None, principal=s.principal,
                          be=backend(request))
    if exc is not None:
        raise unavailable(exc)
    return render(request, s, "dashboard/stats.html", found=found)


@router.get("/users", response_class=HTMLResponse)
def users(request: Request) -> Response:
    s = session(request, "admin")
    found, exc = api_call(admin_routes.list_users, request=request, principal=s.principal, be=backend(request))
    if exc is not None:
        raise unavailable(exc)
    return render(request, s, "dashboard/users.html", users=found)
