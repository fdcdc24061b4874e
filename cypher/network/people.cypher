// The persons of an exploration with their markers: how many agencies reported activity
// about them in the period [$since, $until] (either may be null: open) and the RAG of
// their open alerts.
UNWIND $person_ids AS pid
MATCH (p:Person {person_id: pid})
CALL (p) {
  OPTIONAL MATCH (p)-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e:Event)
  WHERE ($since IS NULL OR e.date >= $since) AND ($until IS NULL OR e.date <= $until)
  RETURN count(DISTINCT e.source) AS agencies
}
CALL (p) {
  OPTIONAL MATCH (a:Alert)-[:CONCERNS]->(p)
  WHERE a.status IN $open_statuses
  RETURN collect(DISTINCT toLower(a.rag)) AS rags
}
RETURN p {.person_id, .first_name, .last_name, .status, date_of_birth: toString(p.date_of_birth)} AS person,
       agencies, rags
