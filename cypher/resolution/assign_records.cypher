// Give each record to its (new) person, removing the link to the old one.
UNWIND $rows AS row
MATCH (r:Record {source: row.source, source_record_id: row.source_record_id})
MATCH (p:Person {person_id: row.person_id})
CALL (r, p) {
  OPTIONAL MATCH (r)<-[old:HAS_RECORD]-(other:Person)
  WHERE other <> p
  DELETE old
}
MERGE (p)-[:HAS_RECORD]->(r)
