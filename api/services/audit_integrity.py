"""The audit chain's retention anchor and its key (``aim.api.keys.audit_anchor_key``, derived
from ``AIM_JWT_SECRET``, which the database does not hold): the key when there is one, and
re-signing the anchor after the secret was rotated."""

from __future__ import annotations

from neo4j import Driver

from aim.api.keys import audit_anchor_key
from aim.api.settings import ApiSettings
from aim.graph.access import audit
from aim.graph.access.audit import AuditContext, AuditEntry
from aim.graph.access.audit_chain import anchor_signature, read_head, resign_anchor
from aim.graph.store import causal_session


def anchor_key(settings: ApiSettings) -> bytes | None:
    """None when the secret is not available (the anchor then cannot be checked or set)."""
    try:
        return audit_anchor_key(settings)
    except ValueError:  # the secret is missing or too short (SecretError)
        return None


def resign(driver: Driver, database: str, settings: ApiSettings, previous_secret: str, ctx: AuditContext) -> int | None:
    """Re-sign the anchor with the current key if the previous secret's key signed it; the
    anchor's position, None when there is no anchor. ValueError when the previous key did
    not sign it (the anchor was moved, or the secret is not the previous one)."""
    with causal_session(driver, database) as session:
        head = session.execute_read(read_head)
    if not head or not head.get("anchor_seq"):
        return None
    previous = audit_anchor_key(settings, previous_secret)
    if head.get("anchor_signature") != anchor_signature(previous, head["anchor_seq"], head["anchor_hash"]):
        raise ValueError("the anchor was not signed with the previous secret's key: it is not re-signed")
    key = audit_anchor_key(settings)
    audit.audited_write(driver, database, settings.audit_log_path, _resign_and_record, key, head, ctx)
    return head["anchor_seq"]


def _resign_and_record(tx, key: bytes, head: dict, ctx: AuditContext) -> None:
    resign_anchor(tx, key, head["anchor_seq"], head["anchor_hash"])
    audit.write_entry(tx, ctx, AuditEntry("audit.anchor_resigned", [], {"anchor_seq": head["anchor_seq"]}))
