"""Identity: which records are the same person, and which persons share a home.

Record keys (:mod:`.keys`), pure stable-id assignment (:mod:`.ids`), records and their
blocking keys (:mod:`.records`), models (:mod:`.models`), the batch run ``aim resolve``
in named phases (:mod:`.batch`, clustering backends in :mod:`.components`), real-time
resolution (:mod:`.realtime`), review decisions, manual merge and split
(:mod:`.review`), writing the changes (:mod:`.changes`), households
(:mod:`.households`); ``aim resolve``, ``aim households``, ``aim persons-export`` and
``aim review`` in :mod:`.cli`. Match explanations come from one builder,
:mod:`aim.resolution.explain`.
"""

from aim.graph import public_surface

__all__, __getattr__ = public_surface(__name__, {
    "Key": "keys", "record_key": "keys", "split_key": "keys", "subject_id": "keys", "parse_subject_id": "keys",
    "assign_ids": "ids", "Assignment": "ids",
    "read_records": "records", "blocking_props": "records",
    "current_model": "models", "save_model": "models", "model_version": "models",
    "resolve": "batch", "export_clusters": "batch", "ResolveReport": "batch",
    "resolve_records": "realtime", "NoModel": "realtime",
    "review_queue": "review", "decide": "review", "merge_persons": "review", "split_person": "review",
    "current_person_id": "review", "person_history": "review", "ReviewError": "review",
    "derive_households": "households", "refresh_for_persons": "households", "HouseholdRules": "households",
})
