// Every audit entry in chain order (entries from before the chain, without a position, first).
MATCH (a:AuditEntry)
RETURN a {.*} AS entry
ORDER BY a.seq
