"""Match review: the queue of uncertain record pairs and the reviewer's decisions."""

from __future__ import annotations

from aim.api.deps import Backend, Caller
from aim.api.errors import Invalid
from aim.api.services.auditing import audited_change
from aim.api.services.policy import policed_read
from aim.api.services.values import plain
from aim.graph.identity import review as review_module
from aim.graph.access.audit import AuditEntry
from aim.graph.identity.keys import subject_id as record_subject_id
from aim.graph.identity import current_model
from aim.resolution.explain import explain_pair

DECISIONS = {"match": "same", "no_match": "different"}
LINK_FIELDS = ("first_name", "last_name", "date_of_birth", "gender", "address", "postcode")


def queue(be: Backend, caller: Caller, *, limit: int, offset: int) -> list[dict]:
    """Undecided pairs, most probable first."""

    def read(tx):
        found = plain(review_module.read_review_queue(tx, limit, offset))
        subjects = [record_subject_id(*item[side]) for item in found
                    for side in ("record_key_a", "record_key_b") if item.get(side)]
        return found, AuditEntry("review.queue", subjects)

    return policed_read(be, caller, read)


def change(be: Backend, caller: Caller, action: str, subject_ids: list[str], detail: dict, make, *args):
    """Audit a change made through the review module (``make(*args, by, reason, ...)``),
    then make it; a change the module refuses is Invalid."""
    audited_change(be, caller, action, subject_ids, detail)
    try:
        return make(*args, caller.principal.username, detail["reason"], driver=be.driver, settings=be.settings)
    except review_module.ReviewError as exc:
        raise Invalid(str(exc)) from exc


def decide(be: Backend, caller: Caller, a: tuple[str, str], b: tuple[str, str], decision: str, reason: str) -> dict:
    """``match`` or ``no_match``; the records are re-resolved at once."""
    stored = DECISIONS[decision]
    persons = change(be, caller, "review.decide", [record_subject_id(*a), record_subject_id(*b)],
                     {"decision": stored, "reason": reason}, review_module.decide, a, b, stored)
    return {"decision": stored, "persons": persons}


def why_linked(be: Backend, records: list[dict]) -> list[dict]:
    """Why each of a person's records belongs with the others: the resolution model's own
    field-by-field explanation (the graph's current model) of the record against the most
    alike of the records before it. Records come from a person view the caller has read."""
    found = current_model(be.driver, be.database) if len(records) > 1 else None
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
                    "terms": best["terms"]})
    return out
