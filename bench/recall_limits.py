"""Where issue 17's last point stands (docs/resolution.md, issue 17, run 8): is F1 at 1M below
F1 at 30k because the evidence runs out, and how strong is the surname-change rule?

    python bench/recall_limits.py --dataset independent --records 30000 300000 1000000 --work /tmp/rb
    python bench/recall_limits.py --dataset seeds --records 30000 1000000 --work /tmp/rb
    python bench/recall_limits.py --dataset febrl4 --work /tmp/rb      # the oracle only

For each size, ``link()`` in process (this checkout's engine), then

* **an oracle on the candidates**: a decision per candidate pair made with the truth: each
  pair's features (every comparison level, the frequency of an exact given name and
  surname, sex, first middle names) decided by the pairs of the same features among the
  *other* half of the people (cross-fitted: no pair is decided by its own label); its
  pairwise F1 on the candidates it links, after transitive closure, and clustered by the
  engine's own guard and clusters' evidence (its log-odds in place of the match weights):
  what a model of these fields could reach if it knew, for every kind of pair, how often it
  is one person;
* **the surname-change rule measured on decoys** (``cluster_evidence.one_person``): the cluster
  pairs a possible surname change joins (given names alike, the same full date of birth,
  both female and adult, surnames different, below the link weight), and decoys — pairs of
  the same phonetic given name, female and adult, whose dates of birth lie ``--shift`` days
  apart (every day paired with exactly one other day), surnames different: certainly two
  women, as many as two namesakes sharing a birthday. The share of decoys meeting the
  rule's whole-cluster conditions estimates P(conditions | two women) with no labels; per
  1-bit band of weight (a decoy weighed as if the birthdays were one), the decoys meeting
  them estimate how many of the real ones are two women. The truth is printed beside it;
* the F1 with the rule's band extended down to the lowest band whose estimated purity is
  still at the link threshold (bands taken from the top, stopping at the first below), and
  with every true pair of the pattern joined (an oracle for the pattern alone).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import zlib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from resolve import febrl, independent, seeds  # noqa: E402  (bench/ is the script's folder)

from aim.resolution import cluster_evidence as CE  # noqa: E402
from aim.resolution import comparisons as CMP  # noqa: E402
from aim.resolution.clustering import components, merge_clusters  # noqa: E402
from aim.resolution.engine import LinkResult, link  # noqa: E402
from aim.resolution.evaluate import evaluate  # noqa: E402
from aim.resolution.guard import clusters_and_lifted, guarded_clusters  # noqa: E402
from aim.resolution.predict import match_weights, tf_tables  # noqa: E402
from aim.resolution.records import full_dob, read_records  # noqa: E402

_NO_PAIRS = (np.empty(0, np.int64), np.empty(0, np.int64))


def truth_of_records(res: LinkResult, truth_csv: Path) -> tuple[np.ndarray, np.ndarray]:
    """(true entity per input row, per collapsed record)."""
    with open(truth_csv, newline="") as fh:
        by_row = {r["record_id"]: r["entity_id"] for r in csv.DictReader(fh)}
    _, rows = np.unique(np.array([by_row.get(x, x) for x in res.prepared.row_ids], dtype=object).astype(str),
                        return_inverse=True)
    records = np.full(res.prepared.n, -1, dtype=np.int64)
    records[res.prepared.row_record] = rows
    return rows, records


def f1(res: LinkResult, truth_rows: np.ndarray, labels: np.ndarray) -> dict:
    return evaluate(truth_rows.tolist(), labels[res.prepared.row_record].tolist())


def _row_pair_scores(res: LinkResult, truth_rows: np.ndarray, t: np.ndarray, linked: np.ndarray) -> tuple:
    """Pairwise P, R, F1 over input rows when exactly the ``linked`` candidate pairs link."""
    p = res.prepared
    rows = np.bincount(p.row_record, minlength=p.n).astype(np.int64)
    sizes = np.bincount(truth_rows)
    true_pairs = int((sizes * (sizes - 1) // 2).sum())
    within = int((rows * (rows - 1) // 2).sum())     # rows of one collapsed record
    weight = rows[res.left] * rows[res.right]
    same = t[res.left] == t[res.right]
    tp, predicted = within + int(weight[linked & same].sum()), within + int(weight[linked].sum())
    precision, recall = tp / predicted, tp / true_pairs
    return precision, recall, 2 * precision * recall / (precision + recall)


def oracle_features(res: LinkResult) -> np.ndarray:
    """Per candidate pair, one code of what a pairwise decision may use: every comparison
    level; on an exact given name or surname, its frequency among the records (a power-of-two
    bin: ``predict.tf_tables``' term); the first record's sex; and the first middle names
    (both present and equal, present and different, or not both present)."""
    p, left, right = res.prepared, res.left, res.right
    _, vector = np.unique(res.gammas, axis=0, return_inverse=True)
    code = vector.ravel().astype(np.int64)
    for field, col in (("first_name", "first"), ("last_name", "last")):
        k = CMP.FIELD_INDEX[field]
        names = p.cols[col]
        count = np.bincount(names[names >= 0], minlength=len(p.uniques["name"]))
        exact = res.gammas[:, k] == len(CMP.COMPARISONS[k].levels) - 1
        frequency_bin = np.where(exact, 1 + np.log2(np.maximum(count[np.maximum(names[left], 0)], 1)).astype(np.int64), 0)
        code = code * 32 + np.minimum(frequency_bin, 31)
    sex, middle = p.cols["gender"], p.cols["middle1"]
    both = (middle[left] >= 0) & (middle[right] >= 0)
    return (code * 4 + sex[left] + 1) * 3 + np.where(both, np.where(middle[left] == middle[right], 2, 1), 0)


def oracle(res: LinkResult, truth_rows: np.ndarray, t: np.ndarray) -> tuple[tuple, dict, dict]:
    """A decision per candidate pair made with the truth, cross-fitted: each pair of
    :func:`oracle_features` decided by the pairs of the same features among the *other* half
    of the people (their log-odds of being one person; a combination that half never met
    keeps the engine's own weight against its link weight). Its pairwise scores (linked
    where most such pairs are one person), the scores of their transitive closure, and of
    the same weights clustered by the engine's own guard and clusters' evidence."""
    same = t[res.left] == t[res.right]
    half = (np.array([zlib.crc32(str(x).encode()) for x in range(int(t.max()) + 1)]) % 2)[t[res.left]]
    _, cell = np.unique(oracle_features(res), return_inverse=True)
    cell = cell.ravel()
    log_odds = np.empty(res.left.size)
    for h in (0, 1):
        learn = half == h
        true = np.bincount(cell[learn & same], minlength=cell.max() + 1)
        false = np.bincount(cell[learn & ~same], minlength=cell.max() + 1)
        seen = (true + false)[cell[~learn]] > 0
        log_odds[~learn] = np.where(seen, np.log2((true + 0.5) / (false + 0.5))[cell[~learn]],
                                    res.weight[~learn] - res.model.link_weight)
    linked = log_odds > 0
    closed = components(res.prepared.n, res.left[linked], res.right[linked])
    guarded, _ = clusters_and_lifted(res.prepared, res.left, res.right, res.gammas, log_odds, 0.0,
                                     review_weight=0.0, reference_year=res.model.reference_year)
    return _row_pair_scores(res, truth_rows, t, linked), f1(res, truth_rows, closed), f1(res, truth_rows, guarded)


def decoys(res: LinkResult, labels: np.ndarray, grown: np.ndarray, shift: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of records in two clusters, both female and adult, of one phonetic given name
    (then alike as the rule asks), surnames different, dates of birth ``shift`` days apart:
    day d is paired with d + shift when d // shift is even (each day with one other)."""
    p, C = res.prepared, res.prepared.cols
    women = np.flatnonzero(full_dob(p) & (C["gender"] == CE.FEMALE) & grown & (C["first_ph"] >= 0))
    day = ((C["dob_y"][women].astype(np.int64) - 1970).astype("datetime64[Y]").astype("datetime64[M]")
           + (C["dob_m"][women] - 1)).astype("datetime64[D]") + (C["dob_d"][women] - 1)
    day = day.astype(np.int64)
    early = (day // shift) % 2 == 0
    name = C["first_ph"][women].astype(np.int64) << 32
    wanted, have = name[early] + day[early] + shift, name[~early] + day[~early]
    order = np.argsort(have, kind="stable")
    start = np.searchsorted(have[order], wanted)
    count = np.searchsorted(have[order], wanted, side="right") - start
    a = np.repeat(women[early], count)
    within = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    b = women[~early][order[np.repeat(start, count) + within]]
    g = CMP.compare(p, a, b)
    keep = ((g[:, CMP.FIELD_INDEX["last_name"]] == 0) & (labels[a] != labels[b])
            & (g[:, CMP.FIELD_INDEX["first_name"]] >= CMP.level("first_name", "jaro-winkler >= 0.92")))
    return a[keep], b[keep]


def surname_change(res: LinkResult, truth_rows: np.ndarray, t: np.ndarray, shift: int) -> None:
    """The rule's strength on decoys against the truth, per 1-bit band; printed."""
    p, model = res.prepared, res.model
    left, right, gammas = res.left, res.right, res.gammas
    weight = match_weights(model, p, left, right, gammas, tf_tables(p))   # before link() lifted any
    thr = model.link_weight
    labels, names = guarded_clusters(p, left, right, gammas, weight, thr)
    grown = CE.adult(p, model.reference_year)
    married = CE.partnered(p, labels, left, right, gammas, grown)
    idx = np.flatnonzero(CE.surname_change_candidates(gammas) & (weight < thr))
    a, b = left[idx], right[idx]
    idx = idx[(labels[a] != labels[b]) & (p.cols["gender"][a] == CE.FEMALE) & grown[a] & grown[b]]
    strongest, one = CE.one_person(p, labels, left[idx], right[idx], weight[idx], married, names,
                                   cannot_link=_NO_PAIRS)
    real, real_w = idx[strongest], weight[idx[strongest]]
    woman = t[left[real]] == t[right[real]]
    da, db = decoys(res, labels, grown, shift)
    as_if = CMP.compare(p, da, db)
    as_if[:, CMP.FIELD_INDEX["date_of_birth"]] = CMP.level("date_of_birth", "exact")
    decoy_w = match_weights(model, p, da, db, as_if, tf_tables(p))
    d_strongest, d_one = CE.one_person(p, labels, da, db, decoy_w, married, names, cannot_link=_NO_PAIRS, dates=False)
    two = ~woman
    q = (d_one.sum() + 1) / (d_one.size + 2)      # Laplace: a handful of decoys says little
    print(f"  cluster pairs of a possible surname change below the link weight: {real.size:,} "
          f"({woman.sum():,} one woman); meeting the conditions: one woman {(one & woman).sum():,}, "
          f"two women {(one & two).sum():,} of {two.sum():,} (true q {(one & two).sum() / max(two.sum(), 1):.3f})")
    print(f"  decoys ({shift} days apart): {d_one.size:,} cluster pairs, {d_one.sum():,} meeting the conditions "
          f"(q {q:.3f}, {np.log2(1 / q):.2f} bits)")
    cut, going = thr, True
    for hi in thr - np.arange(0, 11):
        lo = hi - 1
        r = one & (real_w >= lo) & (real_w < hi)
        d = d_one & (decoy_w[d_strongest] >= lo) & (decoy_w[d_strongest] < hi)
        estimate = 1 - d.sum() / max(r.sum(), 1)
        if r.sum() and going and estimate >= model.link_threshold:
            cut = lo
        going &= not (r.sum() and estimate < model.link_threshold)
        if r.any() or d.any():
            print(f"    weight [{lo:6.2f}, {hi:6.2f}): meeting {r.sum():5,d}, decoys meeting {d.sum():4,d}: "
                  f"estimated one woman {estimate:.3f}, true {(r & woman).sum() / max(r.sum(), 1):.3f}")
    labels_cut, lifted = clusters_and_lifted(p, left, right, gammas, weight, thr, reference_year=model.reference_year,
                                             review_weight=min(cut, model.review_weight))
    s = f1(res, truth_rows, labels_cut)
    print(f"  band from {min(cut, model.review_weight):.2f} bits: {lifted.size:,} joins, "
          f"{int((t[left[lifted]] == t[right[lifted]]).sum()):,} right; "
          f"P {s['precision']:.4f} R {s['recall']:.4f} F1 {s['f1']:.4f}")
    every = merge_clusters(res.record_entity, left[real[woman]], right[real[woman]])
    s = f1(res, truth_rows, every)
    print(f"  every true pair of the pattern joined: P {s['precision']:.4f} R {s['recall']:.4f} F1 {s['f1']:.4f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", choices=["seeds", "independent", "febrl3", "febrl4"], default="independent")
    ap.add_argument("--records", type=int, nargs="+", default=[30_000, 300_000])
    ap.add_argument("--work", type=Path, default=Path("/tmp/aim-bench"))
    ap.add_argument("--seed", type=int, default=11, help="the independent population's draw")
    ap.add_argument("--shift", type=int, default=7, help="days between a decoy pair's dates of birth")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    is_febrl = args.dataset.startswith("febrl")
    for n in [0] if is_febrl else args.records:
        if is_febrl:
            (args.work / args.dataset).mkdir(exist_ok=True)
            records, truth_csv = febrl(args.dataset, args.work / args.dataset)
        else:
            records, truth_csv = seeds(n, args.work) if args.dataset == "seeds" else independent(n, args.work, args.seed)
        print(f"{args.dataset} {f'{n:,}' if n else ''} (load average {os.getloadavg()[0]:.1f})", flush=True)
        res = link(read_records(records))
        truth_rows, t = truth_of_records(res, truth_csv)
        s = f1(res, truth_rows, res.record_entity)
        print(f"  engine: P {s['precision']:.4f} R {s['recall']:.4f} F1 {s['f1']:.4f}")
        (pp, pr, pf), closed, guarded = oracle(res, truth_rows, t)
        print(f"  oracle on the pairs' features: pairwise P {pp:.4f} R {pr:.4f} F1 {pf:.4f}; closed "
              f"P {closed['precision']:.4f} R {closed['recall']:.4f} F1 {closed['f1']:.4f}; through the guard "
              f"P {guarded['precision']:.4f} R {guarded['recall']:.4f} F1 {guarded['f1']:.4f}", flush=True)
        if not is_febrl:   # FEBRL records no sex: the rule never applies
            surname_change(res, truth_rows, t, args.shift)


if __name__ == "__main__":
    main()
