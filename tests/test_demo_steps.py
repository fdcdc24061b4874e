"""`aim demo` skips a step only when the graph it uses holds that step's result."""

from __future__ import annotations

from aim.demo import _graph_step_done, _mark_graph_step
from aim.graph.store import AUDIT_LABELS, clear_graph


def test_a_graph_emptied_after_the_demo_is_built_again(graph, settings, tmp_path):
    town = tmp_path / "town-5000-1-2026-11-30"
    assert not _graph_step_done(graph, town, "load")
    _mark_graph_step(graph, town, "load")
    assert _graph_step_done(graph, town, "load")
    assert not _graph_step_done(graph, town, "resolve")
    assert not _graph_step_done(graph, tmp_path / "another-town", "load")

    clear_graph(graph, settings.neo4j_database, keep=("User", *AUDIT_LABELS))

    assert not _graph_step_done(graph, town, "load")
