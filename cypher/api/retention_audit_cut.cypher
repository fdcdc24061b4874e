// The newest chained audit entry from before the audit cutoff: retention removes it and
// every entry before it, and the chain is anchored on it.
MATCH (a:AuditEntry) WHERE a.seq IS NOT NULL AND a.at < datetime({date: $cutoff})
RETURN a.seq AS seq, a.hash AS hash
ORDER BY a.seq DESC LIMIT 1
