"""Backup and restore of the graph (``aim db backup`` / ``aim db restore``) against the real
Neo4j: a resolved, alerted seeds population plus every Neo4j property type comes back with
identical labels, relationship types, property keys and values."""

from __future__ import annotations

import gzip
import json
import math
from datetime import date

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from aim.graph.store.backup import BackupError, decode, encode, export_graph, restore_graph, summary
from tests.graph_helpers import wipe

pytestmark = pytest.mark.neo4j

ODD_TYPES = """
CREATE (:Oddity {
  d: date('2024-02-29'), ldt: localdatetime('2024-03-01T10:11:12.123456789'),
  dt: datetime('2024-03-31T01:30:00[Europe/London]'), dto: datetime('2024-03-01T10:00:00+05:30'),
  t: time('10:11:12+01:00'), lt: localtime('23:59:59.5'), dur: duration('P1Y2M3DT4H5M6.007S'),
  pt: point({x: 1.5, y: -2.0}), geo: point({longitude: -1.89, latitude: 52.48, height: 140.0}),
  f: 1.0/0.0, nan: 0.0/0.0, big: 9007199254740993, s: '=cmd|\\' /C calc\\'!A0 \u00e9\u4e2d\\n',
  dates: [date('2020-01-01'), date('2021-12-31')], empty: [], bools: [true, false]
})-[:ODD_LINK {since: date('2020-01-01'), w: 0.5}]->(:Oddity:Second {n: 1})
"""


def fingerprint(driver, database: str) -> list[str]:
    """Every node and relationship by content (labels/type and encoded properties), sorted."""
    nodes, _, _ = driver.execute_query(
        "MATCH (n) RETURN elementId(n) AS id, labels(n) AS l, properties(n) AS p", database_=database)
    text = {r["id"]: json.dumps([sorted(r["l"]), {k: encode(v) for k, v in r["p"].items()}], sort_keys=True) for r in nodes}
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN elementId(a) AS a, elementId(b) AS b, type(r) AS t, properties(r) AS p",
        database_=database)
    out = sorted(text.values())
    out += sorted(json.dumps([text[r["a"]], r["t"], {k: encode(v) for k, v in r["p"].items()}, text[r["b"]]],
                             sort_keys=True) for r in rels)
    return out


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from aim.seeds.generate import generate

    directory = tmp_path_factory.mktemp("seed")
    generate(300, 7, directory, date(2026, 11, 1), 365)
    return directory


def _populate(graph, settings, seeded) -> None:
    from aim.graph.alerts.engine import run_all
    from aim.graph.identity import resolve
    from aim.seeds.load import load

    load(seeded, progress=False, driver=graph)
    resolve(driver=graph)
    run_all(date(2026, 11, 1), driver=graph)
    graph.execute_query(ODD_TYPES, database_=settings.neo4j_database)


def test_values_round_trip_through_json():
    for value in (None, True, 3, -2**62, 1.25, "x\u0000y", [1, 2], b"\x00\xff", float("inf"), float("-inf")):
        assert decode(json.loads(json.dumps(encode(value)))) == value
    assert math.isnan(decode(json.loads(json.dumps(encode(float("nan"))))))


@pytest.mark.slow
def test_backup_then_restore_gives_an_identical_graph(graph, settings, seeded, tmp_path):
    db = settings.neo4j_database
    _populate(graph, settings, seeded)
    before = summary(graph, db)
    content = fingerprint(graph, db)
    assert before[":Person"] > 100 and before["-SIMILAR"] > 0 and before[":Household"] > 0

    path = tmp_path / "aim.jsonl.gz"
    report = export_graph(path, driver=graph)
    assert (report.nodes, report.relationships) == (before["nodes"], before["relationships"])
    assert not path.with_name(path.name + ".partial").exists()

    wipe(graph, db)
    restore_graph(path, driver=graph)
    assert summary(graph, db) == before
    assert fingerprint(graph, db) == content
    restored_odd, _, _ = graph.execute_query("MATCH (o:Oddity) WHERE o.d IS NOT NULL RETURN o", database_=db)
    odd = restored_odd[0]["o"]
    assert str(odd["dt"].tzinfo) == "Europe/London" and odd["dur"].months == 14 and math.isnan(odd["nan"])
    assert odd["big"] == 9007199254740993
    # no trace of the import machinery
    indexes, _, _ = graph.execute_query("SHOW INDEXES YIELD name RETURN collect(name) AS names", database_=db)
    assert "aim_restore_id" not in indexes[0]["names"]

    # the restored graph is a working AIM graph: a re-run of resolution changes nothing
    from aim.graph.identity import resolve

    again = resolve(driver=graph)
    assert again.persons_written == 0 and again.records_moved == 0 and again.similar_written == 0


