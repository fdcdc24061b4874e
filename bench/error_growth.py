"""Why pairwise F1 falls with the size of the data: the engine's errors per 1,000 true record
pairs, side by side for data sets of different sizes (docs/resolution.md, issue 17, run 7).

    python bench/error_growth.py --dataset independent --records 30000 300000 1000000
    python bench/error_growth.py --dataset seeds --records 30000 1000000 --work /tmp/rb

For each size: ``link()`` in process (this checkout's engine), then

* missed links (true record pairs split) and wrong links (pairs merged across people) by the
  category of ``aim evaluate --explain-errors`` (:mod:`aim.resolution.errors`), the location
  level of the pair (else / near / same postcode / same address) and how it was lost: a
  candidate linked on its own weight but split by the guard, one below the link weight, or
  never a candidate (for wrong links: linked directly or through a chain);
* the prior and the weight of every comparison level (which evidence grows with the data:
  the prior falls as 1/N, so does u of an address; names and dates of birth do not);
* m per level as the model estimated it and as the truth has it among the candidates'
  true pairs;
* namesakes with two different full dates of birth (given name and surname exact, the date
  at level "else") by where they live: one person or two, and of two how many link on
  their own weight and how many end in one cluster (FEBRL's mistyped dates against a
  household's father and junior).
"""

from __future__ import annotations

import argparse
import collections
import csv
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from resolve import febrl, independent, seeds  # noqa: E402  (bench/ is the script's folder)

from aim.resolution import comparisons as CMP  # noqa: E402
from aim.resolution._np import pair_codes  # noqa: E402
from aim.resolution.engine import link  # noqa: E402
from aim.resolution.errors import missed_category, wrong_category, pairs_within  # noqa: E402
from aim.resolution.evaluate import evaluate  # noqa: E402
from aim.resolution.records import full_dob, read_records  # noqa: E402

F = CMP.FIELD_INDEX
_SAME_POSTCODE = CMP.level("location", "same postcode")
_SAME_ADDRESS = CMP.level("location", "same address, postcode differs or missing")


def _where(location_level: int) -> str:
    if location_level <= 0:
        return "else"
    if location_level < _SAME_POSTCODE:
        return "near"
    return "postcode" if location_level < _SAME_ADDRESS else "address"


def analyse(records: Path, truth_csv: Path) -> dict:
    """link() the records; error rates per 1,000 true pairs, the model, m estimated and true."""
    cols = read_records(records)
    res = link(cols)
    p, labels, model = res.prepared, res.record_entity, res.model
    with open(truth_csv, newline="") as fh:
        by_row = {r["record_id"]: r["entity_id"] for r in csv.DictReader(fh)}
    scores = evaluate([by_row.get(x, x) for x in p.row_ids], res.entity_ids)
    _, t = np.unique(np.array([by_row.get(x, x) for x in p.record_ids], dtype=object).astype(str),
                     return_inverse=True)
    left, right, gammas, weight, thr = res.left, res.right, res.gammas, res.weight, model.link_weight
    codes = pair_codes(left, right, p.n)
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]

    def candidate(a, b):
        q = pair_codes(a, b, p.n)
        pos = np.minimum(np.searchsorted(sorted_codes, q), max(sorted_codes.size - 1, 0))
        return sorted_codes[pos] == q, order[pos]

    ta, tb = pairs_within(t, 1000)
    per_1000 = 1000 / max(ta.size, 1)
    rates: collections.Counter = collections.Counter()
    missed = labels[ta] != labels[tb]
    found, idx = candidate(ta, tb)
    for k in np.flatnonzero(missed & found):
        g = gammas[idx[k]]
        how = "split by the guard" if weight[idx[k]] >= thr else "below the link weight"
        rates[("missed", missed_category(g, True), _where(g[F["location"]]), how)] += per_1000
    rates[("missed", "not a candidate", "", "")] += per_1000 * int((missed & ~found).sum())
    ea, eb = pairs_within(labels, 1000)
    two = t[ea] != t[eb]
    found, idx = candidate(ea[two], eb[two])
    for k in np.flatnonzero(found):
        g = gammas[idx[k]]
        how = "linked directly" if weight[idx[k]] >= thr else "through a chain"
        rates[("wrong", wrong_category(g), _where(g[F["location"]]), how)] += per_1000
    rates[("wrong", "not a candidate", "", "")] += per_1000 * int((~found).sum())
    namesakes: collections.Counter = collections.Counter()
    full = full_dob(p)
    exact = ((gammas[:, F["first_name"]] == len(CMP.COMPARISONS[F["first_name"]].levels) - 1)
             & (gammas[:, F["last_name"]] == len(CMP.COMPARISONS[F["last_name"]].levels) - 1)
             & (gammas[:, F["date_of_birth"]] == 0) & full[left] & full[right])
    for k in np.flatnonzero(exact):
        where, a, b = _where(gammas[k, F["location"]]), left[k], right[k]
        if t[a] == t[b]:
            namesakes[(where, "one person")] += 1
        else:
            namesakes[(where, "two people")] += 1
            namesakes[(where, "two, linked on its weight")] += int(weight[k] >= thr)
            namesakes[(where, "two, in one cluster")] += int(labels[a] == labels[b])
    match = gammas[t[left] == t[right]]
    true_m = []
    for k, c in enumerate(CMP.COMPARISONS):
        col = match[:, k]
        col = col[col >= 0]
        true_m.append(np.bincount(col.astype(np.int64), minlength=len(c.levels)) / max(col.size, 1))
    return {"scores": scores, "rates": rates, "model": model, "true_m": true_m, "namesakes": namesakes}


