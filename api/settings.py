"""API settings: the core ``aim.settings.Settings`` plus what the HTTP API needs.

Everything comes from the environment (``AIM_*``). ``AIM_JWT_SECRET`` (at least 32 bytes)
is the secret every key of the API is derived from (``aim.api.keys``); it is required, except
in the local demo (``aim demo``, ``AIM_DEMO=true``), which generates a random one once and keeps
it in ``$AIM_HOME/jwt-secret`` (mode 600), never in the code.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr

from aim.settings import Settings

MIN_SECRET_BYTES = 32


class SecretError(ValueError):
    """The signing secret is missing or too short: the API must not start."""


class ApiSettings(Settings):
    jwt_secret: SecretStr | None = Field(None, description="The secret the API's keys are derived from (32+ bytes)")
    demo: bool = Field(False, description="The local demo (aim demo): a generated secret stands in for AIM_JWT_SECRET")
    pseudonym_key_version: int = Field(1, ge=1, description="Raise it to give analysts new pseudonyms")
    jwt_issuer: str = "aim"
    token_minutes: int = Field(30, ge=1, le=24 * 60, description="Access token lifetime")
    cors_origins: list[str] = Field(default_factory=list, description="Allowed browser origins (none by default)")
    rate_limit_per_minute: int = Field(600, ge=1, description="Requests per user per minute")
    rate_limit_burst: int = Field(100, ge=1, description="Requests a user may make at once")
    login_attempts_per_minute: int = Field(20, ge=1, description="Token requests per client address per minute")
    max_body_bytes: int = Field(2_000_000, ge=1024, description="Largest accepted request body")
    max_records_per_request: int = Field(1000, ge=1, le=10_000)
    submit_groups: int = Field(2, ge=0, le=64, description="Groups of concurrent record submissions written and "
                                                           "resolved at once (each a group commit; 0: each alone)")
    api_docs: bool = Field(False, description="Serve the OpenAPI document and Swagger UI (off by default)")
    retention_event_days: int = Field(7 * 365, ge=1, description="Events older than this are removed")
    retention_closed_alert_days: int = Field(2 * 365, ge=1, description="Closed alerts and cases (their history, "
                                                                         "notes and requests) closed longer ago are removed")
    retention_watch_entry_days: int = Field(2 * 365, ge=1, description="Ended watch-list entries are removed after")
    retention_resolution_event_days: int = Field(7 * 365, ge=1, description="Resolution events are removed after")
    retention_household_days: int = Field(2 * 365, ge=1, description="Dissolved or empty households are removed after")
    retention_audit_days: int = Field(8 * 365, ge=1, description="Audit entries are removed after (longer than the rest)")
    lockout_after_failures: int = Field(5, ge=1, description="Failed sign-ins in a row that lock a username")
    lockout_first_seconds: int = Field(60, ge=1, description="The first lockout; each further one doubles")
    lockout_longest_seconds: int = Field(24 * 3600, ge=1, description="The longest lockout")
    daily_searches: dict[str, int] = Field(default_factory=dict, description="Searches per user per day, by role (JSON, "
                                           "e.g. {\"partner\": 50}); other roles keep their defaults")
    daily_subjects: dict[str, int] = Field(default_factory=dict, description="Distinct people a user may view per day, "
                                           "by role (JSON); other roles keep their defaults")
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # New Red cases e-mailed to the MASH (off while smtp_host is unset); see docs/governance.md
    smtp_host: str | None = Field(None, description="SMTP server for the MASH's new-Red-case e-mails")
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_from: str = Field("aim@localhost", max_length=320)
    smtp_to: list[str] = Field(default_factory=list, description="The MASH's shared mailbox(es) (JSON list)")
    smtp_starttls: bool = Field(False, description="Upgrade the connection with STARTTLS")
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    public_url: str = Field("http://127.0.0.1:8000", description="The dashboard's address, for links in e-mails")
    notify_every_seconds: int = Field(60, ge=1, description="How often new Red cases are looked for")

    def signing_secret(self) -> str:
        """``AIM_JWT_SECRET``, checked; in the demo without it, the local generated one."""
        given = self.jwt_secret.get_secret_value() if self.jwt_secret is not None else ""
        if given:
            if len(given.encode()) < MIN_SECRET_BYTES:
                raise SecretError(f"AIM_JWT_SECRET is {len(given.encode())} bytes; it needs at least "
                                  f"{MIN_SECRET_BYTES} random bytes (e.g. `openssl rand -base64 48`)")
            return given
        if self.demo and not self.production:
            return _local_secret(self.home)
        raise SecretError("AIM_JWT_SECRET is not set: give it at least 32 random bytes (e.g. "
                          "`openssl rand -base64 48`); only the local demo (`aim demo`) runs without one")


def _local_secret(home: Path) -> str:
    path = Path(home) / "jwt-secret"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, secret.encode())
    finally:
        os.close(fd)
    return secret


@lru_cache
def get_api_settings() -> ApiSettings:
    return ApiSettings()
