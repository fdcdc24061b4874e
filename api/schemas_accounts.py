"""Sign-in and account bodies: tokens, the signed-in user, users and password changes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from aim.api.schemas_base import Body


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class Me(BaseModel):
    username: str
    role: str
    organisation: str | None


class PasswordChange(Body):
    current_password: str = Field(..., min_length=1, max_length=200)
    new_password: str = Field(..., min_length=12, max_length=200)


class UserIn(Body):
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
