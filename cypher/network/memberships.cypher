// The households the persons belonged to during the period [$since, $until] (either may
// be null: open), each with its address and the RAG of its open alerts.
UNWIND $person_ids AS pid
MATCH (:Person {person_id: pid})-[m:MEMBER_OF]->(h:Household)
WHERE ($until IS NULL OR m.from IS NULL OR m.from <= $until)
  AND ($since IS NULL OR m.to IS NULL OR m.to >= $since)
OPTIONAL MATCH (h)-[:AT]->(a:Address)
CALL (h) {
  OPTIONAL MATCH (al:Alert)-[:CONCERNS]->(h)
  WHERE al.status IN $open_statuses
  RETURN collect(DISTINCT toLower(al.rag)) AS rags
}
RETURN pid AS person_id, h {.household_id, .status, .member_count} AS household,
       a {.key, .line, .postcode, .shared} AS address, toString(m.from) AS from, toString(m.to) AS to, rags
ORDER BY pid, h.household_id
