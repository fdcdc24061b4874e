"""Blocking keys in the graph: every key of the engine's rules is indexed, real-time
resolution finds a record through any one of them (as the batch run pairs it), and records
stored before a rule existed get its key from the next ``aim resolve``."""

from __future__ import annotations

import pytest

from aim.graph.identity.batch import resolve
from aim.graph.identity.keys import record_key
from aim.graph.identity.realtime import PER_KEY, _candidates
from aim.graph.identity.records import BK_PROPS, blocking_props, keys_fingerprint
from tests.blocking_cases import CASES

pytestmark = pytest.mark.neo4j

CREATE = """
UNWIND $rows AS row
CREATE (r:Record {source: row.source, source_record_id: row.source_record_id})
SET r.first_name = row.first_name, r.last_name = row.last_name, r.date_of_birth = date(row.date_of_birth),
    r.gender = row.gender, r.address = row.address, r.postcode = row.postcode, r += row.keys, r.bk_fp = row.fp
"""


def _store(driver, records: dict[str, dict], keys: dict[str, dict]) -> None:
    rows = [dict(r, keys=keys[k], fp=keys_fingerprint(blocking_props(r))) for k, r in records.items()]
    driver.execute_query(CREATE, rows=rows)


def _case_records() -> dict[str, dict]:
    """Both records of every case by record key; their ids are ``<case>a`` / ``<case>b``."""
    return {record_key("T", f"{i}{side}"): dict(r, source="T", source_record_id=f"{i}{side}")
            for i, pair in enumerate(CASES.values()) for side, r in zip("ab", pair)}


def test_every_blocking_key_has_an_online_index(graph):
    rows = graph.execute_query("SHOW RANGE INDEXES YIELD labelsOrTypes, properties, state "
                               "WHERE labelsOrTypes = ['Record'] AND size(properties) = 1 "
                               "RETURN properties[0] AS property, state").records
    online = {r["property"] for r in rows if r["state"] == "ONLINE"}
    assert set(BK_PROPS) <= online, set(BK_PROPS) - online


def test_a_record_sharing_only_one_key_is_a_real_time_candidate(graph):
    """For every blocking key (each case shares exactly one key, or a rule's two slots),
    each record of the pair finds the other: real-time candidates = batch pairs."""
    records = _case_records()
    _store(graph, records, {k: blocking_props(r) for k, r in records.items()})
    for i, names in enumerate(CASES):
        for seed, partner in ((f"{i}a", f"{i}b"), (f"{i}b", f"{i}a")):
            key = record_key("T", seed)
            with graph.session() as session:
                found = session.execute_write(_candidates, {key: records[key]}, {key: blocking_props(records[key])},
                                              PER_KEY)
            assert partner in {c["source_record_id"] for c in found[key]}, (names, seed)


def test_resolve_fills_the_keys_of_records_stored_before_a_rule_existed(graph, settings):
    """A database written by an older engine holds only the old keys (and their
    fingerprint): `aim resolve --keys-only` writes the keys the rules give now."""
    records = _case_records()
    old = {k: {p: v for p, v in blocking_props(r).items() if p in ("bk_dob_l", "bk_names")}
           for k, r in records.items()}
    _store(graph, records, old)
    graph.execute_query("MATCH (r:Record) SET r.bk_fp = 'older engine'")
    report = resolve(driver=graph, settings=settings, keys_only=True)
    assert report.keys_written == len(records)
    stored = graph.execute_query(f"MATCH (r:Record) RETURN r.source_record_id AS id, "
                                 f"r {{{', '.join('.' + p for p in BK_PROPS)}}} AS keys").records
    assert {r["id"]: r["keys"] for r in stored} == {r["source_record_id"]: blocking_props(r) for r in records.values()}
    assert resolve(driver=graph, settings=settings, keys_only=True).keys_written == 0
