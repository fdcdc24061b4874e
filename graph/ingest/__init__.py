"""Ingest of the minimum data set: validation wiring and batched writes (:mod:`.load`,
:mod:`.batch`), the rejects file (:mod:`.rejects`); ``aim ingest`` in :mod:`.cli`."""

from aim.graph import public_surface

__all__, __getattr__ = public_surface(__name__, {
    "write_rows": "batch", "plan_batch": "batch", "BatchCounts": "batch",
    "ingest_file": "load", "ingest_validated": "load", "IngestReport": "load",
    "write_rejects": "rejects", "safe_cell": "rejects", "FORMULA_PREFIXES": "rejects",
})
