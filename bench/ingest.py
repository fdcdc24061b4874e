"""Ingest throughput into Neo4j: rows per second for a first load, an idempotent re-load and
the bulk path (``aim ingest --bulk``, Neo4j's offline importer, into the emptied database).

    python bench/ingest.py --rows 100000

Uses its own AIM home (``.aim/bench``) and Neo4j server, started when not running. The
peer in the same run is the naive approach the batching replaces: one transaction per
row, measured on a sample, so the figures say what UNWIND batches buy. The bulk figure
includes the server's stop and start and the schema's indexes being built.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("AIM_HOME", str(ROOT / ".aim" / "bench"))

from aim.graph.store import get_driver  # noqa: E402
from aim.graph.ingest import bulk_ingest_file, ingest_file  # noqa: E402
from aim.graph.store import migrate  # noqa: E402
from aim.graph.store import LocalNeo4j  # noqa: E402
from aim.settings import get_settings  # noqa: E402
from tests.graph_helpers import counts, wipe  # noqa: E402
from tests.factories import canonical_rows, write_csv  # noqa: E402


def timed_load(path: Path, settings) -> tuple[float, object]:
    start = time.perf_counter()
    report = ingest_file(path, source="WMP", progress=False, driver=get_driver(), settings=settings)
    return time.perf_counter() - start, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000, help="rows for the one-row-per-transaction peer")
    args = parser.parse_args()

    settings = get_settings()
    LocalNeo4j(settings).start()
    driver = get_driver()
    migrate(driver, settings.neo4j_database)
    wipe(driver, settings.neo4j_database)

    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / "rows.csv", canonical_rows(args.rows))
        first_s, first = timed_load(path, settings)
        after_first = counts(driver, settings.neo4j_database)
        again_s, again = timed_load(path, settings)
        same = counts(driver, settings.neo4j_database) == after_first

        wipe(driver, settings.neo4j_database)
        start = time.perf_counter()
        bulk_ingest_file(path, source="WMP", driver=driver, settings=settings)
        bulk_s = time.perf_counter() - start
        bulk_same = counts(driver, settings.neo4j_database) == after_first

        wipe(driver, settings.neo4j_database)
        sample = write_csv(Path(folder) / "sample.csv", canonical_rows(args.sample, seed=2))
        one_by_one = settings.model_copy(update={"ingest_batch_size": 1})
        naive_s, _ = timed_load(sample, one_by_one)

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows: {args.rows:,} ({first.new_records:,} records, {first.new_events:,} events), "
          f"batch size {settings.ingest_batch_size:,}")
    print(f"first load:        {first_s:7.1f} s  {args.rows / first_s:9,.0f} rows/s")
    print(f"idempotent reload: {again_s:7.1f} s  {args.rows / again_s:9,.0f} rows/s  "
          f"(counts identical: {same}; new {again.new_records}, updated {again.updated_records})")
    print(f"bulk (empty database): {bulk_s:5.1f} s  {args.rows / bulk_s:9,.0f} rows/s  "
          f"(counts identical to the first load: {bulk_same})")
    print(f"peer, one transaction per row ({args.sample:,} rows): {args.sample / naive_s:,.0f} rows/s "
          f"→ batching is {args.rows / first_s / (args.sample / naive_s):.1f}x faster")
    print(f"load average (1, 5, 15 min): {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"peak memory of the loader: {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
