"""The audit trail's second copy: a JSON-lines file (``AIM_AUDIT_LOG``) that only grows.

Each entry is appended once its transaction has committed (so the file never holds an
entry the graph rolled back), as one ``write`` on a file opened for appending, under an
exclusive lock, then ``fsync``'d. A line holds exactly the entry's hashed fields and hash:
nothing the audit in the graph does not hold.

Comparing it with the graph (:func:`compare`) finds entries deleted from both the graph and
its chain, which the chain alone cannot tell from a shorter history.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .audit_chain import BRANCH_ACTIONS, Finding, as_line, entry_hash


def append(path: Path, entries: Iterable[dict]) -> None:
    text = "".join(json.dumps(as_line(e), sort_keys=True, ensure_ascii=False) + "\n" for e in entries)
    if not text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, text.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def read(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, entry) for every line of the copy."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            yield number, json.loads(line)


def current_branch(lines: Iterable[tuple[int, dict]]) -> dict[int, dict]:
    """The copy's entries by position on the branch the graph continues: an entry that
    starts a new branch (a restore) replaces every position from its own on."""
    by_seq: dict[int, dict] = {}
    for _, entry in lines:
        if entry.get("action") in BRANCH_ACTIONS:
            by_seq = {seq: e for seq, e in by_seq.items() if seq < entry["seq"]}
        by_seq[entry["seq"]] = entry
    return by_seq


def compare(graph_entries: Iterable[dict], path: Path, anchor: int) -> list[Finding]:
    """What differs between the graph's chained entries and the copy, from the anchor on."""
    findings = []
    copy = current_branch(read(path)) if path.exists() else {}
    for entry in graph_entries:
        seq = entry.get("seq")
        if seq is None:
            continue
        kept = copy.pop(seq, None)
        if kept is None:
            findings.append(Finding(seq, entry.get("entry_id"), "in the graph but not in the copy"))
        elif kept != as_line(entry) or entry_hash(kept) != kept["hash"]:
            findings.append(Finding(seq, entry.get("entry_id"), "differs from the copy"))
    for seq in sorted(s for s in copy if s > anchor):
        findings.append(Finding(seq, copy[seq].get("entry_id"), "in the copy but deleted from the graph"))
    return findings
