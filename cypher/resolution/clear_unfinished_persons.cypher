// Persons an interrupted run left without records (persons are written before their records
// move to them): one that never held a record (no resolution history) is removed, one that did
// is retired. A finished run leaves no active person without records.
MATCH (p:Person {status: 'active'})
WHERE NOT (p)-[:HAS_RECORD]->()
CALL (p) {
  WITH p WHERE NOT (p)<-[:ABOUT]-(:ResolutionEvent)
  DETACH DELETE p
  RETURN 1 AS removed
  UNION
  WITH p WHERE (p)<-[:ABOUT]-(:ResolutionEvent)
  SET p.status = 'retired', p.retired_at = datetime(), p.record_count = 0
  RETURN 0 AS removed
}
RETURN count(*) AS cleared
