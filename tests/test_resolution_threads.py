"""The engine's work spread over the cores in threads gives the answers of one core."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from aim.resolution import _np
from aim.resolution import blocking as B
from aim.resolution import comparisons as C
from aim.resolution import predict
from aim.resolution.engine import train
from aim.resolution.predict import tf_tables
from aim.resolution.records import prepare
from tests.factories import resolution_record as rec


@pytest.fixture
def four_cores(monkeypatch):
    monkeypatch.setattr(_np, "cores", lambda: 4)


def _records():
    firsts = ["John", "Jon", "Jonathan", "Mary", "Maria", "Siobhan", "Shiv", "Li", "Wei", "Ahmed"]
    lasts = ["Smith", "Smyth", "O'Brien", "Obrien", "Khan", "Chen"]
    return [rec(str(k), first_name=firsts[k % len(firsts)], last_name=lasts[(k * 7) % len(lasts)],
                date_of_birth=f"19{60 + k % 30}-0{1 + k % 9}-1{k % 10}", postcode=f"B{k % 4} 1AA",
                address=f"{k % 13} High St") for k in range(120)]


def test_results_come_back_in_order_from_several_threads(four_cores):
    names = set()

    def slow_first(x: int) -> int:
        names.add(threading.current_thread().name)
        time.sleep(0.05 if x == 0 else 0.0)   # the first item finishes last
        return x * x

    assert list(_np.each_in_threads(slow_first, range(8))) == [x * x for x in range(8)]
    assert len(names) > 1


def test_at_most_so_many_threads(four_cores):
    names = set()

    def note(x: int) -> int:
        names.add(threading.current_thread().name)
        time.sleep(0.01)
        return x

    assert list(_np.each_in_threads(note, range(12), at_most=2)) == list(range(12))
    assert len(names) == 2


@pytest.mark.parametrize(("cpu_max", "expected"), [("max 100000", 4), ("150000 100000", 2), ("50000 100000", 1),
                                                   ("800000 100000", 4)])
def test_cores_honour_a_containers_cpu_quota(monkeypatch, tmp_path, cpu_max, expected):
    monkeypatch.setattr(_np.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    (tmp_path / "cpu.max").write_text(cpu_max + "\n")
    monkeypatch.setattr(_np, "CPU_MAX", tmp_path / "cpu.max")
    assert _np.cores() == expected


def test_one_item_runs_in_the_calling_thread(four_cores):
    seen = []
    list(_np.each_in_threads(lambda _: seen.append(threading.current_thread()), [1]))
    assert seen == [threading.current_thread()]


def test_chunked_comparison_in_threads_equals_one_pass(four_cores):
    p = prepare(_records())
    i, j = np.triu_indices(p.n, 1)
    reported = []
    chunked = C.compare_chunked(p, i, j, chunk=997, progress=reported.append)
    assert np.array_equal(chunked, C.compare(p, i, j))
    assert reported == sorted(reported) and reported[-1] == i.size and len(reported) == -(-i.size // 997)


def test_blocking_in_threads_equals_one_core(monkeypatch):
    p = prepare(_records())
    monkeypatch.setattr(_np, "cores", lambda: 1)
    alone = B.block(p, cap=5, window=3)
    monkeypatch.setattr(_np, "cores", lambda: 4)
    threaded = B.block(p, cap=5, window=3)
    assert alone.n_pairs > 0
    assert np.array_equal(alone.left, threaded.left) and np.array_equal(alone.right, threaded.right)
    assert alone.per_rule == threaded.per_rule and alone.capped_blocks == threaded.capped_blocks


def test_weights_in_threads_equal_one_pass(monkeypatch, four_cores):
    p = prepare(_records())
    model = train(p)
    i, j = np.triu_indices(p.n, 1)
    gammas = C.compare(p, i, j)
    tf = tf_tables(p)
    monkeypatch.setattr(predict, "WEIGHTS_CHUNK", 10**9)
    whole = predict.match_weights(model, p, i, j, gammas, tf)
    monkeypatch.setattr(predict, "WEIGHTS_CHUNK", 97)
    assert np.array_equal(predict.match_weights(model, p, i, j, gammas, tf), whole)
