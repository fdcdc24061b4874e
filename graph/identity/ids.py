"""Stable ids for groups that change: pure, no database.

A batch run, a real-time resolution or a review decision re-groups records (persons) or
persons at an address (households). Each new group gets an old id when it holds at least
half of that id's members (largest overlap first, then the smaller id), else a new
random one (an id says nothing about the records behind it: it is no hash of their keys); the old ids that hold no group any more are retired, as merged into
the group that took most of their members, split, or gone. The changes are returned as
events (create, merge, move, split_off, split, retire, id_change).
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field

EVENT_KEYS = 200  # record keys kept on one event


def new_id(taken: set[str], prefix: str = "P-") -> str:
    """A random id (64 bits), never one in ``taken``. Ids are unique in the graph (a
    constraint, tombstones included), so one used before can never be given again."""
    while True:
        candidate = prefix + secrets.token_hex(8)
        if candidate not in taken:
            return candidate


@dataclass
class Assignment:
    """New groups (label → member keys) with their ids, and what changed."""

    ids: dict[Hashable, str]                     # group label → id
    member_id: dict[str, str]                    # member key → new id
    moved: dict[str, str]                        # member key → new id (only changed ones)
    changed_ids: set[str]                        # ids whose member set changed (or new)
    retired: dict[str, tuple[str, str | None]]   # old id → (status, merged_into)
    events: list[dict] = field(default_factory=list)


def _kept_ids(groups: dict[Hashable, list[str]], old: dict[str, str], old_sizes: Counter) -> dict[Hashable, str]:
    """Groups that keep an old id: they hold at least half of its members (largest
    overlap first, then the smaller id)."""
    candidates = []
    for label, members in groups.items():
        overlap = Counter(old[m] for m in members if m in old)
        for oid, n in overlap.items():
            if 2 * n >= old_sizes[oid]:
                candidates.append((-n, oid, min(members), label))
    ids: dict[Hashable, str] = {}
    used: set[str] = set()
    for _, oid, _, label in sorted(candidates):
        if label not in ids and oid not in used:
            ids[label] = oid
            used.add(oid)
    return ids


def _retired(old: dict[str, str], old_sizes: Counter, used: set[str], member_id: dict[str, str]):
    """Old ids that hold no group any more, with where their members went."""
    dest: dict[str, Counter] = defaultdict(Counter)
    for m, oid in old.items():
        if m in member_id:
            dest[oid][member_id[m]] += 1
    retired: dict[str, tuple[str, str | None]] = {}
    for oid in old_sizes:
        if oid in used:
            continue
        where = dest.get(oid)
        if not where:
            retired[oid] = ("retired", None)
        elif len(where) == 1 or where.most_common(1)[0][1] * 2 > old_sizes[oid]:
            retired[oid] = ("merged", where.most_common(1)[0][0])
        else:
            retired[oid] = ("split", None)
    return retired, dest


def assign_ids(groups: dict[Hashable, list[str]], old: dict[str, str], taken: set[str],
               prefix: str = "P-") -> Assignment:
    """Give each group an id (see the module docstring).

    ``old`` maps member → old id for *every* member of the old ids involved (so that old
    sizes are right); ``taken`` is every id ever used.
    """
    old_sizes = Counter(old.values())
    ids = _kept_ids(groups, old, old_sizes)
    used = set(ids.values())
    taken = set(taken) | set(old.values())
    for label in sorted((g for g in groups if g not in ids), key=lambda g: min(groups[g])):
        ids[label] = new_id(taken, prefix)
        taken.add(ids[label])
    member_id = {m: ids[label] for label, members in groups.items() for m in members}
    moved = {m: pid for m, pid in member_id.items() if old.get(m) != pid}
    changed = {member_id[m] for m in moved}
    # Old ids whose members left also changed (they shrank).
    changed |= {old[m] for m in moved if m in old and old[m] in used}
    retired, dest = _retired(old, old_sizes, used, member_id)
    result = Assignment(ids, member_id, moved, changed, retired)
    result.events = _events(groups, ids, old, used, dest, retired)
    return result


def _events(groups, ids, old, used, dest, retired) -> list[dict]:
    events = []
    for label, members in groups.items():
        pid = ids[label]
        sources = sorted({old[m] for m in members if m in old} - {pid})
        moved = sorted(m for m in members if old.get(m) != pid)
        if not moved:
            continue
        absorbed = [s for s in sources if retired.get(s, ("", None))[0] == "merged"
                    and retired[s][1] == pid]
        if pid not in used and not sources:
            events.append({"kind": "create", "person_ids": [pid], "record_keys": moved[:EVENT_KEYS]})
        elif absorbed:
            events.append({"kind": "merge", "person_ids": [pid, *absorbed], "record_keys": moved[:EVENT_KEYS]})
        elif [s for s in sources if s not in retired or retired[s][0] != "split"]:
            kept = [s for s in sources if s not in retired]
            events.append({"kind": "move" if pid in used else "split_off",
                           "person_ids": [pid, *kept], "record_keys": moved[:EVENT_KEYS]})
    for oid, where in dest.items():
        if len(where) > 1:
            events.append({"kind": "split", "person_ids": [oid, *sorted(p for p in where if p != oid)],
                           "record_keys": []})
    for oid, (status, into) in retired.items():
        if status == "retired":
            events.append({"kind": "retire", "person_ids": [oid], "record_keys": []})
        elif status == "merged":
            events.append({"kind": "id_change", "person_ids": [oid, into], "record_keys": [],
                           "merged_into": into})
    return events
