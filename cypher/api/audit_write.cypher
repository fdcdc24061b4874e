// One audit entry, linked to every subject (person or record id) it concerns.
CREATE (a:AuditEntry {
  entry_id: $entry_id, at: datetime(), username: $username, role: $role,
  organisation: $organisation, purpose: $purpose, method: $method, endpoint: $endpoint,
  action: $action, subject_ids: $subject_ids, detail: $detail
})
WITH a
UNWIND $subject_ids AS subject_id
MERGE (s:AuditSubject {subject_id: subject_id})
CREATE (a)-[:ABOUT]->(s)
