"""Request and response bodies of cases (one per subject, gathering its alerts) and of
partners' requests for a MASH review."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from aim.api.schemas import AlertSummary
from aim.api.schemas_base import Body, Open

CaseActionName = Literal["acknowledge", "assign", "due", "note", "watch", "refer", "outcome", "dismiss"]
Destination = Literal["children's social care", "adult social care", "early help", "police", "health", "other"]


class CaseAlert(AlertSummary):
    title: str | None = None
    rag: str | None = None


class CaseSummary(Open):
    case_id: str
    subject_type: str
    subject_id: str
    subject_name: str | None = None
    status: str
    rag: str | None = None
    owner: str | None = None
    due_date: date | None = None
    last_activity: date | None = None
    alerts: list[CaseAlert]


class Cases(BaseModel):
    cases: list[CaseSummary]


class CaseDetail(CaseSummary):
    history: list[dict]
    notes: list[dict]
    requests: list[dict]


class CaseAction(Body):
    """One action on a case; each needs its own detail (assign: owner; due: due_date; note and
    dismiss: reason; refer: destination; outcome: outcome)."""

    action: CaseActionName
    reason: str | None = Field(None, max_length=2000, description="A note's text, or why (needed to dismiss)")
    owner: str | None = Field(None, max_length=200, description="The officer the case is assigned to")
    due_date: date | None = None
    destination: Destination | None = None
    outcome: str | None = Field(None, max_length=2000, description="What came of the referral")
    outcome_date: date | None = None
    review_date: date | None = Field(None, description="The watch-list review date (watch)")


class CaseChange(Open):
    case_id: str
    action: str
    to: str


class ReviewRequestIn(Body):
    """A partner asks the MASH to review a person it may open."""

    subject_id: str = Field(..., min_length=1, max_length=300)
    reason: str = Field(..., min_length=3, max_length=2000)


class ReviewRequest(BaseModel):
    asked_at: datetime
    reviewed_at: datetime | None = None


class ReviewRequests(BaseModel):
    """The caller's organisation's own requests about the person: dates only."""

    requests: list[ReviewRequest]
