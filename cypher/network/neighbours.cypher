// One hop of the MASH network view from a frontier of persons: persons sharing a
// household, a (non-shared, unless asked) address, or an event, within the period
// [$since, $until] when given (either may be null: open). At most $per_person neighbours
// per person per kind.
UNWIND $person_ids AS pid
MATCH (p:Person {person_id: pid})
CALL (p) {
  MATCH (p)-[m:MEMBER_OF]->(h:Household)<-[m2:MEMBER_OF]-(q:Person)
  WHERE q <> p
    AND ($until IS NULL OR ((m.from IS NULL OR m.from <= $until) AND (m2.from IS NULL OR m2.from <= $until)))
    AND ($since IS NULL OR ((m.to IS NULL OR m.to >= $since) AND (m2.to IS NULL OR m2.to >= $since)))
  RETURN q, 'HOUSEHOLD' AS kind, h.household_id AS via
  LIMIT $per_person
  UNION
  MATCH (p)-[:HAS_RECORD]->(:Record)-[l:LIVES_AT]->(a:Address)<-[l2:LIVES_AT]-(:Record)<-[:HAS_RECORD]-(q:Person)
  WHERE q <> p AND ($include_shared OR coalesce(a.shared, false) = false)
    AND ($until IS NULL OR ((l.first_seen IS NULL OR l.first_seen <= $until)
                            AND (l2.first_seen IS NULL OR l2.first_seen <= $until)))
    AND ($since IS NULL OR ((l.last_seen IS NULL OR l.last_seen >= $since)
                            AND (l2.last_seen IS NULL OR l2.last_seen >= $since)))
  RETURN DISTINCT q, 'ADDRESS' AS kind, a.key AS via
  LIMIT $per_person
  UNION
  MATCH (p)-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e:Event)<-[:HAS_EVENT]-(:Record)<-[:HAS_RECORD]-(q:Person)
  WHERE q <> p AND ($since IS NULL OR e.date >= $since) AND ($until IS NULL OR e.date <= $until)
  RETURN DISTINCT q, 'EVENT' AS kind, e.source + ':' + e.event_id AS via
  LIMIT $per_person
}
RETURN p.person_id AS from, kind, via,
       q {.person_id, .first_name, .last_name, .status, date_of_birth: toString(q.date_of_birth)} AS person
