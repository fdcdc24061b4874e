"""A planned batch split into parts that share no record, address or event, so that two
transactions can write them at once without waiting on each other's locks.

Neo4j Community runs each transaction on one thread: one writer keeps one core busy, two
writers on disjoint parts keep two. Records are joined when they link to one address key
(a household); each group of joined records (a connected component) goes whole to one part,
with its links and events. File order still holds: a plan has already settled each
record's latest row and each event's last record, and the parts of one batch are committed
before the next batch is written.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .batch import BatchParams


def disjoint_parts(batch: BatchParams, parts: int) -> list[BatchParams]:
    """``batch`` as at most ``parts`` batches that share no record key, address key or event
    id, of about equal entries (records, address links and events); each keeps the batch's
    order and its organisations."""
    record_index = {(r["source"], r["source_record_id"]): i for i, r in enumerate(batch.records)}
    if not record_index:
        return [batch]
    # A plan holds each event id once, on its last record: only address keys join records.
    address_index: dict[str, int] = {}
    link_owner = np.array([record_index[(a["source"], a["source_record_id"])] for a in batch.addresses], dtype=np.int64)
    link_address = np.array([address_index.setdefault(a["key"], len(address_index)) for a in batch.addresses],
                            dtype=np.int64)
    event_owner = np.array([record_index[(e["source"], e["source_record_id"])] for e in batch.events], dtype=np.int64)
    size = len(record_index) + len(address_index)
    links = coo_matrix((np.ones(len(link_owner)), (link_owner, link_address + len(record_index))), shape=(size, size))
    _, component = connected_components(links, directed=False)
    record_component = component[:len(record_index)]
    entries = (1 + np.bincount(link_owner, minlength=len(record_index))
               + np.bincount(event_owner, minlength=len(record_index)))
    weight = np.bincount(record_component, weights=entries)
    # Each component goes whole to the part where its running total of entries starts, so
    # the parts differ by at most one component's entries.
    start = np.cumsum(weight) - weight
    part_of_component = np.minimum(start * parts // weight.sum(), parts - 1).astype(np.int64)
    part_of_record = part_of_component[record_component].tolist()
    split = [BatchParams(batch.organisations, [], [], []) for _ in range(parts)]
    for record, part in zip(batch.records, part_of_record):
        split[part].records.append(record)
    for link, owner in zip(batch.addresses, link_owner.tolist()):
        split[part_of_record[owner]].addresses.append(link)
    for event, owner in zip(batch.events, event_owner.tolist()):
        split[part_of_record[owner]].events.append(event)
    return [part for part in split if part.records]
