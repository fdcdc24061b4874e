"""The audit trail's integrity: a hash chain.

Every entry has a position (``seq``) and holds the hash of the entry before it
(``previous_hash``) and its own (``hash``). One ``(:AuditChain)`` head node holds the last
position and hash; taking the next position locks it (``SET`` on the head) until the
transaction ends, so appends are serialised. A changed entry no longer matches its hash, a
deleted one leaves a gap in the positions (or, at the end, a head that points past the last
entry).

An entry's hash is SHA-256 over ``content_hash:seq:previous_hash``, ``content_hash`` being
SHA-256 over its other fields: the writer hashes the content, the database the position
(``apoc.util.sha256`` in ``api/audit_write``), so that taking the position and writing the
entry are one statement and the head is locked for that statement and the commit only.
Entries written before (no ``hashing`` field) hash all their fields at once.

When retention removes the oldest entries, the last removed position and hash are kept as
the chain's *anchor*, signed with a key the database does not hold, so that the remaining
chain still verifies and an anchor moved by hand does not.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC

from neo4j import ManagedTransaction

from aim import cypher
from aim.graph.store import to_native

GENESIS = "0" * 64
CHAIN = "audit"
HASHED = ("seq", "entry_id", "at", "username", "role", "organisation", "purpose", "method", "endpoint",
          "action", "subject_ids", "detail", "previous_hash")
# An entry's content: what its writer hashes before the database gives it a position.
CONTENT = tuple(name for name in HASHED if name not in ("seq", "previous_hash")) + ("hashing",)
HASHING = 2  # the ``hashing`` of entries whose position is hashed apart from their content
# Entries that start a new branch of the chain after the graph's audit was replaced (a
# restore, or the demo discarding it): the JSON-lines copy keeps the branch left behind.
BRANCH_ACTIONS = ("audit.discarded", "db.restored")


def timestamp(at) -> str:
    """The one text form of an entry's time that its hash covers (UTC, microseconds)."""
    if isinstance(at, str):
        return at
    return to_native(at).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _sha256(fields: dict) -> str:
    fields = fields | {"at": timestamp(fields["at"])}
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def content_hash(entry: dict) -> str:
    return _sha256({name: entry.get(name) for name in CONTENT})


def entry_hash(entry: dict) -> str:
    if entry.get("hashing") == HASHING:
        return hashlib.sha256(f"{content_hash(entry)}:{entry['seq']}:{entry['previous_hash']}".encode()).hexdigest()
    return _sha256({name: entry.get(name) for name in HASHED})


def as_line(entry: dict) -> dict:
    """An entry as the JSON-lines copy holds it: the hashed fields and the hash, nothing more."""
    hashing = {"hashing": entry["hashing"]} if entry.get("hashing") else {}
    return {**{name: entry.get(name) for name in HASHED}, **hashing, "at": timestamp(entry["at"]),
            "hash": entry["hash"]}


# ----------------------------------------------------------------------------- anchor


def anchor_signature(key: bytes, seq: int, hash_: str) -> str:
    return hmac.new(key, f"{CHAIN}:{seq}:{hash_}".encode(), hashlib.sha256).hexdigest()


def set_anchor(tx: ManagedTransaction, key: bytes, seq: int, hash_: str) -> None:
    """Remember the last removed entry (retention) so that the chain verifies from there."""
    tx.run(cypher.load("api/audit_chain_anchor"), chain=CHAIN, seq=seq, hash=hash_,
           signature=anchor_signature(key, seq, hash_)).consume()


def resign_anchor(tx: ManagedTransaction, key: bytes, seq: int, hash_: str) -> None:
    """Sign the same anchor with a new key (after ``AIM_JWT_SECRET`` was rotated)."""
    tx.run(cypher.load("api/audit_chain_resign"), chain=CHAIN, seq=seq, hash=hash_,
           signature=anchor_signature(key, seq, hash_)).consume()


# ----------------------------------------------------------------------------- verify


@dataclass
class Finding:
    position: int | None
    entry_id: str | None
    problem: str

    def __str__(self) -> str:
        if not self.position:
            return f"chain: {self.problem}"
        named = f" ({self.entry_id})" if self.entry_id else ""
        return f"entry {self.position}{named}: {self.problem}"


@dataclass
class Verdict:
    entries: int = 0
    unchained: int = 0
    head: int = 0
    anchor: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.findings


def read_head(tx: ManagedTransaction) -> dict | None:
    row = tx.run(cypher.load("api/audit_chain_head"), chain=CHAIN).single()
    return dict(row["head"]) if row else None


def check(entries: Iterable[dict], head: dict | None, key: bytes | None) -> Verdict:
    """Walk ``entries`` (in ``seq`` order) from the anchor to the head."""
    verdict = Verdict(head=(head or {}).get("seq") or 0, anchor=(head or {}).get("anchor_seq") or 0)
    expected_seq, expected_previous = verdict.anchor + 1, (head or {}).get("anchor_hash") or GENESIS
    if verdict.anchor:
        _check_anchor(verdict, head, key)
    last_hash = expected_previous
    for entry in entries:
        if entry.get("seq") is None:
            verdict.unchained += 1  # written before the chain existed: nothing to check it against
            continue
        seq = entry["seq"]
        if seq <= verdict.anchor:
            continue  # aged out by retention, its removal not finished: the anchor vouches for it
        verdict.entries += 1
        if seq > expected_seq:
            verdict.findings.append(Finding(expected_seq, None, _missing(expected_seq, seq - 1)))
        elif seq < expected_seq:
            verdict.findings.append(Finding(seq, entry.get("entry_id"), "a second entry at this position"))
        elif entry.get("previous_hash") != expected_previous:
            verdict.findings.append(Finding(seq, entry.get("entry_id"),
                                            "does not follow the entry before it (that one was changed)"))
        if entry_hash(entry) != entry.get("hash"):
            verdict.findings.append(Finding(seq, entry.get("entry_id"), "changed: its content does not match its hash"))
        expected_seq, expected_previous = seq + 1, entry.get("hash")
        last_hash = entry.get("hash")
    if head and verdict.head >= expected_seq:
        verdict.findings.append(Finding(expected_seq, None, _missing(expected_seq, verdict.head) + " (at the end)"))
    elif head and head.get("head") != last_hash:
        verdict.findings.append(Finding(None, None, "the head does not point at the last entry"))
    if head is None and verdict.entries:
        verdict.findings.append(Finding(None, None, "entries but no chain head"))
    return verdict


def _missing(first: int, last: int) -> str:
    return "deleted" if first == last else f"deleted, and every entry up to {last}"


def _check_anchor(verdict: Verdict, head: dict, key: bytes | None) -> None:
    if key is None:
        verdict.findings.append(Finding(None, None, "the retention anchor cannot be checked without the key"))
    elif not hmac.compare_digest(head.get("anchor_signature") or "",
                                 anchor_signature(key, head["anchor_seq"], head["anchor_hash"])):
        verdict.findings.append(Finding(None, None, "the retention anchor is not signed with this installation's key"))