def test_restore_refuses_a_non_empty_graph_unless_replacing(graph, settings, tmp_path):
    db = settings.neo4j_database
    graph.execute_query(ODD_TYPES, database_=db)
    path = tmp_path / "small.jsonl"
    export_graph(path, driver=graph)
    expected = summary(graph, db)
    with pytest.raises(BackupError, match="empty graph"):
        restore_graph(path, driver=graph)
    assert summary(graph, db) == expected  # nothing written
    restore_graph(path, driver=graph, replace=True)
    assert summary(graph, db) == expected


def test_truncated_or_foreign_files_are_refused_before_writing(graph, settings, tmp_path):
    db = settings.neo4j_database
    graph.execute_query(ODD_TYPES, database_=db)
    path = tmp_path / "small.jsonl"
    export_graph(path, driver=graph)
    wipe(graph, db)
    lines = path.read_text().splitlines()
    cases = {
        "truncated.jsonl": "\n".join(lines[:-1]) + "\n",           # no end marker: the export never finished
        "foreign.jsonl": '{"hello": 1}\n',
        "empty.jsonl": "",
        "garbage.jsonl": lines[0] + "\n{not json\n",
    }
    for name, text in cases.items():
        bad = tmp_path / name
        bad.write_text(text)
        with pytest.raises(BackupError):
            restore_graph(bad, driver=graph)
        assert summary(graph, db)["nodes"] == 0, name
    bad_gz = tmp_path / "bad.jsonl.gz"
    bad_gz.write_bytes(gzip.compress(path.read_bytes())[:-20])
    with pytest.raises(BackupError):
        restore_graph(bad_gz, driver=graph)
    assert summary(graph, db)["nodes"] == 0


