"""The group commit of record submissions (``api/services/group_commit``): calls that arrive
while a group works are done together in the next group, each caller gets its own result
or its own failure, and a lone call waits for nothing."""

from __future__ import annotations

import threading
import time

import pytest

from aim.api.services.group_commit import GroupCommit


class Recorder:
    """``work`` that records its groups, and holds the first one until released."""

    def __init__(self, hold_first: bool = True):
        self.groups: list[list] = []
        self.release = threading.Event()
        self.inside = threading.Semaphore(0)
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()
        if not hold_first:
            self.release.set()

    def __call__(self, items: list) -> list:
        with self._lock:
            self.groups.append(list(items))
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.inside.release()
        self.release.wait(timeout=10)
        with self._lock:
            self.running -= 1
        return [item * 10 if not isinstance(item, str) else ValueError(item) for item in items]


def call_in_thread(group: GroupCommit, item, results: dict) -> threading.Thread:
    def call():
        try:
            results[item] = group.run(item)
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            results[item] = exc

    thread = threading.Thread(target=call)
    thread.start()
    return thread


def wait_queued(group: GroupCommit, n: int) -> None:
    deadline = time.monotonic() + 10
    while group.queued < n:
        assert time.monotonic() < deadline, f"{group.queued} calls queued, expected {n}"
        time.sleep(0.005)


def test_a_lone_call_runs_at_once_by_itself():
    work = Recorder(hold_first=False)
    group = GroupCommit(work, parallel=1, limit=10)
    assert group.run(3) == 30
    assert group.run(4) == 40
    assert work.groups == [[3], [4]]


def test_calls_arriving_while_a_group_works_are_done_together_next():
    work = Recorder()
    group = GroupCommit(work, parallel=1, limit=10)
    results: dict = {}
    first = call_in_thread(group, 1, results)
    assert work.inside.acquire(timeout=10)  # the first group is working
    later = [call_in_thread(group, item, results) for item in (2, 3, 4)]
    wait_queued(group, 3)
    work.release.set()
    for thread in [first, *later]:
        thread.join(timeout=10)
    assert work.groups[0] == [1]
    assert sorted(work.groups[1]) == [2, 3, 4] and len(work.groups) == 2
    assert results == {1: 10, 2: 20, 3: 30, 4: 40}


def test_a_group_takes_no_more_than_its_limit():
    work = Recorder()
    group = GroupCommit(work, parallel=1, limit=5, size=lambda item: item)
    results: dict = {}
    first = call_in_thread(group, 1, results)
    assert work.inside.acquire(timeout=10)
    later = []
    for item in (3, 2, 4):  # queued in this order
        later.append(call_in_thread(group, item, results))
        wait_queued(group, len(later))
    work.release.set()
    for thread in [first, *later]:
        thread.join(timeout=10)
    assert sum(len(g) for g in work.groups) == 4
    assert all(sum(g) <= 5 for g in work.groups)
    assert results == {1: 10, 2: 20, 3: 30, 4: 40}


def test_each_caller_gets_its_own_failure_and_a_failed_group_fails_all_its_callers():
    work = Recorder()
    group = GroupCommit(work, parallel=1, limit=10)
    results: dict = {}
    first = call_in_thread(group, 1, results)
    assert work.inside.acquire(timeout=10)
    later = [call_in_thread(group, item, results) for item in (2, "bad")]
    wait_queued(group, 2)
    work.release.set()
    for thread in [first, *later]:
        thread.join(timeout=10)
    assert results[2] == 20 and isinstance(results["bad"], ValueError)

    def broken(items):
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError, match="database gone"):
        GroupCommit(broken, parallel=1, limit=10).run(1)


def test_parallel_groups_run_at_once():
    work = Recorder()
    group = GroupCommit(work, parallel=2, limit=10)
    results: dict = {}
    threads = [call_in_thread(group, 1, results)]
    assert work.inside.acquire(timeout=10)
    threads.append(call_in_thread(group, 2, results))
    assert work.inside.acquire(timeout=10)  # the second did not wait for the first
    assert work.most_at_once == 2
    work.release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert results == {1: 10, 2: 20}
