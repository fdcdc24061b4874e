"""Every read of the API runs in read transactions, so that a ``neo4j://`` routing URI sends
it to a secondary of a cluster: only its audit entry (with the quota count and what the read
remembers) is written, in a write transaction that commits before the data leaves.

Two checks, both against the real Neo4j through the real app. The app's driver records each
transaction's access mode and the statements run in it (``RecordingDriver``), and every
endpoint that reads is asserted on: a read switched back to ``execute_write`` shows up as a
data statement in a write transaction. And Neo4j itself refuses a write in a read-mode
transaction (probed below on this server over ``bolt://``), so a read that writes in passing
fails instead of being routed to a secondary that cannot take it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

import pytest
from fastapi.testclient import TestClient
from neo4j import READ_ACCESS, RoutingControl
from neo4j.exceptions import ClientError

from aim import cypher
from aim.api.app import create_app
from aim.api.security import issue_token
from aim.graph.alerts.cases import case_id_for
from tests.api_world import (PERSON, PURPOSE, V1, add_household, api_settings, auth, load_world, password_hash,
                             tokens_for)
from tests.cases_world import CASE_ALERT, add_case, add_other_agencys_request

pytestmark = pytest.mark.neo4j

# What an audited read writes, after its read: its entry (with the quota count), a partner's
# full identifications and the pseudonyms an analyst was shown (AuditEntry.remembered).
WRITES_OF_A_READ = {"api/audit_write", "access/identified_write", "access/pseudonyms_write"}
# The ids the reads open (William, his household, his alert and his case): every read is
# made on its found path, where it reads the most, and again with ids that do not exist (a
# miss is read and audited like a hit).
MISSING = "UNKNOWN-1"
IDS = {"subject_id": PERSON, "household_id": "H-TEST", "alert_id": CASE_ALERT, "case_id": case_id_for("person", PERSON)}
ROLES = ("mash", "dpo", "analyst", "partner", "admin")
# Read endpoints that are not GETs: the search and the analyst's query and export.
POSTED_READS = {
    f"{V1}/persons/search": {"last_name": "Smith"},
    f"{V1}/analyst/alerts": {},
    f"{V1}/analyst/alerts/export": {},
    f"{V1}/audit/subjects/search": {"last_name": "Smith"},
}
# What a miss on a person id reads after its audited miss: whether the person was merged
# into another (no data leaves with the 404; a survivor's view is a read audited anew).
AFTER_A_MISS = {"resolution/follow_person"}
# Endpoints that touch no graph data, and readiness, which asks the leader on purpose (every
# read needs it for its audit entry: api/routes/health.py).
NO_GRAPH = {f"{V1}/health/live", f"{V1}/health/ready", f"{V1}/resolution/jobs/{{job_id}}", f"{V1}/openapi.json",
            f"{V1}/docs"}
# Reads of personal data, which must be audited.
PERSONAL = (f"{V1}/persons", f"{V1}/households", f"{V1}/audit", f"{V1}/analyst/alerts", f"{V1}/subjects")


@dataclass
class Transaction:
    mode: str  # "READ" or "WRITE", as the driver asked the server (a cluster routes on it)
    statements: list[str] = field(default_factory=list)


def _statement_names() -> dict[str, str]:
    root = resources.files("aim.cypher")
    names = {}
    for folder in root.iterdir():
        if folder.is_dir():
            for path in folder.iterdir():
                if path.name.endswith(".cypher"):
                    names[path.read_text(encoding="utf-8")] = f"{folder.name}/{path.name.removesuffix('.cypher')}"
    return names


NAMES = _statement_names()


def _name(query) -> str:
    text = getattr(query, "text", query)
    return NAMES.get(text, text)


class _RecordingTx:
    def __init__(self, tx, transaction: Transaction) -> None:
        self._tx, self._transaction = tx, transaction

    def run(self, query, *args, **kwargs):
        self._transaction.statements.append(_name(query))
        return self._tx.run(query, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._tx, name)


class _RecordingSession:
    def __init__(self, session, log: list[Transaction], default_mode: str) -> None:
        self._session, self._log, self._default_mode = session, log, default_mode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._session.__exit__(*exc)

    def _managed(self, execute, mode: str, work, *args, **kwargs):
        def recorded(tx, *a, **kw):
            transaction = Transaction(mode)
            self._log.append(transaction)
            return work(_RecordingTx(tx, transaction), *a, **kw)

        return execute(recorded, *args, **kwargs)

    def execute_read(self, work, *args, **kwargs):
        return self._managed(self._session.execute_read, "READ", work, *args, **kwargs)

    def execute_write(self, work, *args, **kwargs):
        return self._managed(self._session.execute_write, "WRITE", work, *args, **kwargs)

    def run(self, query, *args, **kwargs):  # an auto-commit transaction, in the session's mode
        self._log.append(Transaction(self._default_mode, [_name(query)]))
        return self._session.run(query, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._session, name)


class RecordingDriver:
    """The real driver; records the access mode of every transaction and the statements in it."""

    def __init__(self, driver) -> None:
        self._driver = driver
        self.log: list[Transaction] = []

    def session(self, **config):
        mode = "READ" if config.get("default_access_mode") == READ_ACCESS else "WRITE"
        return _RecordingSession(self._driver.session(**config), self.log, mode)

    def execute_query(self, query, *args, **kwargs):
        routing = kwargs.get("routing_", RoutingControl.WRITE)
        mode = "READ" if routing in (RoutingControl.READ, "r") else "WRITE"
        self.log.append(Transaction(mode, [_name(query)]))
        return self._driver.execute_query(query, *args, **kwargs)

    def close(self) -> None:
        """The test's driver outlives the app."""

    def __getattr__(self, name):
        return getattr(self._driver, name)


