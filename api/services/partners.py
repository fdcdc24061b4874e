"""Thin calls into the resolution (issue 5) and alerts (issue 6) modules.

Those modules own their logic; this layer adds need-to-know shaping and the audit entry,
written before any data is returned (their functions run their own transactions, so the
entry follows the read and the response waits for it: if the audit write fails, the
caller gets an error, not the data).
"""

from __future__ import annotations

import threading
import traceback
import uuid
from datetime import UTC, date, datetime

from aim.api.deps import Backend
from aim.graph.access.audit import AuditContext, AuditEntry, write_entry
from aim.graph.store import as_date
from aim.graph.resolve import resolve
from fastapi import HTTPException, status


def audit(be: Backend, ctx: AuditContext, action: str, subject_ids: list[str], detail: dict | None = None) -> None:
    with be.driver.session(database=be.database) as session:
        session.execute_write(write_entry, ctx, AuditEntry(action, [s for s in subject_ids if s], detail))


def kw(be: Backend) -> dict:
    return {"driver": be.driver, "settings": be.settings}


def bad_request(exc: Exception) -> HTTPException:
    return HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(exc))


def filter_alerts(alerts: list[dict], *, rag: str | None, rule: str | None, since: date | None,
                  until: date | None) -> list[dict]:
    out = []
    for alert in alerts:
        if rag and str(alert.get("rag", "")).lower() != rag.lower():
            continue
        if rule and alert.get("rule") != rule:
            continue
        raised = as_date(alert.get("last_updated") or alert.get("first_raised"))
        if since and (raised is None or raised < since):
            continue
        if until and (raised is None or raised > until):
            continue
        out.append(alert)
    return out


def plain(value):
    """Neo4j temporal values and nested structures as JSON-friendly Python."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


class Jobs:
    """Resolution jobs run in a background thread; their status is kept in memory."""

    def __init__(self) -> None:
        self._jobs: dict[str, dict] = {}
        self._lock = threading.Lock()

    def start(self, be: Backend, by: str, train: bool) -> dict:
        with self._lock:
            if any(j["status"] in ("queued", "running") for j in self._jobs.values()):
                raise HTTPException(status.HTTP_409_CONFLICT, detail="a resolution job is already running")
            job = {"job_id": str(uuid.uuid4()), "status": "running", "by": by, "train": train,
                   "started_at": datetime.now(UTC).isoformat(), "finished_at": None, "report": None, "error": None}
            self._jobs[job["job_id"]] = job

        def run() -> None:
            try:
                report = resolve(train=train, driver=be.driver, settings=be.settings)
                job["report"] = plain({k: v for k, v in vars(report).items()
                                       if isinstance(v, (int, float, str, bool, dict, list))})
                job["status"] = "done"
            except Exception as exc:  # noqa: BLE001 - reported through the job's status
                job["status"], job["error"] = "failed", f"{type(exc).__name__}: {exc}"
                traceback.print_exc()
            job["finished_at"] = datetime.now(UTC).isoformat()

        threading.Thread(target=run, name=f"resolve-{job['job_id'][:8]}", daemon=True).start()
        return dict(job)

    def get(self, job_id: str) -> dict | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return dict(job) if job else None
