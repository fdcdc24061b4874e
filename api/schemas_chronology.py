"""Bodies of the chronology routes (MASH) and of the DPO's who-accessed lookup."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from aim.api.schemas_base import Body


class ChronologyEntry(BaseModel):
    date: date
    organisation: str
    agency: str | None = None
    kind: str | None = None
    lead_name: str | None = None
    lead_phone: str | None = None
    lead_email: str | None = None
    person_id: str | None = Field(None, description="In a household's chronology: the member")
    first_name: str | None = None
    last_name: str | None = None


class ChronologyPerson(BaseModel):
    first_name: str | None = None
    last_name: str | None = None
    date_of_birth: date | None = None
    gender: str | None = None
    address: str | None = None
    postcode: str | None = None


class PersonChronology(BaseModel):
    subject_id: str
    person: ChronologyPerson
    entries: list[ChronologyEntry]


class HouseholdChronology(BaseModel):
    household_id: str
    address: dict[str, str | None]
    entries: list[ChronologyEntry]


class SubjectLookupIn(Body):
    """The DPO's lookup by name: the name and the purpose travel in the body, never in the URL."""

    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    date_of_birth: date | None = Field(None, description="YYYY-MM-DD")
    purpose: str | None = Field(None, max_length=300, description="Why you are looking (audited); or the "
                                                                  "X-AIM-Purpose header")


class SubjectFound(BaseModel):
    subject_id: str
    first_name: str | None = None
    last_name: str | None = None
    date_of_birth: date | None = None
    postcode: str | None = None
    agencies: list[str] = []


class SubjectLookup(BaseModel):
    subjects: list[SubjectFound]


class SubjectAccess(BaseModel):
    at: str
    username: str | None = None
    role: str | None = None
    organisation: str | None = None
    method: str | None = None
    endpoint: str | None = None
    action: str | None = None
    purpose: str | None = None
    about: str = Field(description="person, record (one of its agency records) or household")
    others: int = Field(description="How many other subjects the same access concerned (a search, a list)")


class SubjectAccesses(BaseModel):
    subject_id: str
    person: ChronologyPerson
    households: list[dict[str, str | None]]
    total: int
    entries: list[SubjectAccess]
