"""Request and response bodies of separation of duties: role changes and the requests that
wait for a second person's approval (four eyes). Kept apart from ``schemas`` (its size)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from aim.api.schemas_base import Body


class RoleChange(Body):
    role: Literal["partner", "mash", "analyst", "dpo", "admin"]
    organisation: str | None = Field(None, max_length=100)


class Decision(Body):
    reason: str | None = Field(None, max_length=2000)


class Approval(BaseModel):
    """A request that takes effect only when another administrator (grants) or another DPO
    (retention) approves it."""

    request_id: str
    kind: Literal["grant.create", "grant.role", "retention.apply"]
    status: Literal["pending", "approved", "rejected"]
    requested_by: str
    requested_at: str
    params: dict
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None
    outcome: dict | None = Field(None, description="What the approval did (the user, the retention run)")
