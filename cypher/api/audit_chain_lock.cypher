// Write-lock the audit chain's head (made as the first entry makes it), first thing in a
// transaction that writes more than its entries (graph/access/audit.audited_write): it then
// never holds a lock another writer waits for while it waits for the head (a deadlock).
MERGE (c:AuditChain {name: $chain})
  ON CREATE SET c.seq = 0, c.head = $genesis
SET c._lock = true
REMOVE c._lock
