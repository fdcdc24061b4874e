"""The analyst workspace: alert queries over households or persons, their aggregates and the
CSV export, all through the access policy (``policed_read``): a stated purpose, a daily
quota of queries, the read and its audit entry (filters, purpose, what was shown) in one
transaction. What leaves is pseudonymised and suppressed (``aim.graph.views.analyst_report``).
Only the analyst role may use it: MASH officers and partners work on named cases, the DPO
reads what analysts asked for in the audit log."""

from __future__ import annotations

from aim.api.deps import Backend, Caller
from aim.api.errors import Invalid
from aim.api.keys import pseudonym_key
from aim.api.services.policy import policed_read, quotas_of, reader_of
from aim.graph.access import policy, usage
from aim.graph.access.audit import AuditEntry
from aim.graph.views import analyst, analyst_report
from aim.graph.views.analyst import Filters
from aim.graph.store import causal_session

ROLES = ("analyst",)
SHOWN_ROWS = 500       # rows a query shows; the export has them all...
EXPORTED_ROWS = 50_000  # ...up to this many


def choices(be: Backend) -> dict:
    """What the filters offer: the rules that have raised alerts and the bands (no personal data)."""
    with causal_session(be.driver, be.database) as session:
        rules = session.execute_read(analyst.rules_in_use)
    return {"levels": list(analyst.LEVELS), "rules": rules, "rags": list(analyst.RAGS),
            "age_bands": list(analyst.band_names()), "household_sizes": list(analyst.size_band_names())}


def query(be: Backend, caller: Caller, filters: Filters) -> dict:
    """The alerts matching ``filters`` as an analyst may see them, with their aggregates."""
    found = _policed_report(be, caller, filters, "analyst.query", SHOWN_ROWS)
    return found | {"filters": filters.as_detail()}


def export(be: Backend, caller: Caller, filters: Filters) -> str:
    """The same as CSV: the rows shown and the aggregates, small counts suppressed; the export
    is audited as an export, with its purpose."""
    return analyst_report.to_csv(_policed_report(be, caller, filters, "analyst.export", EXPORTED_ROWS))


def _policed_report(be: Backend, caller: Caller, filters: Filters, action: str, row_limit: int) -> dict:
    problems = filters.problems()
    if problems:
        raise Invalid("; ".join(f"{field}: {text}" for field, text in sorted(problems.items())))
    key = pseudonym_key(be.settings)

    def read(tx):
        rows = analyst.alert_rows(tx, filters)
        found = analyst_report.report(rows, key)
        shown = rows[:row_limit] if found["rows"] else []
        found = found | {"rows": found["rows"][:row_limit], "rows_cut": len(found["rows"]) > row_limit}
        subjects = {r["subject_id"] for r in shown}
        return found, AuditEntry(action, sorted(subjects), {"filters": filters.as_detail(), "alerts": len(rows),
                                                           "rows_shown": len(shown)},
                                 usage.Count(reader_of(caller), quotas_of(be), search=True),
                                 [policy.remember_pseudonyms(key, subjects)])

    return policed_read(be, caller, read)
