"""Settings from the environment (prefix ``AIM_``), with safe local defaults."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

_PACKAGE_DIR = Path(__file__).resolve().parent


def default_home() -> Path:
    """The git-ignored ``.aim/`` of a source checkout, else ``~/.aim``."""
    checkout = _PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").exists() and (checkout / "graph").is_dir():
        return checkout / ".aim"
    return Path.home() / ".aim"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AIM_", env_file=".env", extra="ignore")

    home: Path = Field(default_factory=default_home, description="Local data, downloads and state")
    env: Literal["development", "production"] = Field(
        "development", description="production: cookies always Secure, backups only encrypted (docs/operations.md)")
    backup_key: SecretStr | None = Field(None, description="Encrypts backups (at least 32 characters)")
    audit_log: Path | None = Field(None, description="The audit trail's append-only JSON-lines copy "
                                                     "[$AIM_HOME/audit/audit.jsonl]")
    neo4j_uri: str | None = Field(
        default=None,
        description="Bolt URI; when unset, the local server started by `aim db start` is used",
    )
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("aim-local-dev")
    neo4j_database: str = "neo4j"
    neo4j_version: str = "5.26.19"
    apoc_version: str = "5.26.19"
    gds_version: str = "2.13.9"
    neo4j_port: int = 7687
    neo4j_heap: str = "1g"
    neo4j_pagecache: str = "1g"
    neo4j_connect_timeout: float = 5.0
    neo4j_retry_time: float = Field(15.0, description="How long managed transactions retry")
    ingest_batch_size: int = 5000
    alert_stale_days: int = Field(
        0, ge=0, description="Days, after an open alert's window has passed with no new activity, before "
                             "the engine marks it stale")
    alert_close_days: int = Field(
        30, ge=0, description="Days a stale alert waits for new activity before the engine closes it")

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def audit_log_path(self) -> Path:
        return self.audit_log or self.home / "audit" / "audit.jsonl"

    @property
    def neo4j_home(self) -> Path:
        return self.home / "neo4j"

    @property
    def bolt_uri(self) -> str:
        if self.neo4j_uri:
            return self.neo4j_uri
        state = self.neo4j_home / "state.json"
        port = self.neo4j_port
        if state.exists():
            port = json.loads(state.read_text())["bolt_port"]
        return f"bolt://127.0.0.1:{port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
