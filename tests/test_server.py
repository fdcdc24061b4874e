"""The project's own Neo4j: port choice and clear errors (the server itself is exercised by
every integration test through the ``neo4j_server`` fixture)."""

from __future__ import annotations

import socket

import pytest

from aim.graph.store import LocalNeo4j, Neo4jServerError
from aim.settings import Settings


def _server(tmp_path, **settings) -> LocalNeo4j:
    return LocalNeo4j(Settings(home=tmp_path, **settings))


def test_a_taken_default_port_falls_back_to_a_free_one(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = _server(tmp_path, neo4j_port=port)
        server.home.mkdir(parents=True)
        chosen = server._choose_port()
        assert chosen != port
    assert server._choose_port() == chosen  # the same port again after a restart


def test_missing_java_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(Neo4jServerError, match="`java` was not found"):
        _server(tmp_path).java()


def test_missing_maven_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(Neo4jServerError, match="`mvn` was not found"):
        _server(tmp_path).install()


def test_status_of_a_server_never_started(tmp_path):
    status = _server(tmp_path).status()
    assert not status.running and "not running" in status.describe()