@pytest.fixture(scope="module")
def recorded(driver, settings):
    """The API world with William's household, his Red alert gathered into his case (with a
    partner's request on it), the alert watched and a note on the case: the alert and case
    reads then have evidence, history, notes, requests and a watch entry to read."""
    load_world(driver, settings.neo4j_database, settings)
    add_household(driver)
    case_id = add_case(driver)
    add_other_agencys_request(driver, case_id)
    recording = RecordingDriver(driver)
    app = create_app(api_settings(settings), driver=recording)
    with TestClient(app) as client:
        tokens = tokens_for(app.state.settings)
        mash = auth(tokens["mash"])
        for path, body in ((f"{V1}/alerts/{CASE_ALERT}/actions", {"action": "watch", "review_date": "2030-01-31"}),
                           (f"{V1}/cases/{case_id}/actions", {"action": "note", "reason": "Called the school"})):
            assert client.post(path, json=body, headers=mash).status_code == 200
        yield client, tokens, recording


def _reads(client) -> list[tuple[str, str]]:
    """(method, path template) of every endpoint that reads: the GETs and the posted reads."""
    paths = client.get(f"{V1}/openapi.json").json()["paths"]
    found = [("GET", f"{V1}{p}" if not p.startswith(V1) else p) for p, ops in paths.items() if "get" in ops]
    found += [("POST", p) for p in POSTED_READS]
    return sorted({(m, p) for m, p in found if p not in NO_GRAPH})


def _request(client, tokens, method: str, template: str, found: bool = True):
    """The read as the first role allowed it (the routes check the role before any read), of
    the world's ids (``found``) or of ids that do not exist."""
    path = template
    for name, value in IDS.items():
        path = path.replace(f"{{{name}}}", value if found else MISSING)
    assert "{" not in path, f"{template}: no id to open it with (add one to IDS)"
    for role in ROLES:
        headers = auth(tokens[role]) | PURPOSE
        response = client.get(path, headers=headers) if method == "GET" else \
            client.post(path, json=POSTED_READS[template], headers=headers)
        if response.status_code != 403:
            return role, response
    raise AssertionError(f"{method} {template}: no role may read it")


def _check(method: str, template: str, role: str, response, log: list[Transaction]) -> list[str]:
    """What is wrong with one read's transactions ([] when nothing)."""
    what = f"{method} {template} as {role} ({response.status_code})"
    if response.status_code != 200 and (response.status_code != 404 or MISSING not in str(response.url)):
        return [f"{what}: {response.text[:200]}"]
    problems = []
    reads = [s for t in log if t.mode == "READ" for s in t.statements]
    writes = [t for t in log if t.mode == "WRITE"]
    for transaction in writes:
        data = [s for s in transaction.statements if s not in WRITES_OF_A_READ]
        if data:
            problems.append(f"{what}: read in a write transaction: {data}")
    audits = [i for i, t in enumerate(log) if "api/audit_write" in t.statements]
    if template.startswith(PERSONAL) and not audits:
        problems.append(f"{what}: not audited")
    if audits and not reads:
        problems.append(f"{what}: audited, but no data read in a read transaction")
    after = log[audits[-1] + 1:] if audits else []
    if after and not (response.status_code == 404 and
                      all(t.mode == "READ" and set(t.statements) <= AFTER_A_MISS for t in after)):
        problems.append(f"{what}: a transaction after the audit entry: {after}")
    return problems


