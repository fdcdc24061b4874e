// Of the given subjects, those the organisation holds a record of, with the details of its
// own most recent record of each (a partner's header comes from its own records only).
UNWIND $subjects AS s
CALL (s) {
  MATCH (:Person {person_id: s.person_id})-[:HAS_RECORD]->(r:Record) RETURN r
  UNION
  MATCH (r:Record {source: s.source, source_record_id: s.record_id}) RETURN r
}
MATCH (r)-[:HELD_BY]->(:Organisation {code: $organisation})
WITH s, r ORDER BY r.last_seen DESC
WITH s, collect(r)[0] AS latest
RETURN s.id AS subject,
       latest {.first_name, .last_name, .date_of_birth, .gender, .address, .postcode} AS details
