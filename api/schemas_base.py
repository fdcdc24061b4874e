"""The two kinds of body every schema module builds on."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Body(BaseModel):
    """What a client sends: a field the API does not know is refused (422), so a misspelt
    field is never silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Open(BaseModel):
    """An answer that may carry more than it declares (what the graph holds passes through)."""

    model_config = ConfigDict(extra="allow")
