// One audit entry, linked to every subject (person or record id) it concerns; the chain's
// head moves to it (its position was taken by api/audit_chain_advance in this transaction).
CREATE (a:AuditEntry {
  entry_id: $entry_id, seq: $seq, at: $at, username: $username, role: $role,
  organisation: $organisation, purpose: $purpose, method: $method, endpoint: $endpoint,
  action: $action, subject_ids: $subject_ids, detail: $detail,
  previous_hash: $previous_hash, hash: $hash
})
WITH a
MATCH (c:AuditChain {name: $chain})
SET c.head = $hash
WITH a
UNWIND $subject_ids AS subject_id
MERGE (s:AuditSubject {subject_id: subject_id})
CREATE (a)-[:ABOUT]->(s)
