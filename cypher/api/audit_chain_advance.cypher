// The next position of the audit chain and the hash of the entry before it. The SET locks
// the head until the transaction ends, so concurrent appends take positions one by one.
MERGE (c:AuditChain {name: $chain})
ON CREATE SET c.seq = 0, c.head = $genesis
SET c.seq = c.seq + 1
WITH c
RETURN c.seq AS seq, c.head AS previous_hash
