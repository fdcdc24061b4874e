"""The Spark backend clusters one group of components at a time: the groups joined by
``guard.reaching_pairs``. Clustering each group on its own must give what clustering all
records at once gives — a clustering rule that reads pairs ``reaching_pairs`` does not
name fails here (no Spark needed)."""

from __future__ import annotations

import numpy as np
import pytest

from aim.resolution import engine
from aim.resolution.clustering import components
from aim.resolution.guard import clusters_and_lifted, reaching_pairs
from aim.resolution.records import prepare, read_records


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    from aim.seeds.independent.generate import generate

    out = tmp_path_factory.mktemp("population")
    generate(6000, 7, out)
    cols = read_records(out / "canonical.csv")
    return prepare(cols), engine.link(cols)


def test_clustering_each_reaching_group_alone_gives_the_whole_clustering(linked):
    p, res = linked
    thr = float(np.log2(res.model.link_threshold / (1 - res.model.link_threshold)))
    reach = reaching_pairs(p, res.left, res.right, res.gammas, res.weight, thr)
    group = components(p.n, res.left[reach], res.right[reach])
    expected, _ = clusters_and_lifted(p, res.left, res.right, res.gammas, res.weight, thr)
    got = np.empty(p.n, dtype=np.int64)
    inside = group[res.left] == group[res.right]
    order = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.r_[True, group[order][1:] != group[order][:-1], True])
    for start, end in zip(bounds[:-1], bounds[1:]):
        members = order[start:end]          # ascending record index: the engine's tie order
        if members.size == 1:
            got[members] = members
            continue
        sel = np.flatnonzero(inside & np.isin(res.left, members))
        sub = _subset(p, members)
        labels, _ = clusters_and_lifted(sub, np.searchsorted(members, res.left[sel]),
                                        np.searchsorted(members, res.right[sel]), res.gammas[sel],
                                        res.weight[sel], thr)
        got[members] = members[labels]
    assert np.array_equal(got, expected)
    # The groups are small: the whole population is not one group.
    assert np.bincount(group).max() < p.n / 10
    assert len(np.unique(expected)) < p.n * 0.8


def _subset(p, members: np.ndarray):
    """The records ``members`` of ``p`` as their own Prepared (codes and tables kept)."""
    from dataclasses import replace

    cols = {name: col[members] for name, col in p.cols.items()}
    return replace(p, n=members.size, record_ids=[p.record_ids[k] for k in members.tolist()],
                   row_record=np.arange(members.size), row_ids=[p.record_ids[k] for k in members.tolist()],
                   cols=cols, extra={})
