CALL () {
  MATCH (:Person {person_id: $person_id})-[:HAS_RECORD]->(r:Record) RETURN r
  UNION
  MATCH (r:Record {source: $source, source_record_id: $record_id}) RETURN r
}
RETURN count(r) AS records, collect([r.source, r.source_record_id]) AS record_keys
