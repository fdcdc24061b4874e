"""Reading volumes for the DPO: who read unusually much today against their own history and
their role's, and who was refused by a daily quota (``aim.graph.access.usage``)."""

from __future__ import annotations

from datetime import date

from aim.api.deps import Backend, Caller
from aim.api.services.auditing import audited_read
from aim.graph.access import usage
from aim.graph.access.audit import AuditEntry


def anomalies(be: Backend, caller: Caller, day: date | None = None) -> dict:
    day = day or usage.today()

    def read(tx):
        found = usage.anomalies(usage.read_usage(tx, usage.history_since(day)), day)
        return {"day": day, "anomalies": found}, AuditEntry("dpo.usage_anomalies", [],
                                                              {"day": day, "found": len(found)})

    return audited_read(be, caller, read)
