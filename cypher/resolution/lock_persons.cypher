// Write-lock persons (in the order given: sorted), write the real-time SIMILAR pairs (drop
// those that fell below the review band, write those in or above it; none for a review
// decision), then say which persons hold the given records now (read after the locks, so
// a merge committed meanwhile is seen).
CALL () {
  UNWIND $person_ids AS pid
  MATCH (p:Person {person_id: pid})
  SET p._lock = true
  REMOVE p._lock
}
CALL () {
  UNWIND $gone AS row
  MATCH (a:Record {source: row.sa, source_record_id: row.ia})-[s:SIMILAR]->(b:Record {source: row.sb, source_record_id: row.ib})
  DELETE s
}
CALL () {
  UNWIND $pairs AS row
  MATCH (a:Record {source: row.sa, source_record_id: row.ia})
  MATCH (b:Record {source: row.sb, source_record_id: row.ib})
  MERGE (a)-[s:SIMILAR]->(b)
    ON CREATE SET s.created_at = datetime()
  SET s.match_weight = row.match_weight, s.probability = row.probability,
      s.explanation = row.explanation, s.model_version = row.model_version,
      s.band = row.band, s.updated_at = datetime()
}
UNWIND $keys AS k
MATCH (:Record {source: k[0], source_record_id: k[1]})<-[:HAS_RECORD]-(p:Person)
RETURN k[0] AS source, k[1] AS source_record_id, p.person_id AS person_id