def test_every_read_endpoint_reads_in_read_transactions_and_writes_only_its_audit(recorded):
    client, tokens, recording = recorded
    problems, checked = [], []
    for method, template in _reads(client):
        for found in (True, False) if "{" in template else (True,):
            recording.log.clear()
            role, response = _request(client, tokens, method, template, found)
            problems += _check(method, template, role, response, list(recording.log))
        checked.append(template)
    assert not problems, "\n".join(problems)
    assert {f"{V1}/persons/{{subject_id}}", f"{V1}/persons/{{subject_id}}/timeline", f"{V1}/persons/search",
            f"{V1}/households/{{household_id}}", f"{V1}/audit", f"{V1}/alerts/{{alert_id}}",
            f"{V1}/cases/{{case_id}}", f"{V1}/watchlist"} <= set(checked)


def test_a_read_switched_to_a_write_transaction_is_caught(recorded, monkeypatch):
    """The check above can fail: the person view's read run by execute_write is reported."""
    from aim.graph.access import audit

    client, tokens, recording = recorded
    monkeypatch.setattr(audit, "causal_session", lambda driver, database: _WritingReads(driver.session(
        database=database, bookmark_manager=driver.execute_query_bookmark_manager)))
    recording.log.clear()
    role, response = _request(client, tokens, "GET", f"{V1}/persons/{{subject_id}}")
    problems = _check("GET", "/persons/{subject_id}", role, response, list(recording.log))
    assert problems and "read in a write transaction: ['api/person_records'" in problems[0], problems


class _WritingReads:
    """A session whose reads run in write transactions: what the check must catch."""

    def __init__(self, session) -> None:
        self._session = session

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._session.__exit__(*exc)

    def execute_read(self, work, *args):
        return self._session.execute_write(work, *args)

    def __getattr__(self, name):
        return getattr(self._session, name)


def test_neo4j_refuses_a_write_in_a_read_transaction(driver, settings):
    """What makes a read that writes in passing fail loudly here, not on a cluster's secondary."""
    with driver.session(database=settings.neo4j_database) as session:
        with pytest.raises(ClientError) as refused:
            session.execute_read(lambda tx: tx.run("CREATE (:ReadModeProbe) RETURN 1").consume())
        assert refused.value.code == "Neo.ClientError.Statement.AccessMode"
        assert session.execute_read(lambda tx: tx.run("MATCH (n:ReadModeProbe) RETURN count(n) AS n").single()["n"]) == 0


@pytest.mark.parametrize("role,method,path,body,remembered", [
    ("fire", "POST", f"{V1}/persons/search",
     {"first_name": "William", "last_name": "Smith", "date_of_birth": "2014-03-05"}, "access/identified_write"),
    ("analyst", "GET", f"{V1}/households", None, "access/pseudonyms_write"),
])
def test_what_a_read_remembers_is_written_with_its_audit_entry(recorded, driver, role, method, path, body,
                                                                remembered):
    """A partner's full identification (the fire service's partner identifies William, whom it
    holds no record of) and the pseudonyms an analyst was shown are writes: they go in the
    audit entry's write transaction, the read stays in a read transaction."""
    client, tokens, recording = recorded
    if role == "fire":
        driver.execute_query(cypher.load("api/users_create"), username="fire1", password_hash=password_hash(),
                             role="partner", organisation="FIRE", full_name=None)
        tokens = {"fire": issue_token(client.app.state.settings,
                                      {"username": "fire1", "role": "partner", "organisation": "FIRE"})[0]}
    recording.log.clear()
    headers = auth(tokens[role]) | PURPOSE
    response = client.get(path, headers=headers) if method == "GET" else client.post(path, json=body, headers=headers)
    assert response.status_code == 200, response.text
    log = list(recording.log)
    assert not _check(method, path, role, response, log)
    assert [t.statements for t in log if t.mode == "WRITE"] == [["api/audit_write", remembered]]
