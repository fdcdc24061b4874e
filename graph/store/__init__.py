"""Operations on the Neo4j store, no domain logic: the driver and shared helpers
(:mod:`.db`), the local server (:mod:`.server`), schema migrations (:mod:`.schema`),
backup and restore (:mod:`.backup`); ``aim db ...`` in :mod:`.cli`."""

from aim.graph import public_surface

__all__, __getattr__ = public_surface(__name__, {
    "connect": "db", "get_driver": "db", "as_date": "db", "to_native": "db", "batches": "db",
    "write_batched": "db", "execute_write": "db", "causal_session": "db",
    "LocalNeo4j": "server", "Neo4jServerError": "server", "ServerStatus": "server",
    "migrate": "schema", "clear_graph": "clear", "audit_held": "clear", "AuditKept": "clear", "AUDIT_LABELS": "clear",
    "export_graph": "backup", "restore_graph": "backup", "BackupError": "backup", "summary": "backup",
})
