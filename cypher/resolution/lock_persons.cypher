// Write-lock persons (in the order given: sorted), then say which persons hold the given
// records now (read after the locks, so a merge committed meanwhile is seen).
CALL () {
  UNWIND $person_ids AS pid
  MATCH (p:Person {person_id: pid})
  SET p._lock = true
  REMOVE p._lock
}
UNWIND $keys AS k
MATCH (:Record {source: k[0], source_record_id: k[1]})<-[:HAS_RECORD]-(p:Person)
RETURN k[0] AS source, k[1] AS source_record_id, p.person_id AS person_id
