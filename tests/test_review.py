"""The review queue against the real Neo4j."""

from __future__ import annotations

import pytest

from aim.graph.identity import resolve
from aim.graph.identity.review import ReviewError, decide, review_queue
from aim.graph.store import get_driver
from tests.factories import near_duplicates, population
from tests.graph_helpers import load, memberships

pytestmark = pytest.mark.neo4j


@pytest.fixture
def reviewed(graph, settings, tmp_path):
    rows, _ = population(80, seed=11)
    extra = near_duplicates(rows[:24:2])  # they land in the review band
    load(rows + extra, tmp_path, graph, settings)
    # A strict link threshold, so that the near-duplicates wait for a reviewer.
    from aim.graph.identity import read_records
    from aim.resolution import engine

    model = engine.train(read_records(graph, settings.neo4j_database)[0])
    model.link_threshold = 0.99999
    resolve(model=model, driver=graph, settings=settings, households=False)
    return graph


def test_queue_holds_review_band_pairs_in_order_and_pages(reviewed, settings):
    queue = review_queue(100, 0, driver=get_driver(), settings=settings)
    assert queue, "expected some pairs in the review band"
    probs = [q["probability"] for q in queue]
    assert probs == sorted(probs, reverse=True)
    assert all(0.5 <= p < 0.99999 for p in probs)
    first = queue[0]
    assert {"record_key_a", "record_key_b", "record_a", "record_b", "explanation", "person_a",
            "person_b", "match_weight"} <= set(first)
    assert "terms" in first["explanation"]
    assert review_queue(1, 1, driver=get_driver(), settings=settings)[0]["record_key_a"] == queue[1]["record_key_a"]


def test_a_decision_leaves_the_queue_and_takes_effect(reviewed, settings):
    queue = review_queue(100, 0, driver=get_driver(), settings=settings)
    item = queue[0]
    decide(item["record_key_a"], item["record_key_b"], "same", "reviewer-9", "same GP", driver=get_driver(), settings=settings)
    after = review_queue(100, 0, driver=get_driver(), settings=settings)
    assert len(after) == len(queue) - 1
    member = memberships(reviewed)
    assert member["|".join(item["record_key_a"])] == member["|".join(item["record_key_b"])]


def test_bad_decisions_are_refused(reviewed, settings):
    item = review_queue(1, 0, driver=get_driver(), settings=settings)[0]
    with pytest.raises(ReviewError):
        decide(item["record_key_a"], item["record_key_b"], "maybe", "r", "x", driver=get_driver(), settings=settings)
    with pytest.raises(ReviewError):
        decide(item["record_key_a"], item["record_key_a"], "same", "r", "x", driver=get_driver(), settings=settings)
    with pytest.raises(ReviewError):
        decide(item["record_key_a"], ["NOPE", "1"], "same", "r", "x", driver=get_driver(), settings=settings)
