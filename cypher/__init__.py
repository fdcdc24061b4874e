"""Parameterised Cypher, one query per ``.cypher`` file, shipped as package data.

Queries are read by name (``load("ingest/upsert_records")``); values always travel as
parameters, never formatted into the text.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load(name: str) -> str:
    """The text of ``cypher/<name>.cypher``."""
    return resources.files(__name__).joinpath(f"{name}.cypher").read_text(encoding="utf-8")


def subquery(text: str) -> str:
    """``text`` as a unit subquery (``CALL () { … }``): statements composed this way run in
    one round trip, each with variables of its own, its returned columns joining the outer
    statement's."""
    return f"CALL () {{\n{text}\n}}"


def statements(name: str) -> list[str]:
    """A multi-statement file (such as the schema) split on ``;`` at line ends."""
    text = load(name)
    return [s.strip() for s in text.split(";\n") if s.strip() and not _only_comments(s)]


def _only_comments(chunk: str) -> bool:
    return all(not line.strip() or line.strip().startswith("//") for line in chunk.splitlines())
