// A household's multi-agency chronology, oldest first: every event of each person who is or
// was a member, with the member, the agency and the agency's service lead.
MATCH (h:Household {household_id: $household_id})
OPTIONAL MATCH (h)-[:AT]->(a:Address)
OPTIONAL MATCH (p:Person)-[:MEMBER_OF]->(h)
OPTIONAL MATCH (p)-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e:Event)
OPTIONAL MATCH (o:Organisation {code: e.source})
WITH h, a, p, e, o ORDER BY e.date, e.source, e.event_id
WITH h, a, collect(CASE WHEN e IS NOT NULL THEN {
       date: e.date, organisation: e.source, agency: o.name, kind: e.type, person_id: p.person_id,
       first_name: p.first_name, last_name: p.last_name, lead_name: o.lead_name, lead_phone: o.lead_phone,
       lead_email: o.lead_email} END) AS entries
RETURN h.household_id AS household_id, a {.line, .postcode} AS address, entries[..$limit] AS entries
