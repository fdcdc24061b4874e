"""What the audit, retention and subject access attack tests share (tests/attack/test_audit*.py,
test_subject_access.py): reading a person through the API, running ``aim audit verify``,
reading entries by position, and the commands' cached settings taken from the environment."""

from __future__ import annotations

import os
from contextlib import contextmanager

from typer.testing import CliRunner

from aim.cli import app as aim_cli
from tests.api_world import PERSON, V1, auth

PURPOSE_HEADER = {"X-AIM-Purpose": "section 47 enquiry"}


def read_person(client, tokens, times: int = 1) -> None:
    for _ in range(times):
        response = client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["mash"]) | PURPOSE_HEADER)
        assert response.status_code == 200, response.text


def verify(copy=None):
    """``aim audit verify`` (``--against-file`` with a copy)."""
    args = ["audit", "verify"] + (["--against-file", "--audit-log", str(copy)] if copy else [])
    return CliRunner().invoke(aim_cli, args)


def entry_at(driver, seq: int) -> dict:
    records, _, _ = driver.execute_query("MATCH (a:AuditEntry {seq: $seq}) RETURN a {.*} AS a", seq=seq)
    return records[0]["a"]


def audit_count(driver) -> int:
    records, _, _ = driver.execute_query("MATCH (a:AuditEntry) RETURN count(a) AS n")
    return records[0]["n"]


@contextmanager
def settings_from_env(**env):
    """The commands read cached settings: these variables apply while the block runs."""
    from aim.api.settings import get_api_settings
    from aim.settings import get_settings

    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    get_settings.cache_clear()
    get_api_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()
        get_api_settings.cache_clear()
