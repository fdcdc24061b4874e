// A subject's records (a resolved Person's cluster, or one unresolved record), latest first,
// with their organisation and current address; and every partner organisation with its
// service lead contact, which the person view lists too: one round trip for the view.
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
ORDER BY r.last_seen DESC
WITH collect({
  record: r {.source, .source_record_id, .first_name, .last_name, .middle_names, .date_of_birth, .gender,
             .address, .postcode, .phone, .email, .nhs_number, .last_seen},
  organisation: o.code, address: a {.line, .postcode}, latest_event: latest {.date, .type}, events: events
}) AS records
OPTIONAL CALL (records) {
  WITH records WHERE size(records) > 0
  MATCH (o:Organisation)
  WITH o ORDER BY o.code
  RETURN collect(o {.code, .name, .kind, .lead_name, .lead_phone, .lead_email}) AS organisations
}
RETURN records, organisations
