// The audit trail's hash chain (graph/access/audit_chain.py): one head node, entries by position.
CREATE CONSTRAINT audit_chain_name IF NOT EXISTS
FOR (c:AuditChain) REQUIRE c.name IS UNIQUE;

CREATE INDEX audit_entry_seq IF NOT EXISTS
FOR (a:AuditEntry) ON (a.seq);
