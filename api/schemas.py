"""Request and response bodies. Every input is validated here (clear 4xx, never a 500)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from aim.api.schemas_accounts import Me, PasswordChange, Token, User, UserIn  # noqa: F401 (re-exported)
from aim.api.schemas_base import Body, Open

Text = Field(None, max_length=1000)
Day = date  # for fields named ``date``


class RecordIn(Body):
    """One row of the minimum data set, in the canonical shape (as in a CSV). The source
    is always the caller's organisation; a different ``source`` rejects the row."""

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


class RecordBatch(Body):
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


class PersonDetails(BaseModel):
    """Who a subject is: the details of its most recent record."""

    subject_id: str
    first_name: str | None
    last_name: str | None
    date_of_birth: date | None
    age: int | None
    gender: str | None
    address: str | None
    postcode: str | None


class SearchIn(Body):
    """Person search: the criteria and the purpose travel in the body, never in the URL."""

    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    date_of_birth: date | None = Field(None, description="YYYY-MM-DD")
    year_of_birth: int | None = Field(None, ge=1880, le=2100, description="With a name, instead of a full date")
    gender: Literal["M", "F", "X", "U"] | None = Field(None, description="A filter: other genders are left out")
    limit: int = Field(20, ge=1, le=100)
    purpose: str | None = Field(None, max_length=300, description="Why you are looking (audited); or the "
                                                                  "X-AIM-Purpose header")


class SearchHit(PersonDetails):
    score: float
    match: dict[str, str] = Field(default_factory=dict, description="How each searched field matched: exact, "
                                  "variant, initial, prefix, similar, swapped, partial, near, different, missing")
    agencies: list[str]


class SearchResult(BaseModel):
    results: list[SearchHit]
    more: int = Field(0, description="How many more matched than were returned (refine the search)")
    more_at_least: bool = Field(False, description="True when `more` is only a lower bound")


class RetentionRequest(Body):
    days: int | None = Field(None, ge=30, le=36500, description="Override the policy (days to keep events)")
    dry_run: bool = True


class AlertAction(Body):
    action: Literal["acknowledge", "refer", "dismiss", "watch"]
    reason: str | None = Field(None, max_length=2000)
    owner: str | None = Field(None, max_length=200)
    review_date: date | None = None


class WatchIn(Body):
    subject_type: Literal["person", "household"]
    subject_id: str = Field(..., min_length=1, max_length=200)
    owner: str = Field(..., min_length=1, max_length=200)
    reason: str = Field(..., min_length=3, max_length=2000)
    review_date: date


class UnwatchIn(Body):
    reason: str = Field(..., min_length=3, max_length=2000)


class RecordKey(Body):
    source: str = Field(..., min_length=1, max_length=100)
    source_record_id: str = Field(..., min_length=1, max_length=200)


class ReviewDecision(Body):
    a: RecordKey
    b: RecordKey
    decision: Literal["match", "no_match"]
    reason: str = Field(..., min_length=3, max_length=2000)


class MergeIn(Body):
    person_a: str = Field(..., min_length=1, max_length=200)
    person_b: str = Field(..., min_length=1, max_length=200)
    reason: str = Field(..., min_length=3, max_length=2000)


class SplitIn(Body):
    records: list[RecordKey] = Field(..., min_length=1, max_length=1000)
    reason: str = Field(..., min_length=3, max_length=2000)


class ResolutionJobIn(Body):
    train: bool = False


# ----------------------------------------------------------------------------- responses
# The fields every client relies on are declared; an answer may carry more (an alert's
# rule-specific properties, a node's properties), which pass through as they are.


class Status(BaseModel):
    status: str
    reason: str | None = None


class Lead(Open):
    name: str | None
    phone: str | None
    email: str | None


class OrganisationActivity(Open):
    organisation: str
    name: str | None
    kind: str | None
    known: bool | None  # None: not shown to this reader (a partner, of another organisation)
    latest_activity_date: date | None
    latest_activity_kind: str | None
    activity: str
    events: int | None
    lead: Lead


class PersonView(PersonDetails, Open):
    activity: list[OrganisationActivity]
    records: list[dict]


class TimelineEvent(Open):
    date: Day | None
    organisation: str | None
    kind: str | None


class Timeline(Open):
    subject_id: str
    total: int
    page: int
    page_size: int
    events: list[TimelineEvent]


class Node(Open):
    id: str
    label: str | None
    properties: dict


class Edge(Open):
    source: str
    target: str
    type: str | None
    properties: dict


class Network(Open):
    nodes: list[Node]
    edges: list[Edge]


class Household(Open):
    household_id: str
    member_count: int | None
    address: dict | None
    members: list[dict]


class PseudonymisedHousehold(BaseModel):
    household: str
    member_count: int | None
    postcode_district: str | None
    members: list[dict]
    pseudonymised: Literal[True]


class UsageAnomaly(BaseModel):
    username: str
    role: str
    day: date
    searches: int
    subjects: int
    refused: int
    usual_for_user: float | None
    usual_for_role: float | None
    reasons: list[str]


class UsageAnomalies(BaseModel):
    day: date
    anomalies: list[UsageAnomaly]


class Households(BaseModel):
    households: list[Household | PseudonymisedHousehold]


class MergeResult(BaseModel):
    person_id: str


class SplitResult(BaseModel):
    person_ids: list[str]


class AlertSummary(Open):
    """What every answer about an alert carries; a list or a case adds what it needs."""

    alert_id: str
    rule: str | None = None
    status: str | None = None


class Alert(AlertSummary):
    subject_type: str | None = None
    subject_id: str | None = None


class Alerts(BaseModel):
    alerts: list[Alert]


class AlertDetail(Alert):
    evidence: list[dict]
    history: list[dict]


class AlertChange(Open):
    alert_id: str
    to: str


class WatchEntry(Open):
    watch_id: str
    subject_type: str
    subject_id: str


class WatchList(BaseModel):
    entries: list[WatchEntry]


class ReviewPair(Open):
    record_key_a: list[str]
    record_key_b: list[str]


class ReviewQueue(BaseModel):
    pairs: list[ReviewPair]


class DecisionResult(BaseModel):
    decision: Literal["same", "different"]
    persons: list[str]


class Job(Open):
    job_id: str
    status: str


class OrganisationStats(BaseModel):
    organisation: str | None
    records: int | None  # None: under 5, suppressed for analysts
    events: list[dict]


class Stats(BaseModel):
    organisations: list[OrganisationStats]


class AuditLog(BaseModel):
    total: int
    page: int
    page_size: int
    entries: list[dict]


class SubjectExport(BaseModel):
    """Every category held about the subject; other people redacted (docs/governance.md)."""

    subject_id: str
    subject_ids: list[str] = Field(..., description="The subject's own ids: the person and its records")
    person: dict = Field(..., description="Identity: the latest details and every record")
    organisations: list[dict]
    events: list[dict]
    alerts: list[dict] = Field(..., description="About the person or a household of it, with their history")
    watch_entries: list[dict]
    households: list[dict] = Field(..., description="The subject's memberships; other members only counted")
    resolution_history: list[dict]
    review_decisions: list[dict]
    accesses: list[dict] = Field(..., description="Who accessed the subject's data, when and why")
    accesses_total: int


class Retention(Open):
    cutoff: str
    policy_days: int
    dry_run: bool
