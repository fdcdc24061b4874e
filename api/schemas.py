"""Request and response bodies. Every input is validated here (clear 4xx, never a 500)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Text = Field(None, max_length=1000)


class RecordIn(BaseModel):
    """One row of the minimum data set, in the canonical shape (as in a CSV). The source
    is always the caller's organisation; a different ``source`` rejects the row."""

    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(None, max_length=100)
    source_record_id: str | None = Field(None, max_length=200)
    first_name: str | None = Text
    last_name: str | None = Text
    middle_names: str | None = Text
    date_of_birth: str | None = Field(None, max_length=40, description="DD/MM/YYYY or YYYY-MM-DD")
    gender: str | None = Field(None, max_length=40)
    address: str | None = Text
    postcode: str | None = Field(None, max_length=40)
    event_id: str | None = Field(None, max_length=200)
    event_date: str | None = Field(None, max_length=40)
    event_type: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=100)
    email: str | None = Field(None, max_length=320)
    nhs_number: str | None = Field(None, max_length=40)
    lead_name: str | None = Field(None, max_length=200)
    lead_phone: str | None = Field(None, max_length=100)
    lead_email: str | None = Field(None, max_length=320)


class RecordBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[RecordIn] = Field(..., min_length=1, max_length=1000)


class RowResult(BaseModel):
    index: int
    status: Literal["accepted", "rejected"]
    reason: str | None = None
    warnings: list[str] = []


class SubmitResult(BaseModel):
    organisation: str
    received: int
    accepted: int
    rejected: int
    new_records: int
    updated_records: int
    new_events: int
    results: list[RowResult]
    resolution: str
    persons: list[str]
    alerts: dict | None


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class Me(BaseModel):
    username: str
    role: str
    organisation: str | None


class SearchHit(BaseModel):
    subject_id: str
    score: float
    first_name: str | None
    last_name: str | None
    date_of_birth: date | None
    age: int | None
    gender: str | None
    address: str | None
    postcode: str | None
    agencies: list[str]


class SearchResult(BaseModel):
    results: list[SearchHit]


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(..., min_length=3, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(..., min_length=12, max_length=200)
    role: Literal["partner", "mash", "analyst", "dpo", "admin"]
    organisation: str | None = Field(None, max_length=100)
    full_name: str | None = Field(None, max_length=200)


class User(BaseModel):
    username: str
    role: str
    organisation: str | None = None
    full_name: str | None = None
    disabled: bool = False
    created_at: str | None = None


class RetentionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: int | None = Field(None, ge=30, le=36500, description="Override the policy (days to keep events)")
    dry_run: bool = True


class AlertAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["acknowledge", "refer", "dismiss", "watch"]
    reason: str | None = Field(None, max_length=2000)
    owner: str | None = Field(None, max_length=200)
    review_date: date | None = None


class WatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject_type: Literal["person", "household"]
    subject_id: str = Field(..., min_length=1, max_length=200)
    owner: str = Field(..., min_length=1, max_length=200)
    reason: str = Field(..., min_length=3, max_length=2000)
    review_date: date


class UnwatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., min_length=3, max_length=2000)


class RecordKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(..., min_length=1, max_length=100)
    source_record_id: str = Field(..., min_length=1, max_length=200)


class ReviewDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    a: RecordKey
    b: RecordKey
    decision: Literal["match", "no_match"]
    reason: str = Field(..., min_length=3, max_length=2000)


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_a: str = Field(..., min_length=1, max_length=200)
    person_b: str = Field(..., min_length=1, max_length=200)
    reason: str = Field(..., min_length=3, max_length=2000)


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[RecordKey] = Field(..., min_length=1, max_length=1000)
    reason: str = Field(..., min_length=3, max_length=2000)


class ResolutionJobIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    train: bool = False
