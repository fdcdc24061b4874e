"""Fault tolerance of the API against the real Neo4j: nothing is lost or duplicated when
Neo4j dies during a bulk submission, when it cannot be reached, or when several clients
write the same people at once.

The API runs in uvicorn on loopback (a real HTTP server, its own driver); clients are
httpx. Each scenario restores the snapshot of tests/faults/conftest.py, then submits the
rest of the population through the API.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from contextlib import contextmanager
from functools import partial

import httpx
import pytest

from aim.api.app import create_app
from aim.api.security import issue_token
from aim.api.settings import ApiSettings
from tests.graph_helpers import assert_no_duplicates, restore_base, state, submitted_are_in_the_graph
from tests.tcp_proxy import Proxy
from tests.threads import run_together

pytestmark = pytest.mark.neo4j

V1 = "/api/v1"
SECRET = "fault-secret-" + "y" * 40
UNAVAILABLE = "the database is unavailable; try again shortly"
BATCH = 40


def batches_of(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """The rows to submit as (organisation, records) batches: each partner sends its own."""
    by_org: dict[str, list[dict]] = {}
    for row in rows:
        by_org.setdefault(row["source"], []).append(row)
    out = []
    for org, mine in sorted(by_org.items()):
        out += [(org, mine[i:i + BATCH]) for i in range(0, len(mine), BATCH)]
    return out


# ----------------------------------------------------------------------------- API server


def api_settings(settings, **overrides) -> ApiSettings:
    values = {"home": settings.home, "jwt_secret": SECRET, "rate_limit_per_minute": 1_000_000,
              "rate_limit_burst": 100_000, "neo4j_uri": settings.neo4j_uri,
              "neo4j_connect_timeout": 2.0, "neo4j_retry_time": 3.0}
    return ApiSettings(**(values | overrides))


def token(app_settings: ApiSettings, org: str | None, role: str = "partner") -> dict:
    user = {"username": f"p_{org}" if role == "partner" else "mash1", "role": role, "organisation": org}
    return {"Authorization": f"Bearer {issue_token(app_settings, user)[0]}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(app_settings: ApiSettings):
    """The API in uvicorn on a loopback port, with its own driver (as in production)."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(app_settings), host="127.0.0.1", port=port,
                                           log_level="error", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def submit_until_accepted(client: httpx.Client, app_settings: ApiSettings, org: str, records: list[dict],
                          deadline: float, failures: list | None = None) -> dict:
    """What a well-behaved partner does: retry a batch until the API accepts it."""
    while True:
        try:
            response = client.post(f"{V1}/records", json={"records": records}, headers=token(app_settings, org))
            if response.status_code == 200:
                return response.json()
            assert response.status_code == 503, response.text  # a fault is 503, never a 500
            assert response.json()["detail"] == UNAVAILABLE
            failure = ("503", time.monotonic())
        except httpx.TransportError as exc:
            failure = (type(exc).__name__, time.monotonic())
        if failures is not None:
            failures.append(failure)
        assert time.monotonic() < deadline, f"batch for {org} never accepted: {failures[-3:] if failures else ''}"
        time.sleep(0.5)


def sequential(base_url: str, app_settings: ApiSettings, batches) -> None:
    deadline = time.monotonic() + 300
    with httpx.Client(base_url=base_url, timeout=60) as client:
        for org, records in batches:
            result = submit_until_accepted(client, app_settings, org, records, deadline)
            assert result["accepted"] == len(records) and result["resolution"] == "resolved"


@pytest.fixture(scope="module")
def sequential_load(population, base_snapshot, driver, settings) -> dict:
    """The graph after the rows are submitted one batch after another, no fault: what the
    kill and concurrency scenarios must end with."""
    _, rest = population
    app_settings = api_settings(settings)
    restore_base(base_snapshot, driver, settings)
    with serve(app_settings) as url:
        sequential(url, app_settings, batches_of(rest))
    return state(driver, settings)


