"""Request and response bodies of the analyst workspace: the filters (with the purpose, in
the body) and what an analyst may see of the alerts they match. The response models carry no
field for a real id, a name, a date of birth or a full postcode, so nothing of the kind can
leave even by mistake."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from aim.api.schemas_base import Body

MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


class AnalystQuery(Body):
    """Which alerts: ``level`` household or person; every other filter optional (any)."""

    purpose: str | None = Field(None, min_length=3, max_length=300,
                                description="Why you are asking (audited); or the X-AIM-Purpose header")
    level: Literal["household", "person"] = "household"
    rule: str | None = Field(None, max_length=100, description="A rule id (GET /analyst/choices)")
    rag: Literal["Red", "Amber", "Green"] | None = None
    from_month: str | None = Field(None, pattern=MONTH, description="First month raised, YYYY-MM")
    to_month: str | None = Field(None, pattern=MONTH, description="Last month raised, YYYY-MM")
    district: str | None = Field(None, max_length=4, description="Postcode district, e.g. B12")
    household_size: str | None = Field(None, max_length=5, description="A household size band, e.g. 3-4")
    age_band: str | None = Field(None, max_length=5, description="An age band, e.g. 0-4 (a household: any member)")


class AnalystRow(BaseModel):
    subject: str = Field(description="The household's or person's pseudonym")
    level: Literal["household", "person"]
    rule: str
    title: str
    rag: str | None
    status: str | None
    month: str | None = Field(description="Month first raised, YYYY-MM")
    district: str | None = Field(description="Postcode district")
    household_size: str | None = Field(description="Household size band")
    age_bands: list[str]
    agencies: list[str] = Field(description="Organisations whose activity is the evidence")


class AnalystCount(BaseModel):
    group: str
    alerts: int | None = Field(description="Null when fewer than five (suppressed)")


class AnalystAggregates(BaseModel):
    by_month: list[AnalystCount]
    by_rule: list[AnalystCount]
    by_agency: list[AnalystCount]
    by_area: list[AnalystCount]


class AnalystResult(BaseModel):
    total: int | None = Field(description="Alerts matching; null when fewer than five (suppressed)")
    rows: list[AnalystRow] = Field(description="Empty when fewer than five alerts match")
    rows_withheld: bool = Field(description="True when alerts matched but fewer than five")
    rows_cut: bool = Field(description="True when more rows matched than a query shows (the export has them)")
    aggregates: AnalystAggregates
    filters: dict


class RuleChoice(BaseModel):
    rule: str
    title: str


class AnalystChoices(BaseModel):
    levels: list[str]
    rules: list[RuleChoice]
    rags: list[str]
    age_bands: list[str]
    household_sizes: list[str]
