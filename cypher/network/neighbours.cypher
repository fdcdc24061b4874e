// One hop of the MASH network view from a frontier of persons: persons sharing a
// household, a (non-shared, unless asked) address, or an event. At most $per_person
// neighbours per person per kind.
UNWIND $person_ids AS pid
MATCH (p:Person {person_id: pid})
CALL (p) {
  MATCH (p)-[:MEMBER_OF]->(h:Household)<-[:MEMBER_OF]-(q:Person)
  WHERE q <> p
  RETURN q, 'HOUSEHOLD' AS kind, h.household_id AS via
  LIMIT $per_person
  UNION
  MATCH (p)-[:HAS_RECORD]->(:Record)-[:LIVES_AT]->(a:Address)<-[:LIVES_AT]-(:Record)<-[:HAS_RECORD]-(q:Person)
  WHERE q <> p AND ($include_shared OR coalesce(a.shared, false) = false)
  RETURN DISTINCT q, 'ADDRESS' AS kind, a.key AS via
  LIMIT $per_person
  UNION
  MATCH (p)-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e:Event)<-[:HAS_EVENT]-(:Record)<-[:HAS_RECORD]-(q:Person)
  WHERE q <> p
  RETURN DISTINCT q, 'EVENT' AS kind, e.source + ':' + e.event_id AS via
  LIMIT $per_person
}
RETURN p.person_id AS from, kind, via,
       q {.person_id, .first_name, .last_name, .status, date_of_birth: toString(q.date_of_birth)} AS person
