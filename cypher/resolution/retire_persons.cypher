// Persons that no longer hold records: kept as tombstones so that anything attached to
// them (watch lists, alerts) still resolves, through MERGED_INTO, to the live person.
UNWIND $rows AS row
MATCH (p:Person {person_id: row.person_id})
SET p.status = row.status, p.merged_into = row.merged_into, p.retired_at = datetime(),
    p.record_count = 0
WITH p, row
CALL (p, row) {
  WITH p, row WHERE row.merged_into IS NOT NULL
  MATCH (q:Person {person_id: row.merged_into})
  MERGE (p)-[:MERGED_INTO]->(q)
}
