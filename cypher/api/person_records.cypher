// A subject's records (a resolved Person's cluster, or one unresolved record), with
// their organisation and current address.
CALL () {
  MATCH (:Person {person_id: $person_id})-[:HAS_RECORD]->(r:Record) RETURN r
  UNION
  MATCH (r:Record {source: $source, source_record_id: $record_id}) RETURN r
}
MATCH (r)-[:HELD_BY]->(o:Organisation)
OPTIONAL MATCH (r)-[:LIVES_AT]->(a:Address {key: r.address_key})
OPTIONAL MATCH (r)-[:HAS_EVENT]->(e:Event)
WITH r, o, a, e ORDER BY e.date DESC
WITH r, o, a, collect(e)[0] AS latest, count(e) AS events
RETURN r {.source, .source_record_id, .first_name, .last_name, .middle_names, .date_of_birth,
          .gender, .address, .postcode, .phone, .email, .nhs_number, .last_seen} AS record,
       o.code AS organisation, a {.line, .postcode} AS address,
       latest {.date, .type} AS latest_event, events
ORDER BY r.last_seen DESC
