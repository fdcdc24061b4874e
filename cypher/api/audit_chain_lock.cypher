// Write-lock the audit chain's head (made as the first entry makes it), for a transaction
// that writes other things before its entries: taken first, so that it never holds a lock
// another writer waits for while it waits for the head (a deadlock, retried after a second).
MERGE (c:AuditChain {name: $chain})
  ON CREATE SET c.seq = 0, c.head = $genesis
SET c._lock = true
REMOVE c._lock
