// Display fields of ranked search subjects: latest details, current address, agencies.
UNWIND $subjects AS s
CALL (s) {
  MATCH (:Person {person_id: s.person_id})-[:HAS_RECORD]->(r:Record) RETURN r
  UNION
  MATCH (r:Record {source: s.source, source_record_id: s.record_id}) RETURN r
}
MATCH (r)-[:HELD_BY]->(o:Organisation)
OPTIONAL MATCH (r)-[:LIVES_AT]->(a:Address {key: r.address_key})
WITH s, r, o, a ORDER BY r.last_seen DESC
WITH s, collect(r)[0] AS latest, collect(DISTINCT o.code) AS agencies, collect(a)[0] AS address
RETURN s.id AS subject,
       latest {.first_name, .last_name, .date_of_birth, .gender, .address, .postcode} AS details,
       agencies, address {.line, .postcode} AS address
