// Real-time and manual paths: persons, record moves, retirements and events in one query
// (each part as in upsert_persons, assign_records, retire_persons, write_events).
CALL () {
  UNWIND $persons AS row
  MERGE (p:Person {person_id: row.person_id})
    ON CREATE SET p.created_at = datetime()
  SET p += row.details,
      p.date_of_birth = CASE WHEN row.date_of_birth IS NULL THEN null ELSE date(row.date_of_birth) END,
      p.status = 'active', p.merged_into = null, p.updated_at = datetime()
}
CALL () {
  UNWIND $moves AS row
  MATCH (r:Record {source: row.source, source_record_id: row.source_record_id})
  MATCH (p:Person {person_id: row.person_id})
  CALL (r, p) {
    OPTIONAL MATCH (r)<-[old:HAS_RECORD]-(other:Person)
    WHERE other <> p
    DELETE old
  }
  MERGE (p)-[:HAS_RECORD]->(r)
}
CALL () {
  UNWIND $retire AS row
  MATCH (p:Person {person_id: row.person_id})
  SET p.status = row.status, p.merged_into = row.merged_into, p.retired_at = datetime(),
      p.record_count = 0
  WITH p, row
  CALL (p, row) {
    WITH p, row WHERE row.merged_into IS NOT NULL
    MATCH (q:Person {person_id: row.merged_into})
    MERGE (p)-[:MERGED_INTO]->(q)
  }
}
CALL () {
  UNWIND $events AS e
  CREATE (x:ResolutionEvent)
  SET x = e, x.at = datetime()
  WITH x, e
  CALL (x, e) {
    UNWIND e.person_ids AS pid
    MATCH (p:Person {person_id: pid})
    MERGE (x)-[:ABOUT]->(p)
  }
}
