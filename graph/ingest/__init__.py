"""Ingest of the minimum data set: validation wiring and batched writes (:mod:`.load`,
:mod:`.batch`, two writers on disjoint parts of a batch: :mod:`.parts`), the rejects file
(:mod:`.rejects`); ``aim ingest`` in :mod:`.cli`."""

from aim.graph import public_surface

__all__, __getattr__ = public_surface(__name__, {
    "write_rows": "batch", "plan_batch": "batch", "BatchCounts": "batch",
    "ingest_file": "load", "triage": "load", "finish_rejects": "load", "fresh_rejects_path": "load",
    "bulk_ingest_file": "bulk", "BulkIngestError": "bulk", "ingest_validated": "load", "IngestReport": "load",
    "write_rejects": "rejects", "safe_cell": "rejects", "FORMULA_PREFIXES": "rejects",
})
