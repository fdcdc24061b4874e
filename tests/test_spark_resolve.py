"""`aim resolve --engine spark` leaves the graph `aim resolve` leaves on the same records:
the same persons (the same ids where the stable-id rules keep them), SIMILAR pairs and
households; a second run writes nothing; reviewers' decisions are honoured; a model
trained on Spark gives the same answers."""

from __future__ import annotations

import pytest

pytest.importorskip("pyspark", reason="the Spark backend needs the spark extra (scripts/setup.sh installs it)")

from typer.testing import CliRunner  # noqa: E402

from aim.cli import app  # noqa: E402
from aim.graph.identity import resolve  # noqa: E402
from aim.graph.identity.keys import record_key  # noqa: E402
from aim.graph.identity.review import decide  # noqa: E402
from aim.graph.identity.spark_resolve import resolve as resolve_on_spark  # noqa: E402
from aim.graph.store.backup import export_graph  # noqa: E402
from tests.factories import population, town_rows  # noqa: E402
from tests.graph_helpers import load, restore_base  # noqa: E402

pytestmark = [pytest.mark.neo4j, pytest.mark.slow, pytest.mark.spark]


def graph_state(driver) -> dict:
    """Who holds which record, the SIMILAR pairs with everything stored on them but the
    times, and the households (address → its members' records and periods)."""
    held, _, _ = driver.execute_query(
        "MATCH (p:Person {status: 'active'})-[:HAS_RECORD]->(r:Record) "
        "RETURN p.person_id AS pid, r.source AS s, r.source_record_id AS i")
    similar, _, _ = driver.execute_query(
        "MATCH (a:Record)-[s:SIMILAR]->(b:Record) RETURN a.source AS sa, a.source_record_id AS ia, "
        "b.source AS sb, b.source_record_id AS ib, s.match_weight AS w, s.probability AS p, "
        "s.explanation AS e, s.model_version AS v, s.band AS band")
    homes, _, _ = driver.execute_query(
        "MATCH (h:Household {status: 'active'})-[:AT]->(a:Address), (p:Person)-[m:MEMBER_OF]->(h) "
        "MATCH (p)-[:HAS_RECORD]->(r:Record) "
        "WITH a, h, p, m, collect(r.source + '|' + r.source_record_id) AS records "
        "RETURN a.key AS address, collect([records, toString(m.from), toString(m.to)]) AS members")
    member = {record_key(r["s"], r["i"]): r["pid"] for r in held}
    return {
        "member": member,
        "persons": {frozenset(k for k, p in member.items() if p == pid) for pid in set(member.values())},
        "similar": {(record_key(r["sa"], r["ia"]), record_key(r["sb"], r["ib"])): (r["w"], r["p"], r["e"], r["v"], r["band"])
                    for r in similar},
        "households": {(r["address"], frozenset((frozenset(m[0]), m[1], m[2]) for m in r["members"])) for r in homes},
    }


@pytest.fixture
def loaded(graph, settings, tmp_path):
    """About 1,200 records of 600 people in the graph (and the households' small town),
    resolved once in process (the model it trained is the current one). Training compares
    every pair of so few records (750,000; 2,000,000 random pairs at most), which is most
    of Spark's time here: more records would not test more."""
    load(population(600, seed=11)[0] + town_rows(), tmp_path, graph, settings)
    return graph, resolve(driver=graph, settings=settings)


def test_spark_resolve_writes_the_graph_the_in_process_run_writes(loaded, settings):
    driver, first = loaded
    expected = graph_state(driver)
    assert expected["similar"] and expected["households"]
    with driver.session(database=settings.neo4j_database) as session:
        session.run("MATCH (n) WHERE n:Person OR n:ResolutionEvent OR n:Household DETACH DELETE n").consume()
        session.run("MATCH ()-[s:SIMILAR]->() DELETE s").consume()
        session.run("MATCH (r:Record) REMOVE r.bk_fp").consume()
    rep = resolve_on_spark(driver=driver, settings=settings, master="local[2]")
    got = graph_state(driver)
    assert rep.records == first.records and rep.keys_written == first.records
    assert (rep.persons, rep.similar_pairs, rep.model_version) == (first.persons, first.similar_pairs,
                                                                   first.model_version)
    assert got["persons"] == expected["persons"]
    assert got["similar"] == expected["similar"]
    # Households are compared by their members' records: the persons' ids are new ones.
    assert got["households"] == expected["households"]

    again = resolve_on_spark(driver=driver, settings=settings, master="local[2]")
    assert (again.keys_written, again.similar_written, again.similar_deleted) == (0, 0, 0)
    assert (again.persons_written, again.records_moved, again.persons_retired) == (0, 0, 0)
    assert not again.events
    assert graph_state(driver) == got


def test_decisions_training_and_kept_ids_as_in_process(loaded, settings, tmp_path):
    """From one graph with persons, a must-link and a cannot-link decided, each engine
    retrains (Spark on Spark: the same model to rounding) and gives the same persons, the
    same ids where the rules keep them and the same SIMILAR pairs."""
    driver, _ = loaded
    member = graph_state(driver)["member"]
    by_person: dict[str, list[str]] = {}
    for key, pid in sorted(member.items()):
        by_person.setdefault(pid, []).append(key)
    together = next(keys for keys in by_person.values() if len(keys) >= 3)
    apart = [keys[0] for keys in by_person.values() if keys[0] != together[0]][:2]
    decide(together[0].split("|"), together[1].split("|"), "different", "reviewer-1", "two NHS numbers",
           driver=driver, settings=settings)
    decide(apart[0].split("|"), apart[1].split("|"), "same", "reviewer-1", "confirmed", driver=driver,
           settings=settings)
    decided = tmp_path / "decided.jsonl"
    export_graph(decided, driver=driver, settings=settings, unencrypted=True)
    before = set(graph_state(driver)["member"].values())

    resolve(driver=driver, settings=settings, train=True)
    in_process = graph_state(driver)
    restore_base(decided, driver, settings)
    result = CliRunner().invoke(app, ["resolve", "--engine", "spark", "--master", "local[2]", "--train", "--quiet"])
    assert result.exit_code == 0, result.output
    on_spark = graph_state(driver)

    assert on_spark["persons"] == in_process["persons"]
    assert on_spark["similar"].keys() == in_process["similar"].keys()
    for pair, (weight, probability, _, _, band) in in_process["similar"].items():
        assert on_spark["similar"][pair][0] == pytest.approx(weight, abs=1e-3)
        assert on_spark["similar"][pair][1] == pytest.approx(probability, abs=1e-6)
        assert on_spark["similar"][pair][4] == band
    assert on_spark["member"][apart[0]] == on_spark["member"][apart[1]]
    assert on_spark["member"][together[0]] != on_spark["member"][together[1]]
    for key, pid in in_process["member"].items():
        assert (on_spark["member"][key] == pid) if pid in before else (on_spark["member"][key] not in before)
