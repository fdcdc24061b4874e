"""What real-time resolution locks first: the buckets of the records' blocking-key values,
then the records as read under those locks (:mod:`aim.graph.identity.realtime`, step 1)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from functools import cache

from neo4j import ManagedTransaction

from aim import cypher

from .keys import Key, record_key
from .records import blocking_props

# Lock nodes for blocking-key values: a bounded number of nodes, few enough collisions
# (two unrelated single records share one about once in a thousand).
LOCK_BUCKETS = 65_536


def key_buckets(props: Iterable[dict[str, str | None]]) -> set[int]:
    """The lock buckets of blocking-key values: a stable hash (the same in every process),
    so that two records sharing a key — the only records that can link — share a bucket."""
    return {zlib.crc32(value.encode()) % LOCK_BUCKETS for p in props for value in p.values() if value}


@cache
def records_query(with_model: bool) -> str:
    """``get_records``; ``with_model``: each row also says the current model's version (no
    row without a model), saving a statement of its own."""
    records = cypher.load("resolution/get_records")
    if not with_model:
        return records
    return "\n".join([cypher.subquery(cypher.load("resolution/current_model_version")), cypher.subquery(records),
                      "RETURN *"])


def lock_records(tx: ManagedTransaction, keys: list[Key], likely: Iterable[dict] = (), *,
                  with_model: bool = False) -> tuple[dict[str, dict], dict[str, dict], str | None]:
    """The records (key → row) and their blocking keys (key → ``bk_`` properties), read
    again after write-locking the buckets of those keys. Two resolutions whose records
    share a key take turns here; the second reads what the first committed. A record
    corrected meanwhile (other keys) has its new buckets locked in another round; so has
    one whose details were not what the caller thought ``likely`` (the rows it has just
    written: their buckets are locked in the first round, saving one). ``with_model``:
    also the current model's version as read with them (None when nothing was read:
    no such record, or no model)."""
    params = [list(k) for k in keys]
    locked: set[int] = set()
    missing = key_buckets(blocking_props(r) for r in likely)
    version = None
    while True:
        found = tx.run(records_query(with_model), keys=params, buckets=sorted(missing)).data()
        locked |= missing
        records = {record_key(r["source"], r["source_record_id"]): r for r in found}
        for r in records.values():
            r["similar"] = {record_key(*o) for o in r["similar"]}
            version = r.pop("model_version", version)
        props = {k: blocking_props(r) for k, r in records.items()}
        missing = key_buckets(props.values()) - locked
        if not missing:
            return records, props, version
