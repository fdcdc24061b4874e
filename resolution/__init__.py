"""AIM entity resolution: standardise → block → compare → score (Fellegi–Sunter) → cluster.

Public API (imported lazily so that ``aim`` starts fast)::

    from aim.resolution import train, link, Model
    model = train(records)                      # unsupervised: u by random pairs, m by EM
    result = link(records, model)               # LinkResult: entity per row, scored pairs
    blocking_keys(record)                       # indexed keys for real-time candidate lookup
    score_record(model, record, candidates)     # one new record against a few candidates
    cluster(...)                                # clustering with must-link / cannot-link
    explain_pair(model, a, b)                   # per-field contributions to the weight

See docs/resolution.md.
"""

from __future__ import annotations

_EXPORTS = {
    "train": "engine", "link": "engine", "LinkResult": "engine",
    "Model": "model",
    "prepare": "records", "read_records": "records",
    "blocking_keys": "blocking", "block": "blocking", "RULES": "blocking",
    "compare": "comparisons", "COMPARISONS": "comparisons",
    "score_record": "predict", "score_pairs": "predict",
    "cluster": "clustering",
    "explain_pair": "explain", "waterfall_chart": "explain",
    "evaluate": "evaluate", "evaluate_files": "evaluate",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    mod = _EXPORTS.get(name)
    if mod is None:
        raise AttributeError(f"module 'aim.resolution' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{mod}"), name)
