"""Resolution jobs: a batch resolution run in a background thread, its status in memory."""

from __future__ import annotations

import threading
import traceback
import uuid
from datetime import UTC, datetime

from aim.api.deps import Backend, Caller
from aim.api.errors import Conflict, NotFound
from aim.api.services.auditing import audited_change
from aim.api.services.values import plain
from aim.graph.identity import resolve


class Jobs:
    def __init__(self) -> None:
        self._jobs: dict[str, dict] = {}
        self._lock = threading.Lock()

    def start(self, be: Backend, by: str, train: bool) -> dict:
        with self._lock:
            if any(j["status"] in ("queued", "running") for j in self._jobs.values()):
                raise Conflict("a resolution job is already running")
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

    def get(self, job_id: str) -> dict:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise NotFound(f"no job '{job_id}'")
            return dict(job)


def start(be: Backend, caller: Caller, jobs: Jobs, train: bool) -> dict:
    audited_change(be, caller, "resolution.start", [], {"train": train})
    return jobs.start(be, caller.principal.username, train)