def test_cli_backup_and_restore(graph, settings, tmp_path):
    from aim.cli import app

    db = settings.neo4j_database
    graph.execute_query(ODD_TYPES, database_=db)
    expected = summary(graph, db)
    path = tmp_path / "cli.jsonl.gz"
    runner = CliRunner()
    result = runner.invoke(app, ["db", "backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "Backed up 2 nodes and 1 relationships" in result.output.replace("\n", " ")
    result = runner.invoke(app, ["db", "restore", str(path)])
    assert result.exit_code == 1 and "empty graph" in result.output
    result = runner.invoke(app, ["db", "restore", str(path), "--replace"])
    assert result.exit_code == 0, result.output
    records, _, _ = graph.execute_query("MATCH (a:AuditEntry) RETURN a.action AS action", database_=db)
    assert [r["action"] for r in records] == ["db.restored"]  # the restore is recorded in the audit trail
    graph.execute_query("MATCH (n) WHERE n:AuditEntry OR n:AuditChain DETACH DELETE n", database_=db)
    assert summary(graph, db) == expected


# ----------------------------------------------------------------------------- encryption

BACKUP_KEY = "backup-test-key-" + "k" * 32
NAMED = "CREATE (:Record {first_name: 'Zebedee', last_name: 'Quartermain', postcode: 'B99 9ZZ'})"
# More than one 64 KiB chunk of the encrypted stream, so chunking is exercised.
BULK = "UNWIND range(1, 300) AS i CREATE (:Note {n: i, text: 'note ' + toString(i) + ' ' + reduce(s = '', x IN range(1, 60) | s + 'abcdefghij')})"


def keyed(settings, key: str | None = BACKUP_KEY, env: str = "development"):
    return settings.model_copy(update={"backup_key": SecretStr(key) if key else None, "env": env})


def test_backups_are_mode_600_and_encrypted_names_do_not_appear_in_the_file(graph, settings, tmp_path):
    db = settings.neo4j_database
    graph.execute_query(NAMED, database_=db)
    plain, sealed = tmp_path / "plain.jsonl", tmp_path / "sealed.jsonl"
    assert export_graph(plain, driver=graph, settings=keyed(settings, None)).unencrypted
    assert b"Quartermain" in plain.read_bytes()  # what an unencrypted backup gives away
    report = export_graph(sealed, driver=graph, settings=keyed(settings))
    assert not report.unencrypted
    for path in (plain, sealed):
        assert path.stat().st_mode & 0o777 == 0o600, path
    ciphertext = sealed.read_bytes()
    for needle in (b"Quartermain", b"Zebedee", b"B99 9ZZ", b"aim-graph-backup", b"first_name"):
        assert needle not in ciphertext


def test_an_encrypted_backup_round_trips_and_a_wrong_or_missing_key_is_refused_before_writing(graph, settings, tmp_path):
    db = settings.neo4j_database
    graph.execute_query(ODD_TYPES, database_=db)
    graph.execute_query(BULK, database_=db)
    graph.execute_query(NAMED, database_=db)
    expected, content = summary(graph, db), fingerprint(graph, db)
    path = tmp_path / "sealed.jsonl.gz"
    export_graph(path, driver=graph, settings=keyed(settings))
    wipe(graph, db)
    with pytest.raises(BackupError, match="not the key this backup was encrypted with"):
        restore_graph(path, driver=graph, settings=keyed(settings, "another-key-" + "x" * 32))
    with pytest.raises(BackupError, match="encrypted; set AIM_BACKUP_KEY"):
        restore_graph(path, driver=graph, settings=keyed(settings, None))
    assert summary(graph, db)["nodes"] == 0
    restore_graph(path, driver=graph, settings=keyed(settings))
    assert summary(graph, db) == expected and fingerprint(graph, db) == content


def test_altered_or_truncated_encrypted_backups_are_refused_before_writing(graph, settings, tmp_path):
    db = settings.neo4j_database
    graph.execute_query(BULK, database_=db)
    path = tmp_path / "sealed.jsonl"
    export_graph(path, driver=graph, settings=keyed(settings))
    wipe(graph, db)
    ciphertext = path.read_bytes()
    middle = len(ciphertext) // 2
    cases = {"altered": ciphertext[:middle] + bytes([ciphertext[middle] ^ 1]) + ciphertext[middle + 1:],
             "truncated": ciphertext[:-40], "cut to a chunk": ciphertext[:middle]}
    for name, damaged in cases.items():
        bad = tmp_path / f"{name}.jsonl"
        bad.write_bytes(damaged)
        with pytest.raises(BackupError, match="altered|corrupt|truncated"):
            restore_graph(bad, driver=graph, settings=keyed(settings))
        assert summary(graph, db)["nodes"] == 0, name


def test_production_refuses_an_unencrypted_backup_unless_asked(graph, settings, tmp_path):
    db = settings.neo4j_database
    graph.execute_query(NAMED, database_=db)
    path = tmp_path / "plain.jsonl"
    with pytest.raises(BackupError, match="AIM_BACKUP_KEY is not set"):
        export_graph(path, driver=graph, settings=keyed(settings, None, env="production"))
    assert not path.exists() and not path.with_name("plain.jsonl.partial").exists()
    with pytest.raises(BackupError, match="at least 32 characters"):
        export_graph(path, driver=graph, settings=keyed(settings, "short", env="production"))
    report = export_graph(path, driver=graph, settings=keyed(settings, None, env="production"), unencrypted=True)
    assert report.unencrypted and b"Quartermain" in path.read_bytes()