def report(names: list[str], results: list[dict]) -> None:
    print(f"{'':96s}" + "".join(f"{n:>14s}" for n in names))
    for key in ("precision", "recall", "f1"):
        print(f"{key:96s}" + "".join(f"{r['scores'][key]:14.4f}" for r in results))
    print(f"\nerrors per 1,000 true record pairs (rows at 0.1 or more somewhere)\n{'':96s}"
          + "".join(f"{n:>14s}" for n in names))
    keys = sorted(set().union(*(r["rates"] for r in results)), key=lambda k: -results[-1]["rates"].get(k, 0))
    for key in keys:
        values = [r["rates"].get(key, 0.0) for r in results]
        if max(values) >= 0.1:
            print(f"{' | '.join(x for x in key if x)[:96]:96s}" + "".join(f"{v:14.2f}" for v in values))
    print(f"\nnamesakes with two different full dates of birth (candidate pairs)\n{'':96s}"
          + "".join(f"{n:>14s}" for n in names))
    for where in ("else", "near", "postcode", "address"):
        for what in ("one person", "two people", "two, linked on its weight", "two, in one cluster"):
            print(f"{where + ' | ' + what:96s}" + "".join(f"{r['namesakes'][(where, what)]:14,}" for r in results))
    print(f"\nweight in bits (m estimated / m true among the candidates' true pairs)\n{'':96s}"
          + "".join(f"{n:>24s}" for n in names))
    print(f"{'prior':96s}" + "".join(f"{r['model'].prior_weight:24.2f}" for r in results))
    for k, c in enumerate(CMP.COMPARISONS):
        for lv, label in enumerate(c.levels):
            cells = []
            for r in results:
                m, u = r["model"].m[k][lv], r["model"].u[k][lv]
                cells.append(f"{np.log2(m / u):8.2f} ({m:.4f}/{r['true_m'][k][lv]:.4f})")
            print(f"{(c.name + ' ' + label)[:96]:96s}" + "".join(f"{x:>24s}" for x in cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", choices=["febrl3", "febrl4", "seeds", "independent"], default="independent")
    ap.add_argument("--records", type=int, nargs="+", default=[30_000, 300_000])
    ap.add_argument("--work", type=Path, default=Path("/tmp/aim-bench"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    names, results = [], []
    for n in ([0] if args.dataset.startswith("febrl") else args.records):
        if args.dataset.startswith("febrl"):
            work = args.work / args.dataset
            work.mkdir(parents=True, exist_ok=True)
            files = febrl(args.dataset, work)
        else:
            files = (seeds if args.dataset == "seeds" else independent)(n, args.work)
        names.append(args.dataset if not n else f"{n:,}")
        results.append(analyse(*files))
    report(names, results)


if __name__ == "__main__":
    main()
