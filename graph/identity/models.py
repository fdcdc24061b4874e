"""Resolution models in the graph: one ``ResolutionModel`` node per version, the newest
being the current one. A version is a hash of the model's content, so a parsed model is
kept per version for the life of the process (the same version is the same model on any
server)."""

from __future__ import annotations

import hashlib
import json

from neo4j import Driver, ManagedTransaction

from aim import cypher
from aim.graph.store import causal_session
from aim.resolution.model import Model

_PARSED: dict[str, Model] = {}


def model_version(model: Model) -> str:
    d = model.to_dict()
    d.pop("history", None)
    return "M-" + hashlib.sha1(json.dumps(d, sort_keys=True).encode()).hexdigest()[:12]


def save_model(driver: Driver, database: str, model: Model, trained_on: int) -> str:
    """Store ``model`` as the current one; returns its version."""
    version = model_version(model)
    driver.execute_query(cypher.load("resolution/save_model"), model_version=version,
                         json=json.dumps(model.to_dict()), trained_on=trained_on, database_=database)
    return version


def read_current_model(tx: ManagedTransaction) -> tuple[Model, str] | None:
    """The current model and its version as ``tx`` sees it, or None before the first
    ``aim resolve``. The version is looked up every time (one small read); the JSON only
    for a new version."""
    row = tx.run(cypher.load("resolution/current_model_version")).single()
    return None if row is None else model_of_version(tx, row["model_version"])


def model_of_version(tx: ManagedTransaction, version: str) -> tuple[Model, str] | None:
    """The model of ``version``, the current one as ``tx`` has just read it: parsed once per
    version (its JSON read in ``tx`` only for a new one)."""
    if version not in _PARSED:
        row = tx.run(cypher.load("resolution/current_model")).single()
        if row is None:
            return None
        version = row["model_version"]
        _PARSED[version] = Model.from_dict(json.loads(row["json"]))
    return _PARSED[version], version


def current_model(driver: Driver, database: str) -> tuple[Model, str] | None:
    """:func:`read_current_model` in a read transaction of its own."""
    with causal_session(driver, database) as session:
        return session.execute_read(read_current_model)
