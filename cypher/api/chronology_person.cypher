// A subject's multi-agency chronology, oldest first: each event with its agency and the
// agency's service lead.
CALL () {
  MATCH (:Person {person_id: $person_id})-[:HAS_RECORD]->(r:Record) RETURN r
  UNION
  MATCH (r:Record {source: $source, source_record_id: $record_id}) RETURN r
}
MATCH (r)-[:HAS_EVENT]->(e:Event)
OPTIONAL MATCH (o:Organisation {code: e.source})
WITH DISTINCT e, o
ORDER BY e.date, e.source, e.event_id
LIMIT $limit
RETURN e.date AS date, e.source AS organisation, o.name AS agency, e.type AS kind,
       o.lead_name AS lead_name, o.lead_phone AS lead_phone, o.lead_email AS lead_email