# ----------------------------------------------------------------------------- tests


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_neo4j_killed_during_bulk_submission_then_retry_matches_an_uninterrupted_run(
        population, base_snapshot, sequential_load, neo4j_server, driver, settings):
    _, rest = population
    batches = batches_of(rest)
    app_settings = api_settings(settings)
    expected = sequential_load

    restore_base(base_snapshot, driver, settings)
    failures: list = []
    accepted: list[int] = []
    errors: list[BaseException] = []

    def partner() -> None:
        try:
            deadline = time.monotonic() + 400
            with httpx.Client(base_url=url, timeout=60) as client:
                for i, (org, records) in enumerate(batches):
                    submit_until_accepted(client, app_settings, org, records, deadline, failures)
                    accepted.append(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    with serve(app_settings) as url:
        thread = threading.Thread(target=partner)
        thread.start()
        deadline = time.monotonic() + 120
        while len(accepted) < 3 and thread.is_alive():
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.3)  # into the middle of the next batch
        neo4j_server.kill()
        killed_after = len(accepted)
        with httpx.Client(base_url=url, timeout=30) as client:
            ready = client.get(f"{V1}/health/ready")
        assert ready.status_code == 503 and ready.json()["status"] == "not ready"
        # Keep the database down until a submission has failed on it: with a fast restart
        # the driver's own retries could otherwise ride the outage out unseen.
        outage_ends = time.monotonic() + 120
        while not failures and thread.is_alive() and time.monotonic() < outage_ends:
            time.sleep(0.1)
        neo4j_server.start()
        thread.join(timeout=400)
        assert not thread.is_alive() and not errors, errors
    assert killed_after < len(batches) and failures, "the kill must hit the submission"
    assert sorted(accepted) == list(range(len(batches)))

    assert_no_duplicates(driver, settings)
    submitted_are_in_the_graph(driver, settings, rest)
    after = state(driver, settings)
    print("resolution events", expected["resolution_events"], after["resolution_events"])
    # The same persons (new ones get random ids, so two runs name them differently), and the
    # persons both runs share keep the same records under the same ids.
    assert partition(after) == partition(expected)
    shared = after["persons"].keys() & expected["persons"].keys()
    assert shared and all(after["persons"][pid] == expected["persons"][pid] for pid in shared)
    assert after["counts"] == expected["counts"]


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("fault", ["refuse", "blackhole"])
def test_neo4j_unreachable_gives_a_quick_503_and_service_resumes_by_itself(
        fault, population, base_snapshot, driver, settings):
    _, rest = population
    restore_base(base_snapshot, driver, settings)
    host, port = settings.bolt_uri.removeprefix("bolt://").split(":")
    proxy = Proxy((host, int(port)))
    app_settings = api_settings(settings, neo4j_uri=f"bolt://127.0.0.1:{proxy.port}",
                                neo4j_connect_timeout=2.0, neo4j_retry_time=3.0)
    budget = 20.0  # connect timeout, acquisition timeout and retries, with room for a loaded machine
    org, records = batches_of(rest)[0]
    mash = token(app_settings, "MASH", role="mash")
    try:
        with serve(app_settings) as url, httpx.Client(base_url=url, timeout=60) as client:
            assert client.get(f"{V1}/health/ready").status_code == 200
            ok = client.post(f"{V1}/persons/search", json={"last_name": "Smith", "purpose": "fault test"}, headers=mash)
            assert ok.status_code == 200, ok.text

            proxy.set(fault)
            for method, path, kwargs in (
                ("GET", f"{V1}/health/ready", {}),
                ("POST", f"{V1}/records", {"json": {"records": records}, "headers": token(app_settings, org)}),
                ("POST", f"{V1}/persons/search", {"json": {"last_name": "Smith", "purpose": "fault test"},
                                                  "headers": mash}),
            ):
                started = time.monotonic()
                response = client.request(method, path, **kwargs)
                elapsed = time.monotonic() - started
                print(f"{fault}: {method} {path} -> {response.status_code} in {elapsed:.1f} s")
                assert response.status_code == 503, (path, response.status_code, response.text)
                assert elapsed < budget, f"{path} took {elapsed:.1f} s with Neo4j {fault}"
                if path.endswith("/ready"):
                    assert response.json()["status"] == "not ready"
                else:
                    assert response.json()["detail"] == UNAVAILABLE
                    assert response.headers["retry-after"] == "5"
            assert client.get(f"{V1}/health/live").status_code == 200

            proxy.set("forward")  # Neo4j is back: the same process serves again, nobody restarts it
            deadline = time.monotonic() + 60
            while client.get(f"{V1}/health/ready").status_code != 200:
                assert time.monotonic() < deadline, "readiness did not recover"
                time.sleep(0.5)
            result = submit_until_accepted(client, app_settings, org, records, time.monotonic() + 60)
            assert result["accepted"] == len(records)
    finally:
        proxy.close()
    assert_no_duplicates(driver, settings)
    submitted_are_in_the_graph(driver, settings, records)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_concurrent_writers_on_the_same_people_end_as_a_sequential_load(population, base_snapshot, sequential_load,
                                                                         driver, settings):
    _, rest = population
    batches = batches_of(rest)
    app_settings = api_settings(settings, neo4j_retry_time=30.0)
    expected = sequential_load

    restore_base(base_snapshot, driver, settings)
    clients = 4

    def writer(n: int) -> None:
        # every client sends every batch (the same people, overlapping), each in its own order
        mine = batches[:]
        random.Random(n).shuffle(mine)
        deadline = time.monotonic() + 400
        with httpx.Client(base_url=url, timeout=120) as client:
            for org, records in mine:
                submit_until_accepted(client, app_settings, org, records, deadline)

    with serve(app_settings) as url:
        errors = run_together([partial(writer, n) for n in range(clients)], timeout=500)
    assert not errors, errors
    assert_no_duplicates(driver, settings)
    submitted_are_in_the_graph(driver, settings, rest)
    after = state(driver, settings)
    # The same persons: the same partition of the records (a new person's id is random).
    assert partition(after) == partition(expected)
    assert after["counts"] == expected["counts"]
    same_ids = sum(1 for pid, recs in after["persons"].items() if expected["persons"].get(pid) == recs)
    print(f"concurrent writers: {len(after['persons'])} persons, {same_ids} with the sequential run's id")


def partition(found: dict) -> set[frozenset[str]]:
    return {frozenset(records) for records in found["persons"].values()}
